"""The privacy officer's workspace (/app/privacy): the requests board, export, erasure,
restriction, the sharing register, the retention dry run, audit search and chain verification.
Owner and privacy officer only (``Action.PRIVACY_REQUESTS``; audit pages ``AUDIT_VIEW``)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from salonkeep.core import audit, consent
from salonkeep.core.access import Action, require
from salonkeep.core.audit import chain, signing
from salonkeep.core.clients import service as clients
from salonkeep.core.privacy import alerts, retention, rights, sharing
from salonkeep.core.privacy.tables import REQUEST_KINDS
from salonkeep.core.staff import branches
from salonkeep.tenants.context import current
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.web.i18n import gettext as _
from salonkeep.web.navigation import NavItem
from salonkeep.web.navigation import register as register_nav
from salonkeep.web.pages import Form, render
from salonkeep.web.privacy.common import optional_uuid, start_of_day
from salonkeep.web.security_headers import SELF_CONTAINED_DOCUMENT_CSP


def N_(message: str) -> str:
    """Mark ``message`` for extraction (the navigation translates it when rendered)."""
    return message


#: What the erasure confirmation accepts besides the client's full name.
ERASE_WORD = "ERASE"


async def _board(
    request: Request[Any, Any, Any],
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    return render(
        request,
        "privacy/board.html",
        {
            "requests": await rights.list_requests("open"),
            "closed": (await rights.list_requests("done"))[-20:]
            + (await rights.list_requests("refused"))[-20:],
            "kinds": REQUEST_KINDS,
            "errors": errors or {},
            "values": values or {},
            "open_alerts": len(await alerts.list_alerts()),
        },
        status_code=status,
    )


@get("/privacy", include_in_schema=False)
async def board(request: Request[Any, Any, Any]) -> Template:
    """The requests board: open requests by deadline, overdue ones marked."""
    require(current(), Action.PRIVACY_REQUESTS)
    return await _board(request)


@post("/privacy/requests", include_in_schema=False)
async def open_request(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Log a data-subject request for a client."""
    require(current(), Action.PRIVACY_REQUESTS)
    try:
        client_id = optional_uuid(data.get("client_id", ""), "client_id")
        if client_id is None:
            raise ValidationFailed({"client_id": _("give the client's id")})
        await rights.open_request(client_id, data.get("kind", ""), channel="staff", note=data.get("note", ""))
    except ValidationFailed as exc:
        return await _board(request, errors=exc.errors, values=data, status=422)
    back = data.get("back", "")
    return Redirect(back if back.startswith("/app/") else "/app/privacy", status_code=303)


@post("/privacy/requests/{request_id:uuid}/close", include_in_schema=False)
async def close_request(request: Request[Any, Any, Any], request_id: UUID, data: Form) -> Response[Any]:
    """Settle a request (done or refused, with a note)."""
    require(current(), Action.PRIVACY_REQUESTS)
    try:
        await rights.close_request(request_id, status=data.get("status", "done"), note=data.get("note", ""))
    except ValidationFailed as exc:
        return await _board(request, errors=exc.errors, values=data, status=422)
    return Redirect("/app/privacy", status_code=303)


async def _open_requests_of(client_id: UUID) -> list[rights.RequestView]:
    return [r for r in await rights.list_requests("open") if r.client_id == client_id]


@get("/privacy/clients/{client_id:uuid}", include_in_schema=False)
async def client_rights(request: Request[Any, Any, Any], client_id: UUID) -> Template:
    """One client's rights page: export, restriction, erasure, disclosures."""
    require(current(), Action.PRIVACY_REQUESTS)
    client = await clients.get_client(client_id)
    return render(
        request,
        "privacy/client.html",
        {
            "client": client,
            "restricted": await rights.is_restricted(client_id),
            "requests": await _open_requests_of(client_id),
            "kinds": REQUEST_KINDS,
            "disclosures": await sharing.disclosures(client_id),
            "partners": {p.id: p for p in await sharing.list_partners()},
        },
    )


