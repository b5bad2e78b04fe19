"""First-visit call and the next-appointment reminder for new clients."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.events import AppointmentBooked, ServicePerformed
from salonkeep.tenants.context import tenant_scope


async def test_call_three_days_after_the_first_treatment_only(salonkeep_clock, emit, planned):
    await emit(ServicePerformed, service="Hydrating facial", category="facial")
    await emit(ServicePerformed, service="Peel", category="facial")  # second visit: no call
    calls = await planned(programme="first_visit_call")
    assert [(c.title, c.due_at) for c in calls] == [
        ("First-visit call: Hydrating facial", datetime(2026, 3, 28, 8, 0, tzinfo=UTC))
    ]
    assert "How does your skin feel" in calls[0].script


async def test_reminder_the_day_before_across_the_autumn_dst_change(salonkeep_clock, emit, planned):
    # Appointment Monday 26 October 2026 14:00 Helsinki (UTC+2, clocks went back on the 25th).
    starts = datetime(2026, 10, 26, 12, 0, tzinfo=UTC)
    await emit(AppointmentBooked, service="Facial", starts_at=starts)
    (reminder,) = await planned(programme="next_appointment_reminder")
    # 25 October 10:00 is already winter time (UTC+2).
    assert (reminder.kind, reminder.status, reminder.purpose) == ("message", "queued", "service")
    assert reminder.due_at == datetime(2026, 10, 25, 8, 0, tzinfo=UTC)
    assert "Oct 26, 2026 at 2:00\u202fPM" in reminder.script  # the tenant's locale (en), local time


@pytest.mark.parametrize("salonkeep_tenant_place", [("CN", "Asia/Shanghai")])
async def test_reminder_in_the_tenants_time_zone(salonkeep_clock, emit, planned):
    starts = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)  # 1 April 10:00 in Shanghai
    await emit(AppointmentBooked, service="Facial", starts_at=starts)
    (reminder,) = await planned(programme="next_appointment_reminder")
    assert reminder.due_at == datetime(2026, 3, 31, 2, 0, tzinfo=UTC)


async def test_members_get_no_new_client_reminder(salonkeep_clock, salonkeep_tenant, emit, planned):
    with tenant_scope(salonkeep_tenant.ctx):
        member = await create_client(
            ClientInput(branch_id=salonkeep_tenant.branch_id, first_name="Mei", kind="member")
        )
    await emit(
        AppointmentBooked,
        service="Facial",
        starts_at=datetime(2026, 4, 1, 7, 0, tzinfo=UTC),
        client_id=member.id,
    )
    assert await planned(programme="next_appointment_reminder", client_id=member.id) == []
