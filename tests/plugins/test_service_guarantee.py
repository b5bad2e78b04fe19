"""Service guarantee: dissatisfaction within 3 days (setting) opens a free-correction task."""

from __future__ import annotations

from datetime import date, timedelta

from salonkeep.core.events import ComplaintReceived, ServicePerformed


async def test_report_within_three_days_opens_a_correction_task(salonkeep_clock, emit, planned):
    await emit(ServicePerformed, service="Eyebrow tint", category="facial")
    salonkeep_clock.advance(timedelta(days=3))
    await emit(ComplaintReceived, channel="phone", reason="uneven colour", received_on=date(2026, 3, 28))
    (task,) = await planned(programme="service_guarantee")
    assert (task.kind, task.assigned_role, task.urgency, task.due_at) == (
        "task",
        "branch_manager",
        "urgent",
        salonkeep_clock(),
    )
    assert task.title == "Free correction of Eyebrow tint (Mar 25, 2026)"
    assert "uneven colour" in task.script


async def test_later_report_is_outside_the_guarantee_unless_the_setting_allows(
    salonkeep_clock, salonkeep_configure, emit, planned
):
    await emit(ServicePerformed, service="Manicure", category="nails")
    salonkeep_clock.advance(timedelta(days=5))
    await emit(ComplaintReceived, channel="web", reason="chipped", received_on=date(2026, 3, 30))
    (task,) = await planned(programme="service_guarantee")
    assert task.title == "Complaint about Manicure outside the 3-day guarantee"
    await salonkeep_configure("service_guarantee", report_within_days=7)
    await emit(ComplaintReceived, channel="web", reason="chipped again", received_on=date(2026, 3, 30))
    titles = [t.title for t in await planned(programme="service_guarantee")]
    assert "Free correction of Manicure (Mar 25, 2026)" in titles