@post("/privacy/clients/{client_id:uuid}/export", include_in_schema=False)
async def export(request: Request[Any, Any, Any], client_id: UUID, data: Form) -> Response[Any]:
    """Export everything held about the client: a JSON download or the readable HTML page."""
    require(current(), Action.PRIVACY_REQUESTS)
    request_id = optional_uuid(data.get("request_id", ""), "request_id")
    exported = await rights.export_client(client_id, request_id=request_id)
    if data.get("format") == "html":
        return Response(
            rights.export_html(exported),
            media_type="text/html; charset=utf-8",
            status_code=200,
            headers={"Cache-Control": "no-store", "Content-Security-Policy": SELF_CONTAINED_DOCUMENT_CSP},
        )
    return Response(
        json.dumps(exported, ensure_ascii=False, indent=2),
        media_type="application/json",
        status_code=200,
        headers={
            "Content-Disposition": f'attachment; filename="client-{client_id}.json"',
            "Cache-Control": "no-store",
        },
    )


@post("/privacy/clients/{client_id:uuid}/restrict", include_in_schema=False)
async def restrict(client_id: UUID, data: Form) -> Redirect:
    """Switch the restriction of processing on or off."""
    require(current(), Action.PRIVACY_REQUESTS)
    request_id = optional_uuid(data.get("request_id", ""), "request_id")
    await rights.restrict_processing(client_id, data.get("restricted") == "1", request_id=request_id)
    return Redirect(f"/app/privacy/clients/{client_id}", status_code=303)


