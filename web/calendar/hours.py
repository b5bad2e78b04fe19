"""Working hours and breaks per staff member of a branch (``/app/calendar/hours``; owners and
branch managers, in their branch scope), and the tenant's cancellation rules on the same page
(owners: the notice a client gives and the salon's gesture when it cancels)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from salonkeep.core.access import Action, can, require
from salonkeep.core.appointments import policy
from salonkeep.core.appointments import service as appointments
from salonkeep.core.staff import branches_in_scope
from salonkeep.tenants.context import current
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.web.pages import Form, render

WEEKDAYS = range(7)


def _uuid(raw: str | None, field: str) -> UUID:
    try:
        return UUID(str(raw or ""))
    except ValueError:
        raise ValidationFailed({field: "choose one"}) from None


def _weekday(raw: str | None) -> int:
    try:
        return int(str(raw or ""))
    except ValueError:
        raise ValidationFailed({"weekday": "must be from 0 (Monday) to 6 (Sunday)"}) from None


def _break(raw: str) -> tuple[str, str]:
    """``HH:MM-HH:MM`` as its two ends (both empty when there is no break)."""
    text = raw.strip()
    if not text:
        return "", ""
    start, sep, end = text.partition("-")
    if not sep or not start.strip() or not end.strip():
        raise ValidationFailed({"break": "use HH:MM-HH:MM"})
    return start.strip(), end.strip()


async def _page(
    request: Request[Any, Any, Any],
    branch: str | None,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    ctx = current()
    require(ctx, Action.STAFF_MANAGE)
    scope = await branches_in_scope()
    chosen = next((b for b in scope if str(b.id) == (branch or "")), None)
    if branch and chosen is None:
        raise NotFound("no such branch")
    if chosen is None:
        if not scope:
            raise NotFound("no branch")
        chosen = next((b for b in scope if b.id == ctx.branch_id), scope[0])
    hours = await appointments.branch_hours(chosen.id)
    return render(
        request,
        "calendar_hours.html",
        {
            "branches": scope,
            "branch": chosen,
            "hours": hours,
            "weekdays": WEEKDAYS,
            "policy": await policy.cancellation_policy(),
            "may_set_policy": can(ctx, Action.SETTINGS_MANAGE),
            "form": values or {},
            "errors": errors or {},
        },
        status_code=status,
    )


@get("/calendar/hours", include_in_schema=False)
async def hours_page(request: Request[Any, Any, Any], branch: str | None = None) -> Template:
    """Each staff member's hours and break per weekday in a branch of the person's scope."""
    return await _page(request, branch)


async def _then(request: Request[Any, Any, Any], data: dict[str, str], work: Any) -> Response[Any]:
    branch = data.get("branch", "")
    try:
        await work()
    except ValidationFailed as exc:
        return await _page(request, branch, values=data, errors=exc.errors, status=422)
    return Redirect(f"/app/calendar/hours?branch={branch}", status_code=303)


@post("/calendar/hours", include_in_schema=False)
async def set_hours(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Set one staff member's hours (and break) on one weekday; "day off" clears the day."""

    async def work() -> None:
        branch_id = _uuid(data.get("branch"), "branch")
        staff_id = _uuid(data.get("staff_id"), "staff_id")
        weekday = _weekday(data.get("weekday"))
        if data.get("day_off"):
            await appointments.clear_working_hours(staff_id, branch_id, weekday)
            return
        break_starts, break_ends = _break(data.get("break", ""))
        await appointments.set_working_hours(
            staff_id,
            branch_id,
            weekday,
            data.get("starts", "").strip(),
            data.get("ends", "").strip(),
            break_starts,
            break_ends,
        )

    return await _then(request, data, work)


@post("/calendar/policy", include_in_schema=False)
async def set_policy(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Change the cancellation rules (owners)."""

    async def work() -> None:
        await policy.change_cancellation_policy(
            data.get("late_cancel_notice_hours", ""), data.get("salon_cancel_gesture", "")
        )

    return await _then(request, data, work)


routes = [hours_page, set_hours, set_policy]
