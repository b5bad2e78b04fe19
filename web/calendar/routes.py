"""The branch calendar (``/app/calendar``): a day or a week by staff member in the branch's
zone, free slots to book from, and per appointment: move, cancel with a reason, attended,
no-show. The booking screen opens with the client and the service filled in when a task links
to it (``?client=&service=``; without a service, the client's last catalogue service), and
says so when it books a re-examination (``?purpose=reexamination``). Cancelled appointments
stay on the day with their reason, a late cancellation and the salon's gesture."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from salonkeep.core.access import Action, require
from salonkeep.core.appointments import service as appointments
from salonkeep.core.appointments.rules import Shift
from salonkeep.core.catalogue import service as catalogue
from salonkeep.core.clients import service as clients
from salonkeep.core.formatting import input_date
from salonkeep.core.staff import branches_in_scope
from salonkeep.core.visits import service as visits
from salonkeep.tenants import clock
from salonkeep.tenants.context import current
from salonkeep.tenants.errors import Conflict, NotFound, ValidationFailed
from salonkeep.web.i18n import current_language
from salonkeep.web.pages import Form, render

#: The slots offered in a day column (every 30 minutes) when a staff member has no hours set.
DEFAULT_DAY = (time(9, 0), time(18, 0))
SLOT_MINUTES = 30


@dataclass(frozen=True)
class Slot:
    """A free start time of a staff member (local wall time and the moment)."""

    staff_id: UUID
    local: datetime

    @property
    def value(self) -> str:
        """The slot as the value of a ``datetime-local`` input (machine format)."""
        return self.local.replace(tzinfo=None).isoformat(timespec="minutes")


def _free_slots(cal: appointments.Calendar, day: date) -> dict[UUID, list[Slot]]:
    """Start times every 30 minutes inside each staff member's hours (or 09-18), outside
    their break, that no booking (buffers included) covers, none on a public holiday; the
    service's own rules are checked when booking."""
    tz = ZoneInfo(cal.zone)
    now = clock.now()
    if day in cal.closed:  # a public holiday: nothing to book
        return {member.id: [] for member in cal.staff}
    slots: dict[UUID, list[Slot]] = {}
    for member in cal.staff:
        shifts: list[Shift] | None = cal.shifts.get(member.id)
        todays = [s for s in shifts if s.weekday == day.weekday()] if shifts is not None else []
        windows = [(s.starts, s.ends) for s in todays] if shifts is not None else [DEFAULT_DAY]
        breaks = [(s.break_starts, s.break_ends) for s in todays if s.break_starts and s.break_ends]
        # As POSIX seconds: comparing aware datetimes of two zones converts them every time.
        taken = [
            (
                (e.appointment.blocked_from or e.appointment.starts_at).timestamp(),
                (e.appointment.blocked_until or e.appointment.starts_at).timestamp(),
            )
            for e in cal.of(member.id, day)
            if e.appointment.status != "cancelled"
        ]
        found: list[Slot] = []
        for start, end in windows:
            moment = datetime.combine(day, start, tzinfo=tz)
            while moment.time() < end and moment.date() == day:
                resting = any(a <= moment.time() < b for a, b in breaks)
                stamp = moment.timestamp()
                if moment > now and not resting and not any(a <= stamp < b for a, b in taken):
                    found.append(Slot(member.id, moment))
                moment = (moment + timedelta(minutes=SLOT_MINUTES)).astimezone(tz)
        slots[member.id] = found
    return slots


def _local(raw: str, zone: str) -> datetime:
    """A ``datetime-local`` value as a moment in ``zone``."""
    try:
        naive = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationFailed({"starts_at": "use a date and time"}) from None
    return naive if naive.tzinfo else naive.replace(tzinfo=ZoneInfo(zone))


def _uuid(raw: str | None, field: str) -> UUID:
    try:
        return UUID(str(raw or ""))
    except ValueError:
        raise ValidationFailed({field: "choose one"}) from None


