"""Staff obligations and re-consent screens.

* ``/app/agreement``: the confidentiality agreement a staff member signs before they see any
  client data (every staff member; shown instead of a client page until signed).
* ``/app/privacy/obligations`` (owner, privacy officer): who signed which version (and
  recording a paper signature), privacy training records with renewal dates, and the partner
  register's contract clauses, vetting and review dates and security report (a reference, and
  the file itself: uploaded here or with ``salonkeep privacy partner-report``, stored encrypted,
  downloaded here).
* ``/app/privacy/reconsent`` (owner, privacy officer): the clients with grants to confirm, and
  sending them the re-consent request.

The rules live in :mod:`salonkeep.core.privacy.obligations` and
:mod:`salonkeep.core.consent.reconsent`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from salonkeep.core.access import Action, require
from salonkeep.core.consent import reconsent
from salonkeep.core.formatting import input_date
from salonkeep.core.privacy import obligations
from salonkeep.tenants import clock
from salonkeep.tenants.context import current
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.tenant_settings import load_tenant_settings
from salonkeep.web.auth.guard import signed
from salonkeep.web.i18n import gettext as _
from salonkeep.web.pages import Form, render
from salonkeep.web.privacy.common import local_moment


async def _agreement_page(request: Request[Any, Any, Any], status: int = 200) -> Template:
    version = (await load_tenant_settings(current().tenant_id)).confidentiality_version
    return render(request, "privacy/agreement.html", {"version": version}, status_code=status)


@get("/agreement", include_in_schema=False)
async def agreement(request: Request[Any, Any, Any]) -> Template:
    """The confidentiality agreement and the button that signs it."""
    return await _agreement_page(request)


@post("/agreement", include_in_schema=False)
async def sign(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Sign the current version (the box must be ticked)."""
    if data.get("agree") != "yes":
        page = await _agreement_page(request, status=422)
        page.context["errors"] = {"agree": _("tick the box to sign the agreement")}
        return page
    await obligations.sign_agreement()
    return Redirect("/app", status_code=303)