async def _erase_page(
    request: Request[Any, Any, Any],
    client_id: UUID,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    return render(
        request,
        "privacy/erase.html",
        {
            "client": await clients.get_client(client_id),
            "requests": [r for r in await _open_requests_of(client_id) if r.kind == "erasure"],
            "errors": errors or {},
            "values": values or {},
            "erase_word": ERASE_WORD,
        },
        status_code=status,
    )


@get("/privacy/clients/{client_id:uuid}/erase", include_in_schema=False)
async def erase_form(request: Request[Any, Any, Any], client_id: UUID) -> Template:
    """The erasure confirmation step."""
    require(current(), Action.PRIVACY_REQUESTS)
    return await _erase_page(request, client_id)


@post("/privacy/clients/{client_id:uuid}/erase", include_in_schema=False)
async def erase(request: Request[Any, Any, Any], client_id: UUID, data: Form) -> Response[Any]:
    """Erase the client, once the name (or ERASE) is typed and a reason given."""
    require(current(), Action.PRIVACY_REQUESTS)
    client = await clients.get_client(client_id)
    errors: dict[str, str] = {}
    typed = data.get("confirm", "").strip()
    if typed not in {ERASE_WORD, client.full_name.strip()}:
        errors["confirm"] = _("type the client's full name or ERASE to confirm")
    reason = data.get("reason", "").strip()
    if not reason:
        errors["reason"] = _("give the reason for the erasure")
    try:
        request_id = optional_uuid(data.get("request_id", ""), "request_id")
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        return await _erase_page(request, client_id, errors=errors, values=data, status=422)
    await rights.erase_client(client_id, request_id=request_id, reason=reason)
    return Redirect(f"/app/clients/{client_id}", status_code=303)


async def _sharing_page(
    request: Request[Any, Any, Any],
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    partners = await sharing.list_partners()
    return render(
        request,
        "privacy/sharing.html",
        {
            "partners": partners,
            "partner_names": {p.id: p.name for p in partners},
            "disclosures": await sharing.disclosures(),
            "errors": errors or {},
            "values": values or {},
        },
        status_code=status,
    )


@get("/privacy/sharing", include_in_schema=False)
async def sharing_register(request: Request[Any, Any, Any]) -> Template:
    """Partners (contract, allowed purposes) and every disclosure."""
    require(current(), Action.PRIVACY_REQUESTS)
    return await _sharing_page(request)


@post("/privacy/sharing/partners", include_in_schema=False)
async def add_partner(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Register a partner."""
    require(current(), Action.PRIVACY_REQUESTS)
    purposes = [p for p in data.get("purposes", "").replace(",", "\n").split("\n")]
    try:
        await sharing.add_partner(data.get("name", ""), data.get("contract_ref", ""), purposes)
    except ValidationFailed as exc:
        return await _sharing_page(request, errors=exc.errors, values=data, status=422)
    return Redirect("/app/privacy/sharing", status_code=303)


@post("/privacy/sharing/disclosures", include_in_schema=False)
async def record_disclosure(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Record a disclosure; refused (422 on ``client_id``) without the client's consent."""
    require(current(), Action.PRIVACY_REQUESTS)
    try:
        client_id = optional_uuid(data.get("client_id", ""), "client_id")
        partner_id = optional_uuid(data.get("partner_id", ""), "partner_id")
        missing = {
            k: _("required") for k, v in (("client_id", client_id), ("partner_id", partner_id)) if v is None
        }
        if missing:
            raise ValidationFailed(missing)
        assert client_id is not None and partner_id is not None
        fields = [f.strip() for f in data.get("fields", "").split(",") if f.strip()]
        try:
            await sharing.share(client_id, partner_id, fields=fields, purpose=data.get("purpose", "").strip())
        except consent.ConsentMissing:
            raise ValidationFailed(
                {"client_id": _("the client has not consented to sharing with third parties")}
            ) from None
    except ValidationFailed as exc:
        return await _sharing_page(request, errors=exc.errors, values=data, status=422)
    return Redirect("/app/privacy/sharing", status_code=303)


@get("/privacy/retention", include_in_schema=False)
async def retention_report(request: Request[Any, Any, Any]) -> Template:
    """The retention dry run: who would be erased, and why (nothing is erased here)."""
    require(current(), Action.PRIVACY_REQUESTS)
    report = await retention.run_retention(apply=False)
    names = {b.id: b.name for b in await branches()}
    return render(request, "privacy/retention.html", {"report": report, "branch_names": names})


@get("/privacy/audit", include_in_schema=False)
async def audit_search(request: Request[Any, Any, Any]) -> Template:
    """Search the audit trail by client, actor (id or part of the name), action and dates."""
    require(current(), Action.AUDIT_VIEW)
    q = {k: request.query_params.get(k, "") for k in ("client_id", "actor", "action", "since", "until")}
    errors: dict[str, str] = {}
    entries: list[audit.service.AuditEntry] = []
    try:
        client_id = optional_uuid(q["client_id"], "client_id")
        actor = q["actor"].strip()
        actor_id = None
        try:
            actor_id = UUID(actor) if actor else None
        except ValueError:
            actor_id = None
        since = start_of_day(request, q["since"], "since")
        until = start_of_day(request, q["until"], "until")
        entries = await audit.search_events(
            client_id=client_id,
            actor_id=actor_id,
            action=q["action"].strip() or None,
            since=since,
            until=until + timedelta(days=1) if until else None,
            limit=5000 if actor and actor_id is None else 500,
        )
        if actor and actor_id is None:
            entries = [e for e in entries if actor.lower() in e.actor_label.lower()][:500]
    except ValidationFailed as exc:
        errors = exc.errors
    names = {b.id: b.name for b in await branches()}
    return render(
        request,
        "privacy/audit.html",
        {"q": q, "entries": entries, "branch_names": names, "errors": errors, "verification": None},
        status_code=422 if errors else 200,
    )


@post("/privacy/audit/verify", include_in_schema=False)
async def audit_verify(request: Request[Any, Any, Any]) -> Template:
    """Verify the tenant's chain against its signed head (reads only: nothing is sealed or
    signed here); show the first broken link."""
    ctx = current()
    require(ctx, Action.AUDIT_VIEW)
    settings = request.app.state.settings
    try:
        result = await chain.verify(settings, ctx.tenant_id)
    except signing.SigningKeyMissing as exc:
        result = chain.Verification(ctx.tenant_id, False, 0, 0, chain.GENESIS, problem=str(exc))
    names = {b.id: b.name for b in await branches()}
    q = dict.fromkeys(("client_id", "actor", "action", "since", "until"), "")
    return render(
        request,
        "privacy/audit.html",
        {"q": q, "entries": [], "branch_names": names, "errors": {}, "verification": result},
    )


register_nav(NavItem("privacy", N_("Privacy"), "/app/privacy", Action.PRIVACY_REQUESTS, order=60))

routes = [
    board,
    open_request,
    close_request,
    client_rights,
    export,
    restrict,
    erase_form,
    erase,
    sharing_register,
    add_partner,
    record_disclosure,
    retention_report,
    audit_search,
    audit_verify,
]
