"""Reception's list of booking requests from the public page (``/app/booking-requests``):
per branch of the person's scope, confirm (books the appointment), propose another time or
decline (each of the last two a service message to the client, with an optional note)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Request, get, post
from litestar.response import Redirect, Template

from salonkeep.core.access import Action
from salonkeep.core.appointments import requests
from salonkeep.tenants.errors import Conflict, ValidationFailed
from salonkeep.web import navigation
from salonkeep.web.aftercare.common import choose_branch, parse_uuid
from salonkeep.web.i18n import gettext as _
from salonkeep.web.pages import Form, render


def status_labels() -> dict[str, str]:
    """The statuses of a request, in the person's language."""
    return {
        "new": _("New"),
        "proposed": _("Another time proposed"),
        "confirmed": _("Confirmed"),
        "declined": _("Declined"),
    }


async def _page(
    request: Request[Any, Any, Any],
    branch: str = "",
    *,
    errors: dict[str, str] | None = None,
    failed: UUID | None = None,
    status: int = 200,
) -> Template:
    choice = await choose_branch(request, branch)
    rows = await requests.list_requests(choice.chosen.id) if choice.chosen else []
    return render(
        request,
        "booking_requests.html",
        {
            "branch": choice,
            "rows": rows,
            "labels": status_labels(),
            "time_zone": choice.zone,
            "errors": errors or {},
            "failed": failed,
        },
        status_code=status,
    )


@get("/booking-requests", include_in_schema=False)
async def board(request: Request[Any, Any, Any], branch: str = "") -> Template:
    """The open booking requests of a branch, oldest first."""
    return await _page(request, branch)


def _moment(raw: str, zone: str) -> datetime:
    try:
        naive = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationFailed({"starts_at": "use a date and time"}) from None
    return naive if naive.tzinfo else naive.replace(tzinfo=ZoneInfo(zone))


@post("/booking-requests/{request_id:uuid}/{step:str}", include_in_schema=False)
async def handle(
    request: Request[Any, Any, Any], request_id: UUID, step: str, data: Form
) -> Template | Redirect:
    """Confirm, propose another time (``starts_at``, local time of the branch) or decline;
    ``message``: reception's optional note to the client with a proposal or a decline."""
    branch = str(data.get("branch", "") or "")
    note = str(data.get("message", "") or "")
    try:
        if step == "confirm":
            await requests.confirm(request_id)
        elif step == "propose":
            choice = await choose_branch(request, branch)
            staff = parse_uuid(str(data.get("staff", "") or ""))
            await requests.propose(
                request_id,
                starts_at=_moment(str(data.get("starts_at", "")), choice.zone),
                staff_id=staff,
                message=note,
            )
        elif step == "decline":
            await requests.decline(request_id, message=note)
        else:
            raise ValidationFailed({"step": "choose confirm, propose or decline"})
    except Conflict:
        errors = {"starts_at": _("The staff member is already booked at this time.")}
        return await _page(request, branch, errors=errors, failed=request_id, status=409)
    except ValidationFailed as exc:
        errors = {
            field: _("Check this: %(problem)s") % {"problem": problem}
            for field, problem in exc.errors.items()
        }
        return await _page(request, branch, errors=errors, failed=request_id, status=422)
    return Redirect(f"/app/booking-requests?branch={branch}", status_code=303)


routes = [board, handle]


def N_(message: str) -> str:
    """Mark ``message`` for extraction; the navigation translates it when rendered."""
    return message


navigation.register(
    navigation.NavItem(
        "booking_requests", N_("Booking requests"), "/app/booking-requests", Action.SALE_RECORD, order=26
    )
)
