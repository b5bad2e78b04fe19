"""The breach register for the privacy officer (/app/privacy/breaches): every breach with its
72-hour notification deadline and the time left, opening a breach, recording the assessment,
decisions and the authority's notification, computing the affected clients from the audit
trail (a window, optionally one staff account or API key), the per-client letters and the
report for the supervisory authority. The rules live in :mod:`salonkeep.core.privacy.breach`.
Owner and privacy officer only (``Action.PRIVACY_REQUESTS``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from salonkeep.core.access import Action, require
from salonkeep.core.privacy import breach
from salonkeep.core.privacy.breach_letters import CATEGORY_NAMES
from salonkeep.tenants import clock
from salonkeep.tenants.context import current
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.web.i18n import current_language
from salonkeep.web.i18n import gettext as _
from salonkeep.web.pages import Form, render
from salonkeep.web.privacy.common import local_moment, optional_uuid


def time_left(view: breach.BreachView, now: datetime) -> str:
    """The time left until the deadline, or how late, in the person's language."""
    if view.authority_notified_at is not None:
        return _("authority notified")
    seconds = int((view.deadline - now).total_seconds())
    hours, minutes = divmod(abs(seconds) // 60, 60)
    if seconds < 0:
        return _("overdue by %(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(hours)d h %(minutes)d min left") % {"hours": hours, "minutes": minutes}


def category_names() -> dict[str, str]:
    """Data category names in the person's language (English when it has none)."""
    return CATEGORY_NAMES.get(current_language().split("_")[0], CATEGORY_NAMES["en"])


def language_labels() -> dict[str, str]:
    """The letter languages, named in the person's language."""
    return {"en": _("English"), "zh": _("Chinese"), "ru": _("Russian"), "fi": _("Finnish")}


async def _register(
    request: Request[Any, Any, Any],
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    now = clock.now()
    rows = [(b, time_left(b, now), b.overdue(now)) for b in await breach.list_breaches()]
    return render(
        request,
        "privacy/breaches.html",
        {"rows": rows, "errors": errors or {}, "values": values or {}},
        status_code=status,
    )


@get("/privacy/breaches", include_in_schema=False)
async def breaches(request: Request[Any, Any, Any]) -> Template:
    """The register, with the deadline and time left of each breach, and the form to open one."""
    require(current(), Action.PRIVACY_REQUESTS)
    return await _register(request)


@post("/privacy/breaches", include_in_schema=False)
async def open_breach(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Put a breach on the register."""
    require(current(), Action.PRIVACY_REQUESTS)
    try:
        found_at = local_moment(request, data.get("found_at", ""), "found_at")
        if found_at is None:
            raise ValidationFailed({"found_at": _("say when the breach was found")})
        made = await breach.open_breach(data.get("summary", ""), found_at)
    except ValidationFailed as exc:
        return await _register(request, errors=exc.errors, values=dict(data), status=422)
    return Redirect(f"/app/privacy/breaches/{made.id}", status_code=303)


async def _detail(
    request: Request[Any, Any, Any],
    breach_id: UUID,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    affected: list[breach.AffectedClient] | None = None,
    status: int = 200,
) -> Template:
    view = await breach.get_breach(breach_id)
    now = clock.now()
    return render(
        request,
        "privacy/breach.html",
        {
            "breach": view,
            "time_left": time_left(view, now),
            "overdue": view.overdue(now),
            "affected": affected if affected is not None else await breach.affected_of(view),
            "categories": category_names(),
            "languages": language_labels(),
            "errors": errors or {},
            "values": values or {},
        },
        status_code=status,
    )


@get("/privacy/breaches/{breach_id:uuid}", include_in_schema=False)
async def breach_detail(request: Request[Any, Any, Any], breach_id: UUID) -> Template:
    """One breach: the facts, the assessment and decisions, and the affected clients."""
    require(current(), Action.PRIVACY_REQUESTS)
    return await _detail(request, breach_id)


@post("/privacy/breaches/{breach_id:uuid}", include_in_schema=False)
async def update_breach(request: Request[Any, Any, Any], breach_id: UUID, data: Form) -> Response[Any]:
    """Record the likely consequences and measures, add a decision, note the authority's
    notification."""
    require(current(), Action.PRIVACY_REQUESTS)
    try:
        notified = local_moment(request, data.get("authority_notified_at", ""), "authority_notified_at")
        await breach.update_breach(
            breach_id,
            consequences=data.get("consequences"),
            measures=data.get("measures"),
            decision=data.get("decision"),
            authority_notified_at=notified,
        )
    except ValidationFailed as exc:
        return await _detail(request, breach_id, errors=exc.errors, values=dict(data), status=422)
    return Redirect(f"/app/privacy/breaches/{breach_id}", status_code=303)


@post("/privacy/breaches/{breach_id:uuid}/affected", include_in_schema=False)
async def compute_affected(request: Request[Any, Any, Any], breach_id: UUID, data: Form) -> Response[Any]:
    """Compute the affected clients for a window (and one staff account or API key)."""
    require(current(), Action.PRIVACY_REQUESTS)
    try:
        errors: dict[str, str] = {}
        start = end = None
        try:
            start = local_moment(request, data.get("from", ""), "from")
        except ValidationFailed as exc:
            errors.update(exc.errors)
        try:
            end = local_moment(request, data.get("to", ""), "to")
        except ValidationFailed as exc:
            errors.update(exc.errors)
        if start is None and "from" not in errors:
            errors["from"] = _("give the start of the window")
        if end is None and "to" not in errors:
            errors["to"] = _("give the end of the window")
        try:
            key_id = optional_uuid(data.get("apikey", ""), "apikey")
        except ValidationFailed as exc:
            errors.update(exc.errors)
            key_id = None
        if errors:
            raise ValidationFailed(errors)
        assert start is not None and end is not None
        found = await breach.affected(
            breach_id, start, end, staff_email=data.get("staff", "").strip() or None, api_key_id=key_id
        )
    except ValidationFailed as exc:
        return await _detail(request, breach_id, errors=exc.errors, values=dict(data), status=422)
    return await _detail(request, breach_id, affected=found)


@get("/privacy/breaches/{breach_id:uuid}/letters/{client_id:uuid}", include_in_schema=False)
async def letter(
    request: Request[Any, Any, Any], breach_id: UUID, client_id: UUID, language: str = ""
) -> Template:
    """The notification letter to one affected client (their language unless another is
    chosen), ready to print or send."""
    require(current(), Action.PRIVACY_REQUESTS)
    chosen = language if language in breach.LETTER_LANGUAGES else None
    subject, body = await breach.notification_letter(breach_id, client_id, chosen)
    return render(
        request,
        "privacy/breach_letter.html",
        {
            "breach_id": breach_id,
            "client_id": client_id,
            "subject": subject,
            "body": body,
            "languages": language_labels(),
            "chosen": chosen,
        },
    )


@get("/privacy/breaches/{breach_id:uuid}/report", include_in_schema=False)
async def report(request: Request[Any, Any, Any], breach_id: UUID) -> Template:
    """The notification for the supervisory authority, in the order of GDPR art. 33(3)."""
    require(current(), Action.PRIVACY_REQUESTS)
    return render(
        request,
        "privacy/breach_report.html",
        {"breach_id": breach_id, "report": await breach.authority_report(breach_id)},
    )


routes = [breaches, open_breach, breach_detail, update_breach, compute_affected, letter, report]
