"""Booking rules: clashes with buffers, increments, notice, horizon, working hours, holidays;
move, cancel, attendance; the events; other tenants and branches."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from salonkeep.core import events
from salonkeep.core.appointments import service as appointments
from salonkeep.core.appointments.service import SlotTaken
from salonkeep.core.visits.tables import Appointment
from salonkeep.tenants import scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.tenants.onboarding import add_branch, add_staff

from .helpers import prepare


def at(hour: int, minute: int = 0, day: int = 30) -> datetime:
    """Local Helsinki time on a day of March/April 2026 (summer time from 29 March: UTC+3)."""
    return datetime(2026, 3, day, hour - 3, minute, tzinfo=UTC)


@pytest.fixture
def published():
    seen: list[events.DomainEvent] = []

    async def collect(event: events.DomainEvent) -> None:
        seen.append(event)

    events.subscribe(collect)
    yield seen
    events.unsubscribe(collect)


async def test_book_then_a_clash_within_the_buffers_is_refused(tenant_a, frozen_clock, published):
    b = await prepare(tenant_a)
    with tenant_scope(tenant_a.ctx):
        first = await appointments.book(
            b.client_id, staff_id=b.staff_id, service_id=b.facial_id, starts_at=at(12)
        )
        assert (first.ends_at, first.blocked_from, first.blocked_until) == (at(13), at(11, 50), at(13, 15))
        # 13:15 starts inside the 15 minutes after the first plus its own 10 before.
        with pytest.raises(SlotTaken) as caught:
            await appointments.book(
                b.client_id, staff_id=b.staff_id, service_id=b.facial_id, starts_at=at(13, 15)
            )
        assert caught.value.field == "starts_at"
        with pytest.raises(SlotTaken):
            await appointments.book(
                b.client_id, staff_id=b.staff_id, service_id=b.facial_id, starts_at=at(10, 45)
            )
        after = await appointments.book(
            b.client_id, staff_id=b.staff_id, service="facial", starts_at=at(13, 30)
        )
        before = await appointments.book(
            b.client_id, staff_id=b.staff_id, service_id=b.facial_id, starts_at=at(10, 30)
        )
        other = await appointments.book(
            b.client_id, staff_id=b.other_staff_id, service_id=b.facial_id, starts_at=at(12)
        )
    assert len({first.id, after.id, before.id, other.id}) == 4
    booked = [e for e in published if isinstance(e, events.AppointmentBooked)]
    assert (booked[0].starts_at, booked[0].ends_at, booked[0].staff_id) == (at(12), at(13), b.staff_id)


async def test_a_cancelled_booking_frees_its_slot(tenant_a, frozen_clock, published):
    b = await prepare(tenant_a)
    with tenant_scope(tenant_a.ctx):
        first = await appointments.book(
            b.client_id, staff_id=b.staff_id, service_id=b.facial_id, starts_at=at(12)
        )
        with pytest.raises(ValidationFailed) as caught:
            await appointments.cancel(first.id, reason=" ", cancelled_by="robot")
        assert set(caught.value.errors) == {"reason", "cancelled_by"}
        cancelled = await appointments.cancel(first.id, reason="Flu", cancelled_by="client")
        again = await appointments.book(
            b.client_id, staff_id=b.staff_id, service_id=b.facial_id, starts_at=at(12)
        )
    assert (cancelled.status, cancelled.cancel_reason, cancelled.cancelled_by) == (
        "cancelled",
        "Flu",
        "client",
    )
    assert again.status == "booked"
    (event,) = [e for e in published if isinstance(e, events.AppointmentCancelled)]
    assert (event.reason, event.cancelled_by) == ("Flu", "client")


@pytest.mark.parametrize(
    ("rules", "starts", "message"),
    [
        ({}, at(12, 10), "must start on a 15-minute step"),
        ({}, datetime(2026, 3, 27, 8, 0, tzinfo=UTC), "is in the past"),
        ({"min_notice_hours": 72}, at(11), "needs at least 72 hours' notice"),
        # "No same-day bookings": later today is refused, tomorrow morning is fine.
        ({"min_notice_days": 1}, datetime(2026, 3, 27, 14, 0, tzinfo=UTC), "needs at least 1 days' notice"),
        ({"max_days_ahead": 30}, datetime(2026, 4, 28, 9, 0, tzinfo=UTC), "is more than 30 days ahead"),
        ({}, datetime(2026, 4, 3, 9, 0, tzinfo=UTC), "the salon is closed that day (Good Friday)"),
    ],
)
async def test_booking_rules_name_the_field(tenant_a, frozen_clock, rules, starts, message):
    b = await prepare(tenant_a, **rules)
    with tenant_scope(tenant_a.ctx):
        with pytest.raises(ValidationFailed) as caught:
            await appointments.book(
                b.client_id, staff_id=b.staff_id, service_id=b.facial_id, starts_at=starts
            )
        assert caught.value.errors == {"starts_at": message}
        async with unit_of_work(tenant_a.ctx):
            assert await scoped.count(Appointment) == 0


async def test_notice_in_days_counts_calendar_days_in_the_branch_zone(tenant_a, frozen_clock):
    b = await prepare(tenant_a, min_notice_days=1)
    with tenant_scope(tenant_a.ctx):
        # Saturday 28 March 00:00 Helsinki is 27 March 22:00 UTC: already "tomorrow" there.
        row = await appointments.book(
            b.client_id,
            staff_id=b.staff_id,
            service_id=b.facial_id,
            starts_at=datetime(2026, 3, 27, 22, 0, tzinfo=UTC),
        )
    assert row.status == "booked"


async def test_working_hours_and_breaks(tenant_a, frozen_clock):
    b = await prepare(tenant_a)
    with tenant_scope(tenant_a.ctx):
        for weekday in range(5):
            await appointments.set_working_hours(
                b.staff_id, tenant_a.branch_id, weekday, "09:00", "17:00", "12:00", "13:00"
            )
        with pytest.raises(ValidationFailed) as caught:
            await appointments.set_working_hours(b.staff_id, tenant_a.branch_id, 5, "18:00", "09:00")
        assert "ends" in caught.value.errors
        for starts, message in (
            (at(12, 30), "falls in the staff member's break"),
            (at(11, 30), "falls in the staff member's break"),
            (at(16, 30), "is outside the staff member's working hours"),
            (at(8, 30), "is outside the staff member's working hours"),
            (
                datetime(2026, 3, 28, 8, 0, tzinfo=UTC),
                "is outside the staff member's working hours",
            ),  # Saturday
        ):
            with pytest.raises(ValidationFailed) as refused:
                await appointments.book(
                    b.client_id, staff_id=b.staff_id, service_id=b.facial_id, starts_at=starts
                )
            assert refused.value.errors == {"starts_at": message}, starts
        ok = await appointments.book(
            b.client_id, staff_id=b.staff_id, service_id=b.facial_id, starts_at=at(9)
        )
        # Another staff member without working hours set may be booked at any open time.
        free = await appointments.book(
            b.client_id, staff_id=b.other_staff_id, service_id=b.facial_id, starts_at=at(20)
        )
    assert ok.status == free.status == "booked"


async def test_performer_roles_and_branch_hiding(tenant_a, frozen_clock):
    from salonkeep.core.catalogue import service as catalogue

    b = await prepare(tenant_a, performer_roles=("reception",))
    with tenant_scope(tenant_a.ctx):
        with pytest.raises(ValidationFailed) as caught:
            await appointments.book(
                b.client_id, staff_id=b.staff_id, service_id=b.facial_id, starts_at=at(12)
            )
        assert caught.value.errors == {"staff": "does not perform this service"}
        await catalogue.set_branch_item(tenant_a.branch_id, "service", b.facial_id, hidden=True)
        with pytest.raises(ValidationFailed) as hidden:
            await appointments.book(
                b.client_id, staff_id=b.staff_id, service_id=b.facial_id, starts_at=at(12)
            )
        assert hidden.value.errors == {"service": "is not offered in this branch"}


async def test_move_cancel_and_attendance(tenant_a, frozen_clock, published):
    b = await prepare(tenant_a)
    with tenant_scope(tenant_a.ctx):
        first = await appointments.book(
            b.client_id, staff_id=b.staff_id, service_id=b.facial_id, starts_at=at(12)
        )
        blocker = await appointments.book(
            b.client_id, staff_id=b.other_staff_id, service_id=b.facial_id, starts_at=at(15)
        )
        with pytest.raises(SlotTaken):
            await appointments.move(first.id, starts_at=at(15), staff_id=b.other_staff_id)
        # Moving within its own buffers is no clash with itself.
        moved = await appointments.move(first.id, starts_at=at(12, 30))
        assert (moved.status, moved.starts_at, moved.ends_at) == ("moved", at(12, 30), at(13, 30))
        with pytest.raises(ValidationFailed):
            await appointments.mark_no_show(moved.id)  # not begun yet
        attended = await appointments.mark_attended(blocker.id)
        with pytest.raises(ValidationFailed):
            await appointments.move(attended.id, starts_at=at(16))
    kinds = [type(e).__name__ for e in published if isinstance(e, events.AppointmentEvent)]
    assert kinds == ["AppointmentBooked", "AppointmentBooked", "AppointmentMoved", "AppointmentAttended"]
    moved_event = next(e for e in published if isinstance(e, events.AppointmentMoved))
    assert moved_event.previous_starts_at == at(12)


async def test_concurrent_bookings_of_one_slot_exactly_one_wins(tenant_a, frozen_clock):
    b = await prepare(tenant_a)

    async def attempt() -> object:
        with tenant_scope(tenant_a.ctx):
            try:
                return await appointments.book(
                    b.client_id, staff_id=b.staff_id, service_id=b.facial_id, starts_at=at(12)
                )
            except SlotTaken as exc:
                return exc

    results = await asyncio.gather(*(attempt() for _ in range(4)))
    assert sum(isinstance(r, Appointment) for r in results) == 1
    assert sum(isinstance(r, SlotTaken) for r in results) == 3
    with tenant_scope(tenant_a.ctx):
        async with unit_of_work(tenant_a.ctx):
            assert await scoped.count(Appointment) == 1


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_the_database_itself_refuses_an_overlap_on_postgres(tenant_a, frozen_clock):
    b = await prepare(tenant_a)
    with tenant_scope(tenant_a.ctx):
        first = await appointments.book(
            b.client_id, staff_id=b.staff_id, service_id=b.facial_id, starts_at=at(12)
        )
        # Written past the service's check, as a racing transaction would: the constraint refuses it.
        with pytest.raises(Exception, match="appointment_no_overlap"):
            async with unit_of_work(tenant_a.ctx):
                await scoped.insert(
                    scoped.new(
                        Appointment,
                        client_id=b.client_id,
                        branch_id=tenant_a.branch_id,
                        staff_id=b.staff_id,
                        service="Facial",
                        starts_at=at(13),
                        ends_at=at(14),
                        blocked_from=at(13),
                        blocked_until=at(14),
                        status="booked",
                        created_at=first.created_at,
                    )
                )


async def test_calendar_days_follow_the_branch_zone_across_dst(tenant_a, frozen_clock):
    # 29 March 2026: Helsinki moves from UTC+2 to UTC+3; the local day lasts 23 hours.
    start, end = appointments.day_bounds(date(2026, 3, 29), "Europe/Helsinki")
    assert (start, end - start) == (datetime(2026, 3, 28, 22, 0, tzinfo=UTC), timedelta(hours=23))
    b = await prepare(tenant_a)
    with tenant_scope(tenant_a.ctx):
        late = await appointments.book(  # 29 March 22:00 local (summer time)
            b.client_id,
            staff_id=b.staff_id,
            service_id=b.facial_id,
            starts_at=datetime(2026, 3, 29, 19, 0, tzinfo=UTC),
        )
        early = await appointments.book(  # 29 March 00:30 local (still winter time)
            b.client_id,
            staff_id=b.other_staff_id,
            service_id=b.facial_id,
            starts_at=datetime(2026, 3, 28, 22, 30, tzinfo=UTC),
        )
        next_day = await appointments.book(  # 30 March 00:00 local
            b.client_id,
            staff_id=b.other_staff_id,
            service_id=b.facial_id,
            starts_at=datetime(2026, 3, 29, 21, 0, tzinfo=UTC),
        )
        day = await appointments.calendar(tenant_a.branch_id, date(2026, 3, 29))
        week = await appointments.calendar(tenant_a.branch_id, date(2026, 3, 29), days=2)
    assert [e.appointment.id for e in day.entries] == [early.id, late.id]
    assert [e.appointment.id for e in week.of(b.other_staff_id, date(2026, 3, 30))] == [next_day.id]
    assert [e.client_name for e in day.entries] == ["Iris", "Iris"]


async def test_another_tenant_sees_and_changes_nothing(tenant_a, tenant_b, frozen_clock):
    b = await prepare(tenant_a)
    with tenant_scope(tenant_a.ctx):
        row = await appointments.book(
            b.client_id, staff_id=b.staff_id, service_id=b.facial_id, starts_at=at(12)
        )
        await appointments.set_working_hours(b.staff_id, tenant_a.branch_id, 0, "09:00", "17:00")
    theirs = await prepare(tenant_b)
    with tenant_scope(tenant_b.ctx):
        for call in (
            appointments.get(row.id),
            appointments.move(row.id, starts_at=at(14)),
            appointments.cancel(row.id, reason="x"),
            appointments.mark_attended(row.id),
            appointments.calendar(tenant_a.branch_id, date(2026, 3, 30)),
        ):
            with pytest.raises(NotFound):
                await call
        with pytest.raises(ValidationFailed) as caught:  # tenant A's staff member is unknown here
            await appointments.book(
                theirs.client_id, staff_id=b.staff_id, service_id=theirs.facial_id, starts_at=at(12)
            )
        assert caught.value.errors == {"staff": "does not work in this branch"}
        with pytest.raises(ValidationFailed):  # and so is tenant A's service
            await appointments.book(
                theirs.client_id, staff_id=theirs.staff_id, service_id=b.facial_id, starts_at=at(12)
            )
        async with unit_of_work(tenant_b.ctx):
            assert await appointments.shifts_of(b.staff_id, tenant_a.branch_id) is None
            assert await scoped.count(Appointment) == 0


async def test_branch_staff_see_only_their_branches_calendar(tenant_a, frozen_clock):
    b = await prepare(tenant_a)
    with tenant_scope(tenant_a.ctx):
        harbour = await add_branch(name="Harbour")
        clerk, _ = await add_staff(
            email="clerk@example.com", name="Clerk", role="reception", branch_names=["Harbour"]
        )
        row = await appointments.book(
            b.client_id, staff_id=b.staff_id, service_id=b.facial_id, starts_at=at(12)
        )
    reception = dataclasses.replace(
        tenant_a.ctx,
        role="reception",
        actor_id=clerk.id,
        branch_id=harbour.id,
        branch_ids=frozenset({harbour.id}),
    )
    with tenant_scope(reception):
        for call in (
            appointments.get(row.id),
            appointments.cancel(row.id, reason="x"),
            appointments.calendar(tenant_a.branch_id, date(2026, 3, 30)),
        ):
            with pytest.raises(NotFound):
                await call
        assert (await appointments.calendar(harbour.id, date(2026, 3, 30))).entries == []
