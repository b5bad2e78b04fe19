"""Book, move, cancel and mark appointments; the calendar of a branch; working hours.

Every change runs in one unit of work (on SQLite it takes the write lock at BEGIN, so two
bookings are checked and written one after the other), is audited and publishes its event
(:mod:`salonkeep.core.events`) in that same unit of work. The check for a clash names the
staff member's other booking; on PostgreSQL an exclusion constraint on the buffered interval
(``appointment_no_overlap``) also refuses a clash that two concurrent transactions could
otherwise both pass.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from salonkeep.core import audit, events
from salonkeep.core.access import Action, current_branch_scope, require
from salonkeep.core.appointments import rules
from salonkeep.core.appointments.tables import WorkingHours
from salonkeep.core.catalogue import service as catalogue
from salonkeep.core.catalogue.tables import BranchCatalogueItem, CatalogueService
from salonkeep.core.clients.service import load_visible
from salonkeep.core.clients.tables import Client
from salonkeep.core.visits.tables import Appointment
from salonkeep.tenants import clock, scoped, validation
from salonkeep.tenants.context import TenantContext, current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import Conflict, NotFound, ValidationFailed
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.tables import Branch, StaffBranch, StaffMember
from salonkeep.tenants.tenant_settings import load_tenant_settings

#: Statuses that hold the staff member's time.
ACTIVE = ("booked", "moved")
CANCELLED_BY = ("client", "salon")


class SlotTaken(Conflict):
    """The staff member is already booked (buffers included) at that time."""

    def __init__(self) -> None:
        super().__init__("starts_at", "the staff member is already booked at this time")


@asynccontextmanager
async def _no_overlap(ctx: TenantContext) -> AsyncIterator[None]:
    """A unit of work whose exclusion-constraint violation (PostgreSQL) becomes SlotTaken."""
    try:
        async with unit_of_work(ctx):
            yield
    except Exception as exc:
        if type(exc).__name__ == "ExclusionViolationError":
            raise SlotTaken() from exc
        raise


async def zone_and_country(branch_id: UUID) -> tuple[str, str]:
    """The time zone of a branch (else the tenant's) and the tenant's country (for its
    holidays); inside a unit of work."""
    tenant = await get_tenant(scoped.tenant_id())
    rows = await scoped.rows(Branch, "time_zone", "id = {}", branch_id)
    return str((rows[0]["time_zone"] if rows else None) or tenant.time_zone), str(tenant.country)


async def _branch_in_scope(ctx: TenantContext, branch_id: UUID) -> Branch:
    branch = await scoped.get(Branch, branch_id)
    if branch is None:
        raise NotFound("no such branch")
    (await current_branch_scope(ctx)).check(branch.id, "branch")
    return branch


async def _staff_for(branch_id: UUID, staff_id: UUID, service: CatalogueService) -> StaffMember:
    staff = await scoped.get(StaffMember, staff_id)
    works_here = await scoped.exists(
        StaffBranch, (StaffBranch.staff_id == staff_id) & (StaffBranch.branch_id == branch_id)
    )
    if staff is None or not staff.active or not works_here:
        raise ValidationFailed({"staff": "does not work in this branch"})
    roles = [r for r in str(service.performer_roles or "").split(",") if r]
    if roles and staff.role not in roles:
        raise ValidationFailed({"staff": "does not perform this service"})
    return staff


async def bookable_staff(branch_id: UUID, service: CatalogueService) -> list[StaffMember]:
    """The active staff of a branch who perform ``service`` (its performer roles, if it names
    any), by name; inside a unit of work."""
    ids = {r["staff_id"] for r in await scoped.rows(StaffBranch, "staff_id", "branch_id = {}", branch_id)}
    roles = [r for r in str(service.performer_roles or "").split(",") if r]
    members = await scoped.fetch(StaffMember, "active = {}", True, order_by="name") if ids else []
    return [m for m in members if m.id in ids and (not roles or m.role in roles)]


async def check_slot(
    service: CatalogueService, branch_id: UUID, staff_id: UUID, starts_at: datetime
) -> rules.Slot:
    """The slot of ``service`` with ``staff_id`` at ``starts_at`` in ``branch_id`` after
    every booking rule and the clash check, written nowhere (:class:`ValidationFailed` or
    :class:`SlotTaken`); inside a unit of work."""
    await _staff_for(branch_id, staff_id, service)
    return await _checked_slot(service, branch_id, staff_id, _aware(starts_at, "starts_at"), None)


async def hidden_in_branch(branch_id: UUID, service_id: UUID) -> bool:
    """True when the branch hides the catalogue service."""
    return await _hidden(branch_id, service_id)


async def _reread(appointment_id: UUID) -> Appointment:
    row = await scoped.get(Appointment, appointment_id)
    if row is None:  # pragma: no cover - read back in the unit of work that wrote it
        raise NotFound("no such appointment")
    return row


def _clock(value: str) -> time | None:
    return time.fromisoformat(value) if value else None


def _shift(row: dict[str, Any]) -> rules.Shift:
    return rules.Shift(
        weekday=int(row["weekday"]),
        starts=time.fromisoformat(row["starts"]),
        ends=time.fromisoformat(row["ends"]),
        break_starts=_clock(row["break_starts"]),
        break_ends=_clock(row["break_ends"]),
    )


_SHIFT_COLUMNS = ("staff_id", "weekday", "starts", "ends", "break_starts", "break_ends")


async def shifts_of(staff_id: UUID, branch_id: UUID) -> list[rules.Shift] | None:
    """The staff member's working hours in the branch (``None``: none set, so any time)."""
    rows = await scoped.rows(
        WorkingHours, ", ".join(_SHIFT_COLUMNS), "staff_id = {} and branch_id = {}", staff_id, branch_id
    )
    return [_shift(r) for r in rows] or None


async def _branch_shifts(branch_id: UUID, staff: list[StaffMember]) -> dict[UUID, list[rules.Shift] | None]:
    """Every staff member's working hours in the branch, in one query."""
    found: dict[UUID, list[rules.Shift]] = {}
    for row in await scoped.rows(WorkingHours, ", ".join(_SHIFT_COLUMNS), "branch_id = {}", branch_id):
        found.setdefault(row["staff_id"], []).append(_shift(row))
    return {member.id: found.get(member.id) for member in staff}


async def _clash(staff_id: UUID, slot: rules.Slot, other_than: UUID | None) -> bool:
    # The same condition as the exclusion constraint: every appointment but cancelled ones.
    where = "staff_id = {} and status <> 'cancelled' and blocked_from < {} and blocked_until > {}"
    found = await scoped.rows(Appointment, "id", where, staff_id, slot.blocked_until, slot.blocked_from)
    return any(row["id"] != other_than for row in found)


async def _hidden(branch_id: UUID, service_id: UUID) -> bool:
    return await scoped.exists(
        BranchCatalogueItem,
        (BranchCatalogueItem.branch_id == branch_id)
        & (BranchCatalogueItem.kind == "service")
        & (BranchCatalogueItem.item_id == service_id)
        & (BranchCatalogueItem.hidden == True),  # noqa: E712 - a piccolo condition
    )


def _aware(value: datetime, field: str) -> datetime:
    if value.tzinfo is None:
        raise ValidationFailed({field: "needs a time zone"})
    return validation.plausible_year(value, field)


async def _checked_slot(
    service: CatalogueService, branch_id: UUID, staff_id: UUID, starts_at: datetime, other_than: UUID | None
) -> rules.Slot:
    """The slot, after every rule and the clash check (inside the unit of work)."""
    zone, country = await zone_and_country(branch_id)
    slot = rules.slot_for(service, starts_at)
    rules.check(
        service,
        slot,
        now=clock.now(),
        zone=zone,
        country=country,
        shifts=await shifts_of(staff_id, branch_id),
    )
    if await _clash(staff_id, slot, other_than):
        raise SlotTaken()
    return slot


def _event(kind: type[events.AppointmentEvent], row: Appointment, **extra: Any) -> events.AppointmentEvent:
    return kind(
        tenant_id=row.tenant_id,
        client_id=row.client_id,
        branch_id=row.branch_id,
        occurred_at=clock.now(),
        appointment_id=row.id,
        service=row.service,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        staff_id=row.staff_id,
        service_id=row.service_id,
        tags=catalogue.tags_of(row),
        **extra,
    )


async def _service(service_id: UUID | None, name: str) -> CatalogueService:
    if service_id is not None:
        found = await scoped.get(CatalogueService, service_id)
    else:
        rows = await scoped.fetch(CatalogueService, "lower(name) = lower({})", name.strip())
        found = rows[0] if rows else None
    if found is None or not found.active:
        raise ValidationFailed({"service": "is not a service of the catalogue"})
    return found


async def book(
    client_id: UUID,
    *,
    staff_id: UUID,
    starts_at: datetime,
    service_id: UUID | None = None,
    service: str = "",
    branch_id: UUID | None = None,
) -> Appointment:
    """Book ``client_id`` with ``staff_id`` for a catalogue service (by id or name) at
    ``starts_at`` in ``branch_id`` (default: the actor's branch, else the client's). The end
    follows from the service's duration. :class:`SlotTaken` when the staff member is busy."""
    ctx = current()
    require(ctx, Action.SALE_RECORD)
    starts_at = _aware(starts_at, "starts_at")
    client = await load_visible(client_id)
    async with _no_overlap(ctx):
        where = branch_id or ctx.branch_id or client.branch_id
        await _branch_in_scope(ctx, where)
        item = await _service(service_id, service)
        if await _hidden(where, item.id):
            raise ValidationFailed({"service": "is not offered in this branch"})
        await _staff_for(where, staff_id, item)
        slot = await _checked_slot(item, where, staff_id, starts_at, None)
        now = clock.now()
        row = scoped.new(
            Appointment,
            client_id=client.id,
            branch_id=where,
            staff_id=staff_id,
            service=item.name,
            service_id=item.id,
            tags=item.tags,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            blocked_from=slot.blocked_from,
            blocked_until=slot.blocked_until,
            status="booked",
            created_at=now,
            updated_at=now,
        )
        await scoped.insert(row)
        await audit.record(
            audit.AuditAction.CREATE,
            client_id=client.id,
            subject="appointment",
            subject_id=row.id,
            fields=["service", "staff", "starts_at"],
            ctx=ctx,
        )
        await events.publish(_event(events.AppointmentBooked, row))
    return row


async def _visible_appointment(ctx: TenantContext, appointment_id: UUID) -> Appointment:
    row = await scoped.get(Appointment, appointment_id)
    if row is None:
        raise NotFound("no such appointment")
    (await current_branch_scope(ctx)).check(row.branch_id, "appointment")
    return row


async def get(appointment_id: UUID) -> Appointment:
    """One appointment the actor may see (:class:`NotFound` otherwise)."""
    ctx = current()
    require(ctx, Action.CLIENT_VIEW)
    async with unit_of_work(ctx):
        row = await _visible_appointment(ctx, appointment_id)
        await audit.record(
            audit.AuditAction.VIEW,
            client_id=row.client_id,
            subject="appointment",
            subject_id=row.id,
            fields=["service", "starts_at"],
            ctx=ctx,
        )
    return row


async def move(appointment_id: UUID, *, starts_at: datetime, staff_id: UUID | None = None) -> Appointment:
    """Move an appointment to ``starts_at`` (and to ``staff_id``, if given), under the same
    rules as a booking; its status becomes ``moved``."""
    ctx = current()
    require(ctx, Action.SALE_RECORD)
    starts_at = _aware(starts_at, "starts_at")
    async with _no_overlap(ctx):
        row = await _visible_appointment(ctx, appointment_id)
        if row.status not in ACTIVE:
            raise ValidationFailed({"status": "only a booked appointment can be moved"})
        if row.service_id is None or (row.staff_id is None and staff_id is None):
            raise ValidationFailed({"service": "book it again from the catalogue to move it"})
        item = await _service(row.service_id, "")
        staff = staff_id or row.staff_id
        assert staff is not None
        await _staff_for(row.branch_id, staff, item)
        slot = await _checked_slot(item, row.branch_id, staff, starts_at, row.id)
        previous = row.starts_at
        values = {
            Appointment.staff_id: staff,
            Appointment.starts_at: slot.starts_at,
            Appointment.ends_at: slot.ends_at,
            Appointment.blocked_from: slot.blocked_from,
            Appointment.blocked_until: slot.blocked_until,
            Appointment.status: "moved",
            Appointment.updated_at: clock.now(),
        }
        await scoped.update(Appointment, values).where(Appointment.id == row.id)
        row = await _reread(row.id)
        await audit.record(
            audit.AuditAction.UPDATE,
            client_id=row.client_id,
            subject="appointment",
            subject_id=row.id,
            fields=["starts_at", "staff"],
            ctx=ctx,
        )
        await events.publish(_event(events.AppointmentMoved, row, previous_starts_at=previous))
    return row


async def cancel(appointment_id: UUID, *, reason: str, cancelled_by: str = "client") -> Appointment:
    """Cancel an appointment with a ``reason``, ``cancelled_by`` the ``client`` or the
    ``salon``; its time is free again. The tenant's cancellation rules are recorded on it: a
    client's cancellation within ``late_cancel_notice_hours`` of the start is late, and a
    salon's carries the gesture the tenant offers then (``salon_cancel_gesture``)."""
    ctx = current()
    require(ctx, Action.SALE_RECORD)
    errors: dict[str, str] = {}
    text = ""
    try:
        text = validation.required_text(reason, "reason", 500)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if cancelled_by not in CANCELLED_BY:
        errors["cancelled_by"] = "choose client or salon"
    if errors:
        raise ValidationFailed(errors)
    settings = await load_tenant_settings(ctx.tenant_id)
    async with unit_of_work(ctx):
        row = await _visible_appointment(ctx, appointment_id)
        if row.status not in ACTIVE:
            raise ValidationFailed({"status": "only a booked appointment can be cancelled"})
        now = clock.now()
        notice = timedelta(hours=settings.late_cancel_notice_hours)
        late = cancelled_by == "client" and notice > timedelta(0) and now > row.starts_at - notice
        await scoped.update(
            Appointment,
            {
                Appointment.status: "cancelled",
                Appointment.cancel_reason: text,
                Appointment.cancelled_by: cancelled_by,
                Appointment.late_cancel: late,
                Appointment.gesture: settings.salon_cancel_gesture if cancelled_by == "salon" else "",
                Appointment.updated_at: now,
            },
        ).where(Appointment.id == row.id)
        row = await _reread(row.id)
        await audit.record(
            audit.AuditAction.UPDATE,
            client_id=row.client_id,
            subject="appointment",
            subject_id=row.id,
            fields=["status", "cancel_reason", "late_cancel", "gesture"],
            ctx=ctx,
        )
        await events.publish(_event(events.AppointmentCancelled, row, cancelled_by=cancelled_by, reason=text))
    return row


async def _mark(appointment_id: UUID, status: str, kind: type[events.AppointmentEvent]) -> Appointment:
    ctx = current()
    require(ctx, Action.SALE_RECORD)
    async with unit_of_work(ctx):
        row = await _visible_appointment(ctx, appointment_id)
        if row.status not in ACTIVE:
            raise ValidationFailed({"status": "only a booked appointment can be marked"})
        if status == "no_show" and clock.now() < row.starts_at:
            raise ValidationFailed({"status": "a no-show can be marked once the appointment has begun"})
        await scoped.update(
            Appointment, {Appointment.status: status, Appointment.updated_at: clock.now()}
        ).where(Appointment.id == row.id)
        row = await _reread(row.id)
        await audit.record(
            audit.AuditAction.UPDATE,
            client_id=row.client_id,
            subject="appointment",
            subject_id=row.id,
            fields=["status"],
            ctx=ctx,
        )
        await events.publish(_event(kind, row))
    return row


async def mark_attended(appointment_id: UUID) -> Appointment:
    """The client came."""
    return await _mark(appointment_id, "attended", events.AppointmentAttended)


async def mark_no_show(appointment_id: UUID) -> Appointment:
    """The client did not come (only once the appointment has begun)."""
    return await _mark(appointment_id, "no_show", events.AppointmentNoShow)


@dataclass(frozen=True)
class CalendarEntry:
    """An appointment on a calendar, with the client's name."""

    appointment: Appointment
    client_name: str


@dataclass(frozen=True)
class Calendar:
    """A branch's appointments of some days, by staff member, in the branch's zone."""

    branch: Branch
    zone: str
    first_day: date
    days: int
    staff: list[StaffMember]
    entries: list[CalendarEntry]
    shifts: dict[UUID, list[rules.Shift] | None]
    #: The days of the calendar that are public holidays (closed), with the holiday's name.
    closed: dict[date, str] = dataclass_field(default_factory=dict)

    @cached_property
    def _by_staff_and_day(self) -> dict[tuple[UUID | None, date], list[CalendarEntry]]:
        # One pass over the entries (a week of a busy branch has thousands; piccolo's column
        # attributes are slow to read, so each is read once here, not once per cell).
        tz = ZoneInfo(self.zone)
        index: dict[tuple[UUID | None, date], list[CalendarEntry]] = {}
        for entry in self.entries:
            row = entry.appointment
            index.setdefault((row.staff_id, row.starts_at.astimezone(tz).date()), []).append(entry)
        return index

    def of(self, staff_id: UUID, day: date) -> list[CalendarEntry]:
        """The entries of one staff member on one (local) day, by start time."""
        return self._by_staff_and_day.get((staff_id, day), [])


def day_bounds(day: date, zone: str, days: int = 1) -> tuple[datetime, datetime]:
    """The UTC moments where local ``day`` starts and ``days`` later ends (DST-aware: a
    day may last 23 or 25 hours)."""
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=days), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


