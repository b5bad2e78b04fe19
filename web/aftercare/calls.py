"""The branch's call list on the dashboard, recording outcomes, and the staff call log."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from salonkeep.core.access import Action, can, require
from salonkeep.core.aftercare import calls
from salonkeep.core.plugins.api import OUTCOMES
from salonkeep.core.staff import staff_in_reach
from salonkeep.tenants.context import current
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.web.aftercare.common import choose_branch, parse_uuid
from salonkeep.web.auth.guard import signed
from salonkeep.web.pages import Form, is_htmx, render


async def followups_context(request: Request[Any, Any, Any], branch: str = "") -> dict[str, Any]:
    """The dashboard's follow-ups: the chosen branch's due and overdue calls and tasks, with the
    urgent tasks for the signed-in person's role apart (they are shown first)."""
    ctx = current()
    if not can(ctx, Action.CALLS_WORK):
        return {"followups": [], "mine": [], "calls_allowed": False}
    choice = await choose_branch(request, branch)
    items = await calls.due_calls(choice.chosen.id) if choice.chosen else []
    role = signed(request).staff.role
    mine = [i for i in items if i.urgency == "urgent" and i.assigned_role == role]
    return {
        "calls_allowed": True,
        "mine": mine,
        "followups": [i for i in items if i not in mine],
        "branch": choice,
        "time_zone": choice.zone,
        "outcomes": OUTCOMES,
    }


@get("/calls", include_in_schema=False)
async def call_list(request: Request[Any, Any, Any], branch: str = "") -> Template:
    """The call list alone (htmx refreshes the dashboard block with it; a page for links)."""
    require(current(), Action.CALLS_WORK)
    return render(
        request, "aftercare/calls.html", await followups_context(request, branch), block="followups"
    )


@post("/calls/{touchpoint_id:uuid}/outcome", include_in_schema=False)
async def record_outcome(request: Request[Any, Any, Any], touchpoint_id: UUID, data: Form) -> Response[Any]:
    """Record a call's or task's outcome; htmx gets the replaced row, a plain form a redirect."""
    back = data.get("branch", "")
    try:
        view = await calls.record_outcome(touchpoint_id, data.get("outcome", ""), data.get("note", ""))
    except ValidationFailed as exc:
        if not is_htmx(request):
            raise
        return render(
            request,
            "aftercare/row_error.html",
            {"touchpoint_id": touchpoint_id, "errors": exc.errors, "branch_id": back},
            status_code=422,
        )
    if not is_htmx(request):
        target = f"/app?branch={back}" if parse_uuid(back) else "/app"
        return Redirect(target, status_code=303)
    choice = await choose_branch(request, back)
    return render(
        request,
        "aftercare/row_recorded.html",
        {"view": view, "time_zone": choice.zone},
    )


@get("/calls/log", include_in_schema=False)
async def staff_log(request: Request[Any, Any, Any], staff: str = "") -> Template:
    """The outcomes a staff member recorded: one's own, or (owners, managers) those of anyone
    in a branch of their scope; only entries about clients in their scope either way."""
    ctx = current()
    require(ctx, Action.CALLS_WORK)
    me = signed(request).staff
    wanted = parse_uuid(staff) if staff else me.staff_id
    if wanted is None:
        raise NotFound("no such staff member")
    people = await staff_in_reach() if can(ctx, Action.STAFF_MANAGE) and can(ctx, Action.REPORTS_VIEW) else []
    if wanted != me.staff_id and people and wanted not in {p.id for p in people}:
        raise NotFound("no such staff member")
    entries = await calls.staff_call_log(wanted)
    names = {p.id: p.name for p in people}
    choice = await choose_branch(request)
    return render(
        request,
        "aftercare/staff_log.html",
        {
            "entries": entries,
            "people": people,
            "staff_id": wanted,
            "staff_name": names.get(wanted, me.name if wanted == me.staff_id else ""),
            "time_zone": choice.zone,
        },
    )


routes = [call_list, record_outcome, staff_log]
