"""Public privacy pages (no sign-in): the tenant's privacy notice and consent self-service
through a signed link."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.response import Template

from salonkeep.core import consent
from salonkeep.core.consent import links
from salonkeep.core.consent.policy import QUESTIONS, current_policy, policy_languages, upcoming_policy
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.errors import NotFound
from salonkeep.tenants.onboarding import find_tenant
from salonkeep.tenants.tables import Tenant
from salonkeep.web.i18n import current_language
from salonkeep.web.pages import Form

SELF_SERVICE_LABEL = "client (signed link)"


def _ctx(tenant: Tenant, request: Request[Any, Any, Any]) -> TenantContext:
    return TenantContext(
        tenant_id=tenant.id,
        actor_label=SELF_SERVICE_LABEL,
        ip=request.client.host if request.client else None,
    )


@get("/t/{slug:str}/privacy", include_in_schema=False)
async def privacy_notice(request: Request[Any, Any, Any], slug: str, lang: str | None = None) -> Template:
    """The tenant's privacy policy in force (and an announced change, if any)."""
    tenant = await find_tenant(slug)
    with tenant_scope(_ctx(tenant, request)):
        now = await current_policy(lang)
        upcoming = await upcoming_policy(lang)
        languages = await policy_languages()
    shown = now or upcoming
    return Template(
        "privacy_notice.html",
        context={
            "tenant": tenant,
            "policy": now,
            "upcoming": upcoming,
            "questions": QUESTIONS,
            "languages": languages,
            "lang": shown.locale if shown else tenant.default_locale,
            "time_zone": tenant.time_zone,
        },
    )


async def _page(tenant: Tenant, request: Request[Any, Any, Any], token: str, **extra: Any) -> Template:
    client_id = links.read_token(tenant.id, token)
    with tenant_scope(_ctx(tenant, request)):
        state = await consent.current_state(client_id)
    rows = [
        {
            "purpose": p.value,
            "wording": consent.wording(p, current_language()),
            "granted": bool(state.get((p.value, "")) and state[(p.value, "")].granted),
            "to_confirm": bool(state.get((p.value, "")) and state[(p.value, "")].to_confirm),
        }
        for p in consent.Purpose
    ]
    return Template(
        "consent_self_service.html",
        context={"tenant": tenant, "rows": rows, "token": token, "saved": False, **extra},
    )


@get("/t/{slug:str}/consent/{token:str}", include_in_schema=False)
async def consent_page(request: Request[Any, Any, Any], slug: str, token: str) -> Template:
    """The client's consent, purpose by purpose, with the wording they are agreeing to."""
    tenant = await find_tenant(slug)
    try:
        return await _page(tenant, request, token)
    except NotFound as exc:
        return Template("message.html", context={"message": str(exc)}, status_code=404)


@post("/t/{slug:str}/consent/{token:str}", include_in_schema=False)
async def consent_submit(
    request: Request[Any, Any, Any],
    slug: str,
    token: str,
    data: Form,
) -> Template:
    """Record each change as a ledger event (channel: online form, with the exact wording)."""
    tenant = await find_tenant(slug)
    try:
        client_id: UUID = links.read_token(tenant.id, token)
    except NotFound as exc:
        return Template("message.html", context={"message": str(exc)}, status_code=404)
    ctx = _ctx(tenant, request)
    with tenant_scope(ctx):
        state = await consent.current_state(client_id)
        policy = await current_policy(tenant.default_locale)
        for purpose in consent.Purpose:
            choice = data.get(f"purpose.{purpose.value}")
            if choice not in ("yes", "no"):
                continue
            wanted = choice == "yes"
            now = state.get((purpose.value, ""))
            if (now.granted if now else False) == wanted and not (now and now.to_confirm):
                continue  # unchanged (a grant to confirm is recorded again with today's wording)
            await consent.record_consent(
                client_id,
                purpose,
                wanted,
                channel=consent.Channel.ONLINE_FORM,
                wording_shown=consent.wording(purpose, current_language()),
                policy_version_id=policy.id if policy else None,
            )
    return await _page(tenant, request, token, saved=True)