async def _page(
    request: Request[Any, Any, Any],
    *,
    branch: str | None,
    day: str | None,
    view: str,
    client: str | None = None,
    service: str | None = None,
    purpose: str | None = None,
    change: str | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    ctx = current()
    require(ctx, Action.CLIENT_VIEW)
    scope = await branches_in_scope()
    if not scope:
        raise NotFound("no branch")
    chosen = next((b for b in scope if str(b.id) == (branch or "")), None)
    if branch and chosen is None:
        raise NotFound("no such branch")
    if chosen is None:
        chosen = next((b for b in scope if b.id == ctx.branch_id), scope[0])
    zone = chosen.time_zone or (await appointments.zone_of(chosen.id))
    try:
        first = date.fromisoformat(day) if day else clock.now().astimezone(ZoneInfo(zone)).date()
    except ValueError:
        first = clock.now().astimezone(ZoneInfo(zone)).date()
    days = 7 if view == "week" else 1
    if view == "week":
        first -= timedelta(days=first.weekday())
    cal = await appointments.calendar(
        chosen.id, first, days, include_cancelled=True, language=current_language()
    )
    day_list = [first + timedelta(days=n) for n in range(days)]
    form = dict(values or {})
    picked_client = None
    if client and "client_id" not in form:
        try:
            picked_client = await clients.get_client(UUID(client))
        except (ValueError, NotFound):
            picked_client = None
        if picked_client is not None:
            form["client_id"] = str(picked_client.id)
            form["client_name"] = f"{picked_client.first_name} {picked_client.last_name}".strip()
            if service and "service_id" not in form:
                form["service_id"] = service
            else:
                history = await visits.client_history(picked_client.id)
                last = next((v for v in history.visits if v.service_id), None)
                if last is not None and "service_id" not in form:
                    form["service_id"] = str(last.service_id)
    if purpose == "reexamination" and "purpose" not in form:
        form["purpose"] = purpose
    changing = next(
        (
            e
            for e in cal.entries
            if str(e.appointment.id) == (change or "") and e.appointment.status in appointments.ACTIVE
        ),
        None,
    )
    return render(
        request,
        "calendar.html",
        {
            "branches": scope,
            "branch": chosen,
            "time_zone": cal.zone,
            "cal": cal,
            "days": day_list,
            "view": "week" if days == 7 else "day",
            "first": first,
            # Values of <input type="date"> and links (machine format).
            "first_value": first.isoformat(),
            "previous_value": (first - timedelta(days=days)).isoformat(),
            "next_value": (first + timedelta(days=days)).isoformat(),
            "slots": {d: _free_slots(cal, d) for d in day_list},
            "services": await catalogue.services(chosen.id),
            "form": form,
            "errors": errors or {},
            # The appointment whose move/cancel/attendance forms are open (``?change=``).
            "changing": changing,
            "changing_day": input_date(changing.appointment.starts_at, cal.zone) if changing else "",
            # Each day's value in links (machine format).
            "day_values": {d: d.isoformat() for d in day_list},
        },
        status_code=status,
    )


@get("/calendar", include_in_schema=False)
async def calendar_page(
    request: Request[Any, Any, Any],
    branch: str | None = None,
    day: str | None = None,
    view: str = "day",
    client: str | None = None,
    service: str | None = None,
    purpose: str | None = None,
    change: str | None = None,
    staff: str | None = None,
    at: str | None = None,
) -> Template:
    """The day (or week) of a branch of the person's scope, by staff member; ``client`` and
    ``service`` fill in the booking form (a task's link), ``purpose=reexamination`` titles it;
    ``change`` opens one appointment's move, cancel and attendance forms."""
    values = {k: v for k, v in (("staff_id", staff), ("starts_at", at)) if v}
    return await _page(
        request,
        branch=branch,
        day=day,
        view=view,
        client=client,
        service=service,
        purpose=purpose,
        change=change,
        values=values,
    )


@post("/calendar/book", include_in_schema=False)
async def book(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Book from the form; a clash or a broken rule shows the form again naming the field."""
    branch = data.get("branch", "")
    try:
        branch_id = _uuid(branch, "branch")
        zone = await appointments.zone_of(branch_id)
        row = await appointments.book(
            _uuid(data.get("client_id"), "client_id"),
            staff_id=_uuid(data.get("staff_id"), "staff_id"),
            service_id=_uuid(data.get("service_id"), "service_id"),
            starts_at=_local(data.get("starts_at", ""), zone),
            branch_id=branch_id,
        )
    except (ValidationFailed, Conflict) as exc:
        errors = exc.errors if isinstance(exc, ValidationFailed) else {exc.field: exc.message}
        status = 409 if isinstance(exc, Conflict) else 422
        return await _page(
            request, branch=branch, day=data.get("day"), view="day", values=data, errors=errors, status=status
        )
    day = row.starts_at.astimezone(ZoneInfo(zone)).date()
    return Redirect(f"/app/calendar?branch={branch_id}&day={day.isoformat()}", status_code=303)


async def _after(request: Request[Any, Any, Any], data: dict[str, str], work: Any) -> Response[Any]:
    branch, day = data.get("branch", ""), data.get("day", "")
    try:
        await work()
    except (ValidationFailed, Conflict) as exc:
        errors = exc.errors if isinstance(exc, ValidationFailed) else {exc.field: exc.message}
        status = 409 if isinstance(exc, Conflict) else 422
        return await _page(request, branch=branch, day=day, view="day", errors=errors, status=status)
    return Redirect(f"/app/calendar?branch={branch}&day={day}", status_code=303)


@post("/calendar/{appointment_id:uuid}/move", include_in_schema=False)
async def move(request: Request[Any, Any, Any], appointment_id: UUID, data: Form) -> Response[Any]:
    """Move to the picked time (and staff member)."""

    async def work() -> None:
        row = await appointments.get(appointment_id)
        zone = await appointments.zone_of(row.branch_id)
        staff = data.get("staff_id")
        await appointments.move(
            appointment_id,
            starts_at=_local(data.get("starts_at", ""), zone),
            staff_id=_uuid(staff, "staff_id") if staff else None,
        )

    return await _after(request, data, work)


@post("/calendar/{appointment_id:uuid}/cancel", include_in_schema=False)
async def cancel(request: Request[Any, Any, Any], appointment_id: UUID, data: Form) -> Response[Any]:
    """Cancel with a reason (by the client or the salon)."""

    async def work() -> None:
        await appointments.cancel(
            appointment_id, reason=data.get("reason", ""), cancelled_by=data.get("cancelled_by", "client")
        )

    return await _after(request, data, work)


@post("/calendar/{appointment_id:uuid}/attended", include_in_schema=False)
async def attended(request: Request[Any, Any, Any], appointment_id: UUID, data: Form) -> Response[Any]:
    """The client came."""

    async def work() -> None:
        await appointments.mark_attended(appointment_id)

    return await _after(request, data, work)


@post("/calendar/{appointment_id:uuid}/no-show", include_in_schema=False)
async def no_show(request: Request[Any, Any, Any], appointment_id: UUID, data: Form) -> Response[Any]:
    """The client did not come."""

    async def work() -> None:
        await appointments.mark_no_show(appointment_id)

    return await _after(request, data, work)


routes = [calendar_page, book, move, cancel, attended, no_show]
