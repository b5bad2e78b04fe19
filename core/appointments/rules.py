"""The booking rules of a catalogue service, checked against a proposed time.

Pure functions (no database): the caller gives the service, the local zone, the country's
holidays, the staff member's working hours and "now"; each rule that fails names the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from salonkeep.core.appointments.holiday_names import holiday_name
from salonkeep.core.catalogue.tables import CatalogueService
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.messages import field_message


@dataclass(frozen=True)
class Shift:
    """A staff member's working time on one weekday (0 = Monday), with an optional break."""

    weekday: int
    starts: time
    ends: time
    break_starts: time | None = None
    break_ends: time | None = None


@dataclass(frozen=True)
class Slot:
    """The proposed time of a booking and the staff time it blocks (buffers included)."""

    starts_at: datetime
    ends_at: datetime
    blocked_from: datetime
    blocked_until: datetime


def slot_for(service: CatalogueService, starts_at: datetime) -> Slot:
    """The slot ``service`` takes when it starts at ``starts_at``."""
    ends_at = starts_at + timedelta(minutes=int(service.duration_minutes))
    return Slot(
        starts_at=starts_at,
        ends_at=ends_at,
        blocked_from=starts_at - timedelta(minutes=int(service.buffer_before_minutes)),
        blocked_until=ends_at + timedelta(minutes=int(service.buffer_after_minutes)),
    )


def closed_day(day: date, country: str, language: str = "en") -> str | None:
    """The name of the public holiday on ``day`` in ``country`` (the tenant's holiday
    calendar, ``holidays`` package) in ``language`` where the package has it (else the
    country's own language, else English), or ``None`` when the salon is open."""
    return holiday_name(day, country, language)


def check(
    service: CatalogueService,
    slot: Slot,
    *,
    now: datetime,
    zone: str,
    country: str,
    shifts: list[Shift] | None,
) -> None:
    """Raise :class:`ValidationFailed` (field ``starts_at``) unless ``slot`` keeps the rules:
    not in the past, on the service's start-time increment, with the minimum notice (hours or
    calendar days), within the booking horizon, not on a public holiday, and (when the staff
    member has working hours, ``shifts``) inside a shift and outside its break."""
    tz = ZoneInfo(zone)
    local_start = slot.starts_at.astimezone(tz)
    local_end = slot.ends_at.astimezone(tz)
    today = now.astimezone(tz).date()
    day = local_start.date()
    if slot.starts_at < now:
        raise ValidationFailed({"starts_at": "is in the past"})
    increment = int(service.increment_minutes) or 1
    if (
        (local_start.hour * 60 + local_start.minute) % increment
        or local_start.second
        or local_start.microsecond
    ):
        raise ValidationFailed(
            {"starts_at": field_message("must start on a {minutes}-minute step", minutes=increment)}
        )
    if service.min_notice_hours and slot.starts_at < now + timedelta(hours=int(service.min_notice_hours)):
        raise ValidationFailed(
            {
                "starts_at": field_message(
                    "needs at least {hours} hours' notice", hours=service.min_notice_hours
                )
            }
        )
    if service.min_notice_days and day < today + timedelta(days=int(service.min_notice_days)):
        raise ValidationFailed(
            {"starts_at": field_message("needs at least {days} days' notice", days=service.min_notice_days)}
        )
    if day > today + timedelta(days=int(service.max_days_ahead)):
        raise ValidationFailed(
            {"starts_at": field_message("is more than {days} days ahead", days=service.max_days_ahead)}
        )
    holiday = closed_day(day, country)
    if holiday:
        raise ValidationFailed(
            {"starts_at": field_message("the salon is closed that day ({holiday})", holiday=holiday)}
        )
    if shifts is None:
        return
    if local_end.date() != day:
        raise ValidationFailed({"starts_at": "is outside the staff member's working hours"})
    start, end = local_start.time(), local_end.time()
    for shift in shifts:
        if shift.weekday != day.weekday() or start < shift.starts or end > shift.ends:
            continue
        if shift.break_starts and shift.break_ends and start < shift.break_ends and end > shift.break_starts:
            raise ValidationFailed({"starts_at": "falls in the staff member's break"})
        return
    raise ValidationFailed({"starts_at": "is outside the staff member's working hours"})
