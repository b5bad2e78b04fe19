"""The consent panel and the audit-history panel of the client profile, and the printable
"who looked at my record and why" page.

The panels are sections of the profile (its tabs); the routes here also serve each panel
alone (the consent form's answers swap the panel in place).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from salonkeep.core import audit, consent
from salonkeep.core.access import Action, can, require
from salonkeep.core.clients import service as clients
from salonkeep.core.consent import links, policy
from salonkeep.core.privacy import rights
from salonkeep.core.staff import branches
from salonkeep.tenants.context import current
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.web.auth.guard import signed
from salonkeep.web.i18n import current_language
from salonkeep.web.i18n import gettext as _
from salonkeep.web.pages import Form, is_htmx, render
from salonkeep.web.workspace.panels import ProfilePanel
from salonkeep.web.workspace.panels import register as register_panel

#: Audit events the profile's audit panel shows (the newest).
AUDIT_PANEL_ROWS = 20
#: Channels staff may record consent through in the salon.
STAFF_CHANNELS = (consent.Channel.IN_STORE_TABLET.value, consent.Channel.PAPER_SCANNED.value)


async def consent_context(request: Request[Any, Any, Any], client_id: UUID) -> dict[str, Any]:
    """What the consent panel shows: state per purpose, the ledger, the policy in force and,
    for those who may edit the client, the client's self-service link."""
    ctx = current()
    await clients.load_visible(client_id)  # NotFound for another tenant's or branch's client
    restricted = await rights.is_restricted(client_id)
    state = await consent.current_state(client_id)
    rows = []
    for purpose in consent.Purpose:
        now = state.get((purpose.value, ""))
        rows.append(
            {"purpose": purpose.value, "wording": consent.wording(purpose, current_language()), "state": now}
        )
    history = await consent.ledger(client_id)
    versions = {e.id: e.policy_version for e in history}
    in_force = await policy.current_policy(current_language())
    link = ""
    if can(ctx, Action.CLIENT_EDIT):
        tenant = signed(request).tenant
        link = request.app.state.settings.public_url.rstrip("/") + links.link_path(
            tenant.slug, tenant.id, client_id
        )
    return {
        "client_id": client_id,
        "rows": rows,
        "versions": versions,
        "history": history,
        "restricted": restricted,
        "channels": STAFF_CHANNELS,
        "policy_in_force": in_force,
        "self_service_link": link,
    }


async def _consent_fragment(
    request: Request[Any, Any, Any],
    client_id: UUID,
    *,
    errors: dict[str, str] | None = None,
    notice: str = "",
    status: int = 200,
) -> Template:
    context = {**await consent_context(request, client_id), "errors": errors or {}, "notice": notice}
    return render(request, "privacy/consent_panel.html", context, status_code=status)


@get("/clients/{client_id:uuid}/consent", include_in_schema=False)
async def consent_panel(request: Request[Any, Any, Any], client_id: UUID) -> Template:
    """The consent panel: state per purpose, the form for staff, the ledger and the link."""
    require(current(), Action.CLIENT_VIEW)
    return await _consent_fragment(request, client_id)


@post("/clients/{client_id:uuid}/consent", include_in_schema=False)
async def record_consent(request: Request[Any, Any, Any], client_id: UUID, data: Form) -> Response[Any]:
    """Record a grant or withdrawal given in the salon (a withdrawal takes effect at once)."""
    require(current(), Action.CLIENT_EDIT)
    await clients.load_visible(client_id)  # branch scope, as for editing the client
    purpose = data.get("purpose", "")
    decision = data.get("decision", "")
    channel = data.get("channel", "")
    errors: dict[str, str] = {}
    if purpose not in {p.value for p in consent.Purpose}:
        errors["purpose"] = _("choose one of %(choices)s") % {
            "choices": ", ".join(p.value for p in consent.Purpose)
        }
    if decision not in ("grant", "withdraw"):
        errors["decision"] = _("choose grant or withdraw")
    if channel not in STAFF_CHANNELS:
        errors["channel"] = _("choose one of %(choices)s") % {"choices": ", ".join(STAFF_CHANNELS)}
    try:
        if errors:
            raise ValidationFailed(errors)
        in_force = await policy.current_policy(current_language())
        await consent.record_consent(
            client_id,
            purpose,
            decision == "grant",
            channel=channel,
            wording_shown=consent.wording(consent.Purpose(purpose), current_language()),
            policy_version_id=policy.policy_id(in_force),
        )
    except ValidationFailed as exc:
        return await _consent_fragment(request, client_id, errors=exc.errors, status=422)
    if not is_htmx(request):  # a form posted without script: back to the Consent section
        return Redirect(f"/app/clients/{client_id}/s/consent", status_code=303)
    return await _consent_fragment(request, client_id, notice="saved")


async def _branch_names() -> dict[UUID, str]:
    return {b.id: b.name for b in await branches()}


async def audit_context(client_id: UUID) -> dict[str, Any]:
    """The newest audit events of the client (owner and privacy officer)."""
    require(current(), Action.AUDIT_VIEW)
    await rights.is_restricted(client_id)  # NotFound for another tenant's client
    # The newest events only: a client seen daily for years has thousands; the printable
    # access report lists them all.
    entries = await audit.latest_client_events(client_id, limit=AUDIT_PANEL_ROWS + 1)
    return {
        "client_id": client_id,
        "entries": entries[:AUDIT_PANEL_ROWS],
        "more": len(entries) > AUDIT_PANEL_ROWS,
        "branch_names": await _branch_names(),
    }


@get("/clients/{client_id:uuid}/audit", include_in_schema=False)
async def audit_panel(request: Request[Any, Any, Any], client_id: UUID) -> Template:
    """Who looked at or changed this record (owner and privacy officer)."""
    return render(request, "privacy/audit_panel.html", await audit_context(client_id))


async def _consent_section(request: Request[Any, Any, Any], client: clients.ClientView) -> dict[str, Any]:
    return {**await consent_context(request, client.id), "errors": {}, "notice": ""}


async def _audit_section(request: Request[Any, Any, Any], client: clients.ClientView) -> dict[str, Any]:
    return await audit_context(client.id)


@get("/clients/{client_id:uuid}/access-report", include_in_schema=False)
async def access_report(request: Request[Any, Any, Any], client_id: UUID) -> Template:
    """The printable "who looked at my record and why" page, to hand to the client."""
    require(current(), Action.AUDIT_VIEW)
    await rights.is_restricted(client_id)
    entries = await audit.client_history(client_id)
    return render(
        request,
        "privacy/access_report.html",
        {
            "client_id": client_id,
            "entries": entries,
            "branch_names": await _branch_names(),
            "tenant": signed(request).tenant,
        },
    )


register_panel(
    ProfilePanel("consent", "privacy/consent_panel.html", Action.CLIENT_VIEW, order=30, load=_consent_section)
)
register_panel(ProfilePanel("privacy", "privacy/rights_panel.html", Action.PRIVACY_REQUESTS, order=89))
register_panel(
    ProfilePanel("audit", "privacy/audit_panel.html", Action.AUDIT_VIEW, order=90, load=_audit_section)
)

routes = [consent_panel, record_consent, audit_panel, access_report]
