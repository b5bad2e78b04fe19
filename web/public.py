"""Pages that need no sign-in: the start page and the set-password link (sign-in lives in
salonkeep.web.auth.routes)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from salonkeep.core import account
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.tenants.onboarding import find_tenant
from salonkeep.web.pages import Form


@get("/", include_in_schema=False)
async def home() -> Redirect:
    """Send people to sign in."""
    return Redirect("/login")


@get("/t/{slug:str}/set-password/{token:str}", include_in_schema=False)
async def set_password_form(slug: str, token: str) -> Template:
    """The form behind a one-time set-password link."""
    tenant = await find_tenant(slug)
    return Template("set_password.html", context={"tenant": tenant, "token": token, "errors": {}})


@post("/t/{slug:str}/set-password/{token:str}", include_in_schema=False)
async def set_password_submit(
    request: Request[Any, Any, Any],
    slug: str,
    token: str,
    data: Form,
) -> Template:
    """Set the password; the link works once."""
    tenant = await find_tenant(slug)
    password = data.get("password", "")
    errors: dict[str, str] = {}
    if password != data.get("password_again", ""):
        errors["password_again"] = "the two passwords differ"  # noqa: S105 - a field name
    else:
        try:
            with tenant_scope(TenantContext(tenant_id=tenant.id, actor_label="set-password link")):
                await account.set_password_from_link(token, password)
        except ValidationFailed as exc:
            errors = exc.errors
        except NotFound as exc:
            return Template("message.html", context={"message": str(exc)}, status_code=404)
    if errors:
        return Template(
            "set_password.html",
            context={"tenant": tenant, "token": token, "errors": errors},
            status_code=422,
        )
    return Template(
        "message.html",
        context={"message": "Your password is set. You can sign in now.", "link": "/login"},
    )
