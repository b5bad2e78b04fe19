"""The owner's privacy-policy page (/app/admin/privacy-policy): versions per language and the
form to publish a new version answering the five questions."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from salonkeep.core.access import Action, require
from salonkeep.core.consent import policy
from salonkeep.tenants.context import current
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.web.auth.guard import signed
from salonkeep.web.navigation import NavItem
from salonkeep.web.navigation import register as register_nav
from salonkeep.web.pages import Form, render
from salonkeep.web.privacy.common import start_of_day


async def _page(
    request: Request[Any, Any, Any],
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    return render(
        request,
        "privacy/policy.html",
        {
            "versions": await policy.list_versions(),
            "questions": policy.QUESTIONS,
            "errors": errors or {},
            "values": values or {"locale": signed(request).tenant.default_locale or "en"},
        },
        status_code=status,
    )


@get("/admin/privacy-policy", include_in_schema=False)
async def policy_page(request: Request[Any, Any, Any]) -> Template:
    """Published versions per language, and the publication form."""
    require(current(), Action.SETTINGS_MANAGE)
    return await _page(request)


@post("/admin/privacy-policy", include_in_schema=False)
async def publish(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Publish a version (15 days' notice unless the owner overrides it)."""
    require(current(), Action.SETTINGS_MANAGE)
    locale = data.get("locale", "").strip()
    try:
        effective = start_of_day(request, data.get("effective_from", ""), "effective_from")
        text = policy.PolicyText(**{name: data.get(name, "") for name in policy.QUESTIONS})
        await policy.publish_policy(
            {locale: text}, effective_from=effective, override_notice=data.get("override_notice") == "1"
        )
    except ValidationFailed as exc:
        errors = {
            key.split(".", 1)[1] if key.startswith(f"{locale}.") else key: m for key, m in exc.errors.items()
        }
        if "texts" in errors:
            errors["locale"] = errors.pop("texts")
        return await _page(request, errors=errors, values=data, status=422)
    return Redirect("/app/admin/privacy-policy", status_code=303)


routes = [policy_page, publish]


def N_(message: str) -> str:
    """Mark ``message`` for extraction (the navigation translates it when rendered)."""
    return message


register_nav(
    NavItem(
        "privacy_policy", N_("Privacy policy"), "/app/admin/privacy-policy", Action.SETTINGS_MANAGE, order=83
    )
)
