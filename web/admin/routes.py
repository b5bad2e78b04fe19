"""Owners manage branches, staff and security settings; branch managers manage staff."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from salonkeep.core import staff as staff_service
from salonkeep.core.access import (
    CHAIN_WIDE_ROLES,
    Action,
    StaffAdminForbidden,
    StaffRefusal,
    can,
    grantable_roles,
    require,
)
from salonkeep.core.complaints import survey_settings
from salonkeep.core.privacy import break_glass, obligations
from salonkeep.tenants.context import current
from salonkeep.tenants.errors import Conflict, ValidationFailed
from salonkeep.web.auth.guard import signed
from salonkeep.web.i18n import gettext as _
from salonkeep.web.pages import Form, render
from salonkeep.web.service_messages import translate_errors


def refusal_message(reason: StaffRefusal) -> str:
    """The sentence shown when a staff action is refused (in the person's language)."""
    messages = {
        StaffRefusal.NOT_A_STAFF_ADMIN: _("Your role does not administer staff."),
        StaffRefusal.OWN_ACCOUNT: _("Nobody can change their own role, branches or active state."),
        StaffRefusal.TARGET_ROLE: _("Your role may not change staff with this role."),
        StaffRefusal.GRANTED_ROLE: _("Your role may not give this role."),
        StaffRefusal.TARGET_BRANCHES: _("This person works outside your branches."),
        StaffRefusal.GRANTED_BRANCHES: _("You may only assign your own branches (at least one)."),
        StaffRefusal.LAST_OWNER: _("The organisation would be left without an active owner."),
    }
    return messages[reason]


def staff_errors(errors: dict[str, str]) -> dict[str, str]:
    """Field errors of the staff forms, in the person's language where the service's sentence
    has a translation."""
    known = {staff_service.NO_BRANCH: _("Choose at least one branch: this role works in branches.")}
    return {field: known.get(message, message) for field, message in errors.items()}


async def _staff_page(
    request: Request[Any, Any, Any],
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    invite_link: str = "",
    refused: str = "",
    row_error: UUID | None = None,
    saved: bool = False,
    status: int = 200,
) -> Template:
    return render(
        request,
        "admin/staff.html",
        {
            "staff": await staff_service.staff_rows(),
            "branches": await staff_service.assignable_branches(),
            "roles": grantable_roles(current()),
            "errors": staff_errors(errors or {}),
            "values": values or {},
            "invite_link": invite_link,
            "refused": refused,
            "row_error": row_error,
            "chain_wide_roles": CHAIN_WIDE_ROLES,
            "saved": saved,
        },
        status_code=status,
    )


async def _refused(request: Request[Any, Any, Any], exc: StaffAdminForbidden) -> Template:
    """The staff page with the reason of the refusal, status 403 (nothing was changed); for a
    role without the staff page, the reason alone."""
    if not can(current(), Action.STAFF_MANAGE):
        return render(request, "app_message.html", {"message": refusal_message(exc.reason)}, status_code=403)
    return await _staff_page(request, refused=refusal_message(exc.reason), status=403)


async def _row_refused(request: Request[Any, Any, Any], staff_id: UUID, exc: ValidationFailed) -> Template:
    """The staff page with why a change of one person was refused, status 422 (nothing saved)."""
    message = "; ".join(translate_errors(staff_errors(exc.errors)).values())
    return await _staff_page(request, refused=message, row_error=staff_id, status=422)


@get("/admin/staff", include_in_schema=False)
async def staff_page(request: Request[Any, Any, Any], saved: str = "") -> Template:
    """Staff, their roles and branches, and the invitation form."""
    require(current(), Action.STAFF_MANAGE)
    return await _staff_page(request, saved=bool(saved))


@post("/admin/staff", include_in_schema=False)
async def invite_staff(request: Request[Any, Any, Any]) -> Template:
    """Invite a staff member: they get a one-time link to set their password."""
    require(current(), Action.STAFF_MANAGE)
    form = await request.form()
    data = {key: str(form.get(key, "")) for key in ("email", "name", "role")}
    chosen = [str(value) for value in form.getall("branch")] if "branch" in form else []
    data["branches"] = "\n".join(chosen)
    try:
        _staff, token = await staff_service.invite(data["email"], data["name"], data["role"], chosen)
    except StaffAdminForbidden as exc:
        return await _refused(request, exc)
    except ValidationFailed as exc:
        return await _staff_page(request, errors=exc.errors, values=data, status=422)
    except Conflict as exc:
        return await _staff_page(request, errors={exc.field: exc.message}, values=data, status=409)
    base = request.app.state.settings.public_url
    link = f"{base}/t/{signed(request).tenant.slug}/set-password/{token}"
    return await _staff_page(request, invite_link=link)


@post("/admin/staff/{staff_id:uuid}/role", include_in_schema=False)
async def change_role(request: Request[Any, Any, Any], staff_id: UUID, data: Form) -> Response[Any]:
    """Change someone's role (their sessions end)."""
    try:
        await staff_service.change_role(staff_id, data.get("role", ""))
    except StaffAdminForbidden as exc:
        return await _refused(request, exc)
    except ValidationFailed as exc:
        return await _row_refused(request, staff_id, exc)
    return Redirect("/app/admin/staff?saved=1", status_code=303)


@post("/admin/staff/{staff_id:uuid}/branches", include_in_schema=False)
async def change_branches(request: Request[Any, Any, Any], staff_id: UUID) -> Response[Any]:
    """Set the branches someone works in."""
    form = await request.form()
    chosen = [str(value) for value in form.getall("branch")] if "branch" in form else []
    try:
        await staff_service.change_branches(staff_id, chosen)
    except StaffAdminForbidden as exc:
        return await _refused(request, exc)
    except ValidationFailed as exc:
        return await _row_refused(request, staff_id, exc)
    return Redirect("/app/admin/staff?saved=1", status_code=303)


@post("/admin/staff/{staff_id:uuid}/active", include_in_schema=False)
async def set_active(request: Request[Any, Any, Any], staff_id: UUID, data: Form) -> Response[Any]:
    """Deactivate or reactivate someone."""
    try:
        await staff_service.set_active(staff_id, data.get("active") == "1")
    except StaffAdminForbidden as exc:
        return await _refused(request, exc)
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
        return await _branches_page(request, {exc.field: exc.message}, 409)
    return Redirect("/app/admin/branches", status_code=303)


async def _settings_page(
    request: Request[Any, Any, Any],
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    privacy_values: dict[str, Any] | None = None,
    saved: bool = False,
    survey_values: dict[str, Any] | None = None,
) -> Template:
    rules = await break_glass.break_glass_settings()
    survey = await survey_settings.survey_settings()
    return render(
        request,
        "admin/settings.html",
        {
            "values": values or await staff_service.security_settings(),
            "errors": errors or {},
            "break_glass": rules,
            "break_glass_roles": break_glass.BREAK_GLASS_ROLES,
            "privacy": privacy_values or await obligations.privacy_settings(),
            "survey": survey_values
            or {
                "survey_send": survey.send,
                "survey_after_hours": survey.after_hours,
                "survey_low_score": survey.low_score,
            },
            "survey_scores": range(survey_settings.MAX_LOW_SCORE + 1),
            "saved": saved,
        },
        status_code=status,
    )


@get("/admin/settings", include_in_schema=False)
async def settings_page(request: Request[Any, Any, Any], saved: str = "") -> Template:
    """The organisation's security settings (``?saved=1``: with the confirmation of a save)."""
    require(current(), Action.SETTINGS_MANAGE)
    return await _settings_page(request, saved=bool(saved))


@post("/admin/settings/break-glass", include_in_schema=False)
async def save_break_glass(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Save how long break-glass lasts and which roles may not use it."""
    require(current(), Action.SETTINGS_MANAGE)
    off = [role for role in break_glass.BREAK_GLASS_ROLES if data.get(f"break_glass_off_{role}") == "1"]
    try:
        await break_glass.update_break_glass_settings(data.get("break_glass_minutes", ""), off)
    except ValidationFailed as exc:
        return await _settings_page(request, errors=exc.errors, status=422)
    return Redirect("/app/admin/settings?saved=1", status_code=303)


@post("/admin/settings/privacy", include_in_schema=False)
async def save_privacy(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Save the re-consent and staff-obligation settings (all or nothing)."""
    require(current(), Action.SETTINGS_MANAGE)
    changes: dict[str, object] = {name: data.get(name, "") for name in obligations.PRIVACY_SETTINGS}
    changes["reconsent_auto_request"] = data.get("reconsent_auto_request", "0")
    try:
        await obligations.update_privacy_settings(changes)
    except ValidationFailed as exc:
        return await _settings_page(request, errors=exc.errors, status=422, privacy_values=dict(data))
    return Redirect("/app/admin/settings", status_code=303)


@post("/admin/settings/survey", include_in_schema=False)
async def save_survey(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Save whether the satisfaction survey goes out, how many hours after the visit, and
    which scores open a complaint (all or nothing)."""
    require(current(), Action.SETTINGS_MANAGE)
    send = data.get("survey_send") == "1"
    hours, score = data.get("survey_after_hours", ""), data.get("survey_low_score", "")
    try:
        await survey_settings.update_survey_settings(send, hours, score)
    except ValidationFailed as exc:
        given = {"survey_send": send, "survey_after_hours": hours, "survey_low_score": score}
        return await _settings_page(request, errors=exc.errors, status=422, survey_values=given)
    return Redirect("/app/admin/settings?saved=1", status_code=303)


@post("/admin/settings", include_in_schema=False)
async def save_settings(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Save the idle-lock time, the second-factor rule and client sharing (all or nothing;
    a refused value is a 422 with the message beside its field)."""
    # An unticked box is not sent at all; a ticked one sends its value, checked as given.
    changes = {name: data.get(name, "0") for name in staff_service.FORM_SETTINGS}
    try:
        await staff_service.update_security_settings(changes)
    except ValidationFailed as exc:
        values = {**changes, **{k: v == "1" for k, v in changes.items() if k != "idle_lock_seconds"}}
        return await _settings_page(request, values, exc.errors, 422)
    return Redirect("/app/admin/settings?saved=1", status_code=303)


routes = [
    staff_page,
    invite_staff,
    change_role,
    change_branches,
    set_active,
    branches_page,
    add_branch,
    settings_page,
    save_settings,
    save_break_glass,
    save_privacy,
    save_survey,
]