async def _obligations(
    request: Request[Any, Any, Any],
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    settings = await load_tenant_settings(current().tenant_id)
    now = clock.now()
    trainings = obligations.latest_per_course(await obligations.list_trainings())
    partners = await obligations.partner_terms()
    zone = signed(request).tenant.time_zone
    return render(
        request,
        "privacy/obligations.html",
        {
            "version": settings.confidentiality_version,
            "agreements": await obligations.agreement_statuses(),
            "trainings": trainings,
            "due_before": now + timedelta(days=settings.reminder_days),
            "partners": partners,
            "input_dates": {
                p.id: (input_date(p.vetted_at, zone), input_date(p.review_due_at, zone)) for p in partners
            },
            "errors": errors or {},
            "values": values or {},
        },
        status_code=status,
    )


@get("/privacy/obligations", include_in_schema=False)
async def obligations_page(request: Request[Any, Any, Any]) -> Template:
    """Signatures, trainings and the partner register's terms."""
    require(current(), Action.PRIVACY_REQUESTS)
    return await _obligations(request)


@post("/privacy/obligations/agreements", include_in_schema=False)
async def record_agreement(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Record a paper signature made at hiring."""
    require(current(), Action.PRIVACY_REQUESTS)
    try:
        await obligations.record_agreement(data.get("email", ""))
    except ValidationFailed as exc:
        return await _obligations(request, errors=exc.errors, values=dict(data), status=422)
    return Redirect("/app/privacy/obligations", status_code=303)


@post("/privacy/obligations/trainings", include_in_schema=False)
async def record_training(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Record a completed privacy training and its renewal date."""
    require(current(), Action.PRIVACY_REQUESTS)
    try:
        errors: dict[str, str] = {}
        moments = {}
        for field in ("completed_at", "renew_by"):
            try:
                moments[field] = local_moment(request, data.get(field, ""), field)
            except ValidationFailed as exc:
                errors.update(exc.errors)
            if moments.get(field) is None and field not in errors:
                errors[field] = _("give a date")
        if errors:
            raise ValidationFailed(errors)
        completed, renew = moments["completed_at"], moments["renew_by"]
        assert completed is not None and renew is not None
        await obligations.record_training(
            data.get("training_email", ""), data.get("course", ""), completed, renew
        )
    except ValidationFailed as exc:
        found = {("training_email" if k == "email" else k): v for k, v in exc.errors.items()}
        return await _obligations(request, errors=found, values=dict(data), status=422)
    return Redirect("/app/privacy/obligations", status_code=303)


@post("/privacy/partners/{partner_id:uuid}/terms", include_in_schema=False)
async def partner_terms(request: Request[Any, Any, Any], partner_id: UUID, data: Form) -> Response[Any]:
    """Record a partner's contract clauses, vetting and review dates and security report."""
    require(current(), Action.PRIVACY_REQUESTS)
    try:
        errors: dict[str, str] = {}
        moments = {}
        for field in ("vetted_at", "review_due_at"):
            try:
                moments[field] = local_moment(request, data.get(field, ""), field)
            except ValidationFailed as exc:
                errors.update(exc.errors)
        if errors:
            raise ValidationFailed(errors)
        await obligations.update_partner_terms(
            partner_id,
            contract_clauses=data.get("contract_clauses", ""),
            vetted_at=moments["vetted_at"],
            review_due_at=moments["review_due_at"],
            security_report_ref=data.get("security_report_ref", ""),
        )
    except ValidationFailed as exc:
        found = {f"{partner_id}.{k}": v for k, v in exc.errors.items()}
        return await _obligations(request, errors=found, values=dict(data), status=422)
    return Redirect("/app/privacy/obligations", status_code=303)


@post(
    "/privacy/partners/{partner_id:uuid}/report",
    include_in_schema=False,
    request_max_body_size=obligations.MAX_REPORT_BYTES + 1024 * 1024,
)
async def upload_partner_report(
    request: Request[Any, Any, Any],
    partner_id: UUID,
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Response[Any]:
    """Store a partner's security report file, encrypted under the tenant's key."""
    require(current(), Action.PRIVACY_REQUESTS)
    upload = data.get("file")
    if not isinstance(upload, UploadFile):
        return await _obligations(request, errors={"file": _("Choose the report file.")}, status=422)
    try:
        await obligations.update_partner_terms(
            partner_id, report_name=upload.filename, report_file=await upload.read()
        )
    except ValidationFailed as exc:
        found = {("file" if k == "security_report" else k): v for k, v in exc.errors.items()}
        return await _obligations(request, errors=found, status=422)
    return Redirect("/app/privacy/obligations", status_code=303)


@get("/privacy/partners/{partner_id:uuid}/report", include_in_schema=False)
async def partner_report(partner_id: UUID) -> Response[bytes]:
    """The partner's security report file, decrypted for the privacy officer."""
    require(current(), Action.PRIVACY_REQUESTS)
    name, data = await obligations.partner_report(partner_id)
    safe = "".join(c for c in name if c.isalnum() or c in "._-") or "security-report"
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{safe}"', "Cache-Control": "no-store"},
    )


def purpose_labels() -> dict[str, str]:
    """The consent purposes, named in the person's language."""
    return {
        "health_data": _("Health information"),
        "marketing_email": _("News and offers by e-mail"),
        "marketing_sms": _("News and offers by text message"),
        "greetings": _("Birthday and holiday greetings"),
        "third_party_sharing": _("Sharing with partners"),
        "photos": _("Before/after photos"),
    }


async def _reconsent(request: Request[Any, Any, Any], queued: int | None = None) -> Template:
    return render(
        request,
        "privacy/reconsent.html",
        {
            "clients": await reconsent.clients_to_confirm(),
            "queued": queued,
            "purpose_labels": purpose_labels(),
        },
    )


@get("/privacy/reconsent", include_in_schema=False)
async def reconsent_page(request: Request[Any, Any, Any]) -> Template:
    """The clients with grants to confirm and whether they were asked."""
    require(current(), Action.PRIVACY_REQUESTS)
    return await _reconsent(request)


@post("/privacy/reconsent", include_in_schema=False)
async def send_reconsent(request: Request[Any, Any, Any], data: Form) -> Template:
    """Queue the re-consent request for every client not asked yet (idempotent)."""
    require(current(), Action.PRIVACY_REQUESTS)
    queued = await reconsent.request_reconsent()
    return await _reconsent(request, queued=queued)


routes = [
    agreement,
    sign,
    obligations_page,
    record_agreement,
    record_training,
    partner_terms,
    partner_report,
    upload_partner_report,
    reconsent_page,
    send_reconsent,
]