async def calendar(
    branch_id: UUID, day: date, days: int = 1, *, include_cancelled: bool = False, language: str = "en"
) -> Calendar:
    """The appointments of ``branch_id`` on ``days`` local days from ``day``, and the staff
    who work there (audited as a view of each client shown); public holidays are named in
    ``language`` where the holiday calendar has it."""
    ctx = current()
    require(ctx, Action.CLIENT_VIEW)
    if not 1 <= days <= 7:
        raise ValidationFailed({"days": "must be from 1 to 7"})
    async with unit_of_work(ctx):
        branch = await _branch_in_scope(ctx, branch_id)
        zone, country = await zone_and_country(branch.id)
        start, end = day_bounds(day, zone, days)
        statuses = "" if include_cancelled else " and status <> 'cancelled'"
        rows = await scoped.fetch(
            Appointment,
            "branch_id = {} and starts_at >= {} and starts_at < {}" + statuses,
            branch.id,
            start,
            end,
            order_by="starts_at",
        )
        names: dict[UUID, str] = {}
        client_ids = sorted({r.client_id for r in rows})
        if client_ids:
            found = await scoped.select(Client, Client.id, Client.first_name, Client.last_name).where(
                Client.id.is_in(client_ids)
            )
            names = {r["id"]: f"{r['first_name']} {r['last_name']}".strip() for r in found}
        staff_ids = [
            r["staff_id"] for r in await scoped.rows(StaffBranch, "staff_id", "branch_id = {}", branch.id)
        ]
        staff = await scoped.fetch(StaffMember, "active = {}", True, order_by="name") if staff_ids else []
        staff = [s for s in staff if s.id in set(staff_ids)]
        shifts = await _branch_shifts(branch.id, staff)
        for client_id in client_ids:
            await audit.record(
                audit.AuditAction.VIEW,
                client_id=client_id,
                subject="appointment",
                fields=["first_name", "last_name", "appointments"],
                reason="calendar",
                ctx=ctx,
            )
    entries = [CalendarEntry(r, names.get(r.client_id, "")) for r in rows]
    every_day = (day + timedelta(days=n) for n in range(days))
    closed = {d: name for d in every_day if (name := rules.closed_day(d, country, language))}
    return Calendar(branch, zone, day, days, staff, entries, shifts, closed)


