"""Owners manage branches, staff and security settings; branch managers manage staff."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from salonkeep.core import staff as staff_service
from salonkeep.core.access import Action, require
from salonkeep.tenants.context import current
from salonkeep.tenants.errors import Conflict, ValidationFailed
from salonkeep.tenants.tables import ROLES
from salonkeep.web.auth.guard import signed
from salonkeep.web.pages import Form, render


def _assignable_roles() -> tuple[str, ...]:
    return ROLES if current().role == "owner" else tuple(r for r in ROLES if r != "owner")


async def _staff_page(
    request: Request[Any, Any, Any],
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    invite_link: str = "",
    status: int = 200,
) -> Template:
    return render(
        request,
        "admin/staff.html",
        {
            "staff": await staff_service.staff_rows(),
            "branches": await staff_service.branches(),
            "roles": _assignable_roles(),
            "errors": errors or {},
            "values": values or {},
            "invite_link": invite_link,
            "me": signed(request).staff.staff_id,
        },
        status_code=status,
    )


@get("/admin/staff", include_in_schema=False)
async def staff_page(request: Request[Any, Any, Any]) -> Template:
    """Staff, their roles and branches, and the invitation form."""
    require(current(), Action.STAFF_MANAGE)
    return await _staff_page(request)


@post("/admin/staff", include_in_schema=False)
async def invite_staff(request: Request[Any, Any, Any]) -> Template:
    """Invite a staff member: they get a one-time link to set their password."""
    require(current(), Action.STAFF_MANAGE)
    form = await request.form()
    data = {key: str(form.get(key, "")) for key in ("email", "name", "role")}
    chosen = [str(value) for value in form.getall("branch")] if "branch" in form else []
    try:
        _, token = await staff_service.invite(data["email"], data["name"], data["role"], chosen)
    except ValidationFailed as exc:
        return await _staff_page(request, errors=exc.errors, values=data, status=422)
    except Conflict as exc:
        return await _staff_page(
            request, errors={exc.field: str(exc).split(": ", 1)[-1]}, values=data, status=409
        )
    base = request.app.state.settings.public_url
    link = f"{base}/t/{signed(request).tenant.slug}/set-password/{token}"
    return await _staff_page(request, invite_link=link)


@post("/admin/staff/{staff_id:uuid}/role", include_in_schema=False)
async def change_role(staff_id: UUID, data: Form) -> Redirect:
    """Change someone's role (their sessions end)."""
    await staff_service.change_role(staff_id, data.get("role", ""))
    return Redirect("/app/admin/staff", status_code=303)


@post("/admin/staff/{staff_id:uuid}/active", include_in_schema=False)
async def set_active(staff_id: UUID, data: Form) -> Redirect:
    """Deactivate or reactivate someone."""
    await staff_service.set_active(staff_id, data.get("active") == "1")
    return Redirect("/app/admin/staff", status_code=303)


async def _branches_page(
    request: Request[Any, Any, Any], errors: dict[str, str] | None = None, status: int = 200
) -> Template:
    return render(
        request,
        "admin/branches.html",
        {"branches": await staff_service.branches(), "errors": errors or {}},
        status_code=status,
    )


@get("/admin/branches", include_in_schema=False)
async def branches_page(request: Request[Any, Any, Any]) -> Template:
    """The branches and the form for a new one."""
    require(current(), Action.BRANCH_MANAGE)
    return await _branches_page(request)


@post("/admin/branches", include_in_schema=False)
async def add_branch(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Add a branch."""
    try:
        await staff_service.create_branch(
            data.get("name", ""), data.get("address", ""), data.get("phone", "")
        )
    except ValidationFailed as exc:
        return await _branches_page(request, exc.errors, 422)
    except Conflict as exc:
        return await _branches_page(request, {exc.field: str(exc).split(": ", 1)[-1]}, 409)
    return Redirect("/app/admin/branches", status_code=303)


@get("/admin/settings", include_in_schema=False)
async def settings_page(request: Request[Any, Any, Any]) -> Template:
    """The organisation's security settings."""
    require(current(), Action.SETTINGS_MANAGE)
    return render(
        request, "admin/settings.html", {"values": await staff_service.security_settings(), "errors": {}}
    )


@post("/admin/settings", include_in_schema=False)
async def save_settings(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Save the idle-lock time and the second-factor rule."""
    try:
        await staff_service.update_security_settings(
            data.get("idle_lock_seconds", ""), data.get("require_totp_for_managers") == "1"
        )
    except ValidationFailed as exc:
        values = {
            "idle_lock_seconds": data.get("idle_lock_seconds", ""),
            "require_totp_for_managers": data.get("require_totp_for_managers") == "1",
        }
        return render(
            request, "admin/settings.html", {"values": values, "errors": exc.errors}, status_code=422
        )
    return Redirect("/app/admin/settings", status_code=303)


routes = [
    staff_page,
    invite_staff,
    change_role,
    set_active,
    branches_page,
    add_branch,
    settings_page,
    save_settings,
]
