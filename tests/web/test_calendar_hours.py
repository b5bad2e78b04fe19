"""Working hours per staff member (screen and ``salonkeep staff hours``), the tenant's
cancellation rules (late notice, the salon's gesture), the calendar across the EU summer-time
changes, and the follow-up tasks that open the booking screen with client and service."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from litestar.testing import AsyncTestClient

from salonkeep.core.appointments import policy
from salonkeep.core.appointments import service as appointments
from salonkeep.core.audit.tables import AuditEvent
from salonkeep.tenants import scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import add_branch
from salonkeep.tenants.tables import StaffMember
from salonkeep.tenants.tenant_settings import load_tenant_settings
from salonkeep.web.app import create_app

from ..appointments.helpers import prepare
from ..appointments.test_cli import cli
from .staff_helpers import add_person, csrf, sign_in


async def _shifts(world, staff_id):
    with tenant_scope(world.ctx):
        async with unit_of_work(world.ctx):
            return await appointments.shifts_of(staff_id, world.branch_id)


# --- working hours ---------------------------------------------------------------------------


async def test_a_manager_sets_hours_and_a_break_and_the_calendar_offers_only_those(
    backend, tenant_a, frozen_clock
):
    b = await prepare(tenant_a)
    manager = await add_person(tenant_a, "branch_manager")
    with tenant_scope(tenant_a.ctx):
        harbour = await add_branch(name="Harbour")
        async with unit_of_work(tenant_a.ctx):
            pia_email = (await scoped.get(StaffMember, b.staff_id)).email
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, manager)
        page = await client.get("/app/calendar/hours")
        assert page.status_code == 200 and "Pia" in page.text
        token = await csrf(client, "/app/calendar/hours")
        form = {
            "branch": str(tenant_a.branch_id),
            "staff_id": str(b.staff_id),
            "weekday": "0",
            "starts": "09:00",
            "ends": "17:00",
            "break": "12:00-12:30",
            "_csrf_token": token,
        }
        saved = await client.post("/app/calendar/hours", data=form)
        assert saved.status_code == 200
        pia_row = saved.text.split(f'data-staff="{pia_email}"', 1)[1].split("</tr>", 1)[0]
        monday = pia_row.split('data-weekday="0">', 1)[1].split("</td>", 1)[0]
        assert "Break" in monday and "Day off" not in monday
        assert "Day off" in pia_row.split('data-weekday="1">', 1)[1].split("</td>", 1)[0]
        # Bad input: each field named, nothing written.
        for change, field in (
            ({"starts": "9am"}, "starts"),
            ({"ends": "08:00"}, "ends"),
            ({"break": "12:00"}, "break"),
            ({"weekday": "9"}, "weekday"),
            ({"staff_id": "nobody"}, "staff_id"),
        ):
            refused = await client.post("/app/calendar/hours", data={**form, "weekday": "1", **change})
            assert refused.status_code == 422, (change, refused.status_code)
            assert f'data-error-for="{field}"' in refused.text, change
        # The calendar of Monday 30 March offers Pia's slots inside her hours, not in the break.
        day = await client.get("/app/calendar", params={"day": "2026-03-30"})
        pia = day.text.split(f'data-staff="{b.staff_id}"', 1)[1].split('<div class="staff-day"', 1)[0]
        offered = re.findall(r"at=2026-03-30T(\d\d:\d\d)", pia)
        assert offered[0] == "09:00" and offered[-1] == "16:30" and "12:00" not in offered
        # Another branch (not the manager's): not found, nothing written.
        other = await client.post("/app/calendar/hours", data={**form, "branch": str(harbour.id)})
        assert other.status_code == 404
        assert (
            await client.get("/app/calendar/hours", params={"branch": str(harbour.id)})
        ).status_code == 404
        # A day off clears the day (her only one: with no hours left she is bookable any time).
        off = await client.post("/app/calendar/hours", data={**form, "day_off": "1"})
        assert off.status_code == 200
    assert await _shifts(tenant_a, b.staff_id) is None


async def test_reception_may_not_set_hours(backend, tenant_a, frozen_clock):
    b = await prepare(tenant_a)
    reception = await add_person(tenant_a, "reception")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, reception)
        assert (await client.get("/app/calendar/hours")).status_code == 403
        token = await csrf(client, "/app/calendar")
        refused = await client.post(
            "/app/calendar/hours",
            data={
                "branch": str(tenant_a.branch_id),
                "staff_id": str(b.staff_id),
                "weekday": "0",
                "starts": "09:00",
                "ends": "17:00",
                "_csrf_token": token,
            },
        )
        assert refused.status_code == 403
    assert await _shifts(tenant_a, b.staff_id) is None


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_staff_hours_from_the_command_line(backend, tenant_a, frozen_clock, monkeypatch):
    b = await prepare(tenant_a)
    with tenant_scope(tenant_a.ctx):
        pia = await StaffMember.objects().where(StaffMember.id == b.staff_id).first()
    base = ("staff", "hours", "-t", tenant_a.slug, "--staff", pia.email)
    done = await cli(
        backend,
        monkeypatch,
        *base,
        "--day",
        "tue",
        "--from",
        "10:00",
        "--to",
        "18:00",
        "--break",
        "13:00-13:45",
    )
    assert (done.exit_code, done.output.strip()) == (0, "saved")
    (shift,) = await _shifts(tenant_a, b.staff_id)
    assert (shift.weekday, str(shift.starts), str(shift.ends), str(shift.break_starts)) == (
        1,
        "10:00:00",
        "18:00:00",
        "13:00:00",
    )
    for args, message in (
        (
            ("--day", "someday", "--from", "10:00", "--to", "18:00"),
            "error: day: use mon, tue, wed, thu, fri, sat or sun",
        ),
        (("--day", "wed", "--from", "10:00", "--to", "09:00"), "error: ends: must be after the start"),
        (
            ("--day", "wed", "--from", "10:00", "--to", "18:00", "--break", "13"),
            "error: break: use HH:MM-HH:MM, e.g. 12:00-12:30",
        ),
        (("--day", "wed", "--from", "10:00"), "error: from: give --from and --to (or --off)"),
    ):
        refused = await cli(backend, monkeypatch, *base, *args)
        assert refused.exit_code == 2, refused.output
        assert refused.output.strip().splitlines() == [message]
    off = await cli(backend, monkeypatch, *base, "--day", "tue", "--off")
    assert (off.exit_code, off.output.strip()) == (0, "day off")
    assert await _shifts(tenant_a, b.staff_id) is None


# --- cancellation rules ----------------------------------------------------------------------


async def test_the_owner_sets_the_cancellation_rules_and_a_manager_cannot(backend, tenant_a, frozen_clock):
    manager = await add_person(tenant_a, "branch_manager")
    owner = f"owner@{tenant_a.slug}.example"
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, owner)
        token = await csrf(client, "/app/calendar/hours")
        form = {
            "branch": str(tenant_a.branch_id),
            "late_cancel_notice_hours": "48",
            "salon_cancel_gesture": "15 % off the next visit",
            "_csrf_token": token,
        }
        bad = await client.post("/app/calendar/policy", data={**form, "late_cancel_notice_hours": "two days"})
        assert bad.status_code == 422 and 'data-error-for="late_cancel_notice_hours"' in bad.text
        long = await client.post("/app/calendar/policy", data={**form, "salon_cancel_gesture": "x" * 301})
        assert long.status_code == 422 and 'data-error-for="salon_cancel_gesture"' in long.text
        saved = await client.post("/app/calendar/policy", data=form)
        assert saved.status_code == 200 and "15 % off the next visit" in saved.text
        await client.get("/logout")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, manager)
        page = await client.get("/app/calendar/hours")
        assert "15 % off the next visit" in page.text and 'id="policy-form"' not in page.text
        token = await csrf(client, "/app/calendar/hours")
        refused = await client.post(
            "/app/calendar/policy", data={**form, "late_cancel_notice_hours": "1", "_csrf_token": token}
        )
        assert refused.status_code == 403
    settings = await load_tenant_settings(tenant_a.ctx.tenant_id)
    assert (settings.late_cancel_notice_hours, settings.salon_cancel_gesture) == (
        48,
        "15 % off the next visit",
    )
    with tenant_scope(tenant_a.ctx):
        async with unit_of_work(tenant_a.ctx):
            changes = await scoped.fetch(AuditEvent, "subject = {}", "tenant_settings")
    # One audited change (the refused ones wrote nothing), naming the keys, not the values.
    assert len(changes) == 1 and "15 %" not in str(changes[0].fields)


async def test_late_cancellation_and_the_salons_gesture_are_recorded_and_shown(
    backend, tenant_a, frozen_clock
):
    b = await prepare(tenant_a)
    with tenant_scope(tenant_a.ctx):
        await policy.change_cancellation_policy(24, "A free hand massage")
    # Now: Friday 27 March 11:00 Helsinki. Saturday 10:00 is 23 hours away, Monday far.
    with tenant_scope(tenant_a.ctx):
        soon_row = await appointments.book(
            b.client_id,
            staff_id=b.staff_id,
            service_id=b.facial_id,
            starts_at=datetime(2026, 3, 28, 8, 0, tzinfo=UTC),
        )
        later_row = await appointments.book(
            b.client_id,
            staff_id=b.staff_id,
            service_id=b.facial_id,
            starts_at=datetime(2026, 3, 30, 9, 0, tzinfo=UTC),
        )
        salon_row = await appointments.book(
            b.client_id,
            staff_id=b.staff_id,
            service_id=b.facial_id,
            starts_at=datetime(2026, 3, 30, 12, 0, tzinfo=UTC),
        )
        late = await appointments.cancel(soon_row.id, reason="Busy", cancelled_by="client")
        in_time = await appointments.cancel(later_row.id, reason="Busy", cancelled_by="client")
        by_salon = await appointments.cancel(salon_row.id, reason="Staff ill", cancelled_by="salon")
    assert (late.late_cancel, late.gesture) == (True, "")
    assert (in_time.late_cancel, in_time.gesture) == (False, "")
    assert (by_salon.late_cancel, by_salon.gesture) == (False, "A free hand massage")
    reception = await add_person(tenant_a, "reception")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, reception)
        saturday = await client.get("/app/calendar", params={"day": "2026-03-28"})
        assert "Late cancellation" in saturday.text and "Busy" in saturday.text
        monday = await client.get("/app/calendar", params={"day": "2026-03-30"})
        assert "Gesture offered: A free hand massage" in monday.text
        assert "Cancelled by the salon" in monday.text
        # The cancelled times are free again: both are offered as slots.
        pia = monday.text.split(f'data-staff="{b.staff_id}"', 1)[1].split('<div class="staff-day"', 1)[0]
        assert "at=2026-03-30T12:00" in pia and "at=2026-03-30T15:00" in pia