async def set_working_hours(
    staff_id: UUID,
    branch_id: UUID,
    weekday: int,
    starts: str,
    ends: str,
    break_starts: str = "",
    break_ends: str = "",
) -> None:
    """Set a staff member's hours in a branch on a weekday (replacing that day's); owners and
    branch managers (staff administration)."""
    ctx = current()
    require(ctx, Action.STAFF_MANAGE)
    errors: dict[str, str] = {}
    parsed: dict[str, time | None] = {}
    for field, value in (
        ("starts", starts),
        ("ends", ends),
        ("break_starts", break_starts),
        ("break_ends", break_ends),
    ):
        try:
            parsed[field] = time.fromisoformat(value) if value else None
        except ValueError:
            errors[field] = "use HH:MM"
    if not 0 <= weekday <= 6:
        errors["weekday"] = "must be from 0 (Monday) to 6 (Sunday)"
    if not errors and (
        parsed["starts"] is None or parsed["ends"] is None or parsed["starts"] >= parsed["ends"]
    ):
        errors["ends"] = "must be after the start"
    if not errors and bool(break_starts) != bool(break_ends):
        errors["break_ends"] = "give both ends of the break"
    if errors:
        raise ValidationFailed(errors)
    async with unit_of_work(ctx):
        await _branch_in_scope(ctx, branch_id)
        await _works_in(staff_id, branch_id)
        await scoped.delete(WorkingHours).where(
            (WorkingHours.staff_id == staff_id)
            & (WorkingHours.branch_id == branch_id)
            & (WorkingHours.weekday == weekday)
        )
        await scoped.insert(
            scoped.new(
                WorkingHours,
                staff_id=staff_id,
                branch_id=branch_id,
                weekday=weekday,
                starts=starts,
                ends=ends,
                break_starts=break_starts,
                break_ends=break_ends,
            )
        )
        await audit.record(
            "staff.hours", subject="staff", subject_id=staff_id, fields=["working_hours"], ctx=ctx
        )


