"""Free start times of a catalogue service in a branch, for the public booking page.

A start time is offered when some staff member of the branch who performs the service could
be booked then: every rule of :func:`salonkeep.core.appointments.rules.check` (notice,
look-ahead, step, holidays, working hours and breaks) holds, and the slot with its buffers
does not overlap another booking with its buffers. Staff without working hours are offered
:data:`DEFAULT_DAY`. Everything is read in one unit of work and computed here, not asked of
the database slot by slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from salonkeep.core.appointments import rules
from salonkeep.core.appointments.service import bookable_staff, shifts_of, zone_and_country
from salonkeep.core.catalogue.tables import CatalogueService
from salonkeep.core.visits.tables import Appointment
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.errors import ValidationFailed

#: The day offered for staff who have no working hours set.
DEFAULT_DAY = (time(9, 0), time(18, 0))
#: At most this many days are computed at once.
MAX_DAYS = 14


@dataclass(frozen=True)
class OpenSlot:
    """A start time someone could be booked at: the staff member and the moment (UTC)."""

    staff_id: UUID
    staff_name: str
    starts_at: datetime

    @property
    def value(self) -> str:
        """The slot as a form value: ``<staff id>|<UTC ISO moment>``."""
        return f"{self.staff_id}|{self.starts_at.isoformat()}"


def parse_value(raw: str) -> tuple[UUID, datetime]:
    """The staff id and moment of a form value made by :attr:`OpenSlot.value`
    (:class:`ValidationFailed` on ``slot`` otherwise)."""
    staff, _, moment = (raw or "").partition("|")
    try:
        starts_at = datetime.fromisoformat(moment)
        staff_id = UUID(staff)
    except ValueError:
        raise ValidationFailed({"slot": "choose a time"}) from None
    if starts_at.tzinfo is None:
        raise ValidationFailed({"slot": "choose a time"})
    return staff_id, starts_at


def _candidates(day: date, tz: ZoneInfo, window: tuple[time, time], step: int) -> list[datetime]:
    start, end = window
    minute = start.hour * 60 + start.minute
    minute += -minute % step
    found = []
    while minute < end.hour * 60 + end.minute:
        moment = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=tz)
        found.append(moment)
        minute += step
    return found


async def open_slots(
    service: CatalogueService, branch_id: UUID, first_day: date, days: int = 7
) -> dict[date, list[OpenSlot]]:
    """The free start times of ``service`` in ``branch_id`` on ``days`` local days from
    ``first_day``, by day, earliest first (one per time: the first free staff member by name).
    Call inside a unit of work of the tenant."""
    days = max(1, min(days, MAX_DAYS))
    zone, country = await zone_and_country(branch_id)
    tz = ZoneInfo(zone)
    now = clock.now()
    staff = await bookable_staff(branch_id, service)
    shifts = {s.id: await shifts_of(s.id, branch_id) for s in staff}
    start = datetime.combine(first_day, time(0), tzinfo=tz)
    end = datetime.combine(first_day + timedelta(days=days + 1), time(0), tzinfo=tz)
    busy: dict[UUID, list[tuple[datetime, datetime]]] = {s.id: [] for s in staff}
    if staff:
        where = "status <> 'cancelled' and blocked_until > {} and blocked_from < {}"
        for row in await scoped.rows(Appointment, "staff_id, blocked_from, blocked_until", where, start, end):
            if row["staff_id"] in busy:
                busy[row["staff_id"]].append((row["blocked_from"], row["blocked_until"]))
    step = int(service.increment_minutes) or 15
    result: dict[date, list[OpenSlot]] = {}
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        taken: dict[datetime, OpenSlot] = {}
        for member in staff:
            own = shifts[member.id]
            windows = (
                [(s.starts, s.ends) for s in own if s.weekday == day.weekday()] if own else [DEFAULT_DAY]
            )
            for window in windows:
                for moment in _candidates(day, tz, window, step):
                    if moment in taken:
                        continue
                    slot = rules.slot_for(service, moment)
                    if own is None and slot.ends_at.astimezone(tz).time() > DEFAULT_DAY[1]:
                        continue
                    try:
                        rules.check(service, slot, now=now, zone=zone, country=country, shifts=own)
                    except ValidationFailed:
                        continue
                    if any(a < slot.blocked_until and b > slot.blocked_from for a, b in busy[member.id]):
                        continue
                    taken[moment] = OpenSlot(member.id, member.name, moment.astimezone(tz))
        result[day] = [taken[m] for m in sorted(taken)]
    return result