async def _works_in(staff_id: UUID, branch_id: UUID) -> None:
    works_here = await scoped.exists(
        StaffBranch, (StaffBranch.staff_id == staff_id) & (StaffBranch.branch_id == branch_id)
    )
    if await scoped.get(StaffMember, staff_id) is None or not works_here:
        raise ValidationFailed({"staff": "does not work in this branch"})


async def clear_working_hours(staff_id: UUID, branch_id: UUID, weekday: int) -> None:
    """Make ``weekday`` a day off for the staff member in the branch (owners and branch
    managers). With no hours left at all, the staff member may be booked at any time."""
    ctx = current()
    require(ctx, Action.STAFF_MANAGE)
    if not 0 <= weekday <= 6:
        raise ValidationFailed({"weekday": "must be from 0 (Monday) to 6 (Sunday)"})
    async with unit_of_work(ctx):
        await _branch_in_scope(ctx, branch_id)
        await _works_in(staff_id, branch_id)
        await scoped.delete(WorkingHours).where(
            (WorkingHours.staff_id == staff_id)
            & (WorkingHours.branch_id == branch_id)
            & (WorkingHours.weekday == weekday)
        )
        await audit.record(
            "staff.hours", subject="staff", subject_id=staff_id, fields=["working_hours"], ctx=ctx
        )


@dataclass(frozen=True)
class BranchHours:
    """The staff of a branch and each one's working hours there (``None``: none set)."""

    branch: Branch
    staff: list[StaffMember]
    shifts: dict[UUID, list[rules.Shift] | None]


async def branch_hours(branch_id: UUID) -> BranchHours:
    """The working hours of every active staff member of ``branch_id`` (owners and branch
    managers, in their branch scope)."""
    ctx = current()
    require(ctx, Action.STAFF_MANAGE)
    async with unit_of_work(ctx):
        branch = await _branch_in_scope(ctx, branch_id)
        links = await scoped.rows(StaffBranch, "staff_id", "branch_id = {}", branch.id)
        members = {r["staff_id"] for r in links}
        active = await scoped.fetch(StaffMember, "active = {}", True, order_by="name")
        staff = [s for s in active if s.id in members]
        shifts = await _branch_shifts(branch.id, staff)
    return BranchHours(branch, staff, shifts)


async def zone_of(branch_id: UUID) -> str:
    """The time zone of a branch (else the tenant's)."""
    async with unit_of_work(current()):
        zone, _ = await zone_and_country(branch_id)
    return zone


async def staff_by_email(email: str) -> StaffMember:
    """The tenant's staff member with ``email`` (for the CLI)."""
    async with unit_of_work(current()):
        rows = await scoped.fetch(StaffMember, "lower(email) = lower({})", email.strip())
    if not rows:
        raise ValidationFailed({"staff": "no staff member has this e-mail"})
    return rows[0]


async def only_branch_of(staff_id: UUID) -> UUID:
    """The one branch a staff member works in (for the CLI; ``branch`` names the choice
    when there are several or none)."""
    async with unit_of_work(current()):
        rows = await scoped.rows(StaffBranch, "branch_id", "staff_id = {}", staff_id)
    if len(rows) != 1:
        raise ValidationFailed({"branch": "the staff member works in several branches or none: name one"})
    return UUID(str(rows[0]["branch_id"]))


async def branch_by_name(name: str) -> Branch:
    """The tenant's branch called ``name`` (for the CLI)."""
    async with unit_of_work(current()):
        rows = await scoped.fetch(Branch, "name = {}", name)
    if not rows:
        raise ValidationFailed({"branch": "no branch has this name"})
    return rows[0]
