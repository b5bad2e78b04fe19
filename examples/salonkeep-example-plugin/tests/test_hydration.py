"""The hydration reminder, tested with the Salonkeep plugin kit."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib.metadata import entry_points

from salonkeep.core.plugins.api import ProductSold, ServicePerformed


def test_registered_in_the_salonkeep_entry_point_group():
    points = {point.name: point.value for point in entry_points(group="salonkeep")}
    assert points["hydration"] == "salonkeep_hydration.plugin"


async def test_call_two_days_after_a_facial(salonkeep_clock, emit, planned):
    await emit(ServicePerformed, service="Hydrating facial", category="facial")
    calls = await planned(programme="hydration", kind="call")
    # 25 March 2026 + 2 days, 10:00 in Helsinki (UTC+2)
    assert [(c.title, c.due_at) for c in calls] == [
        ("Hydration check", datetime(2026, 3, 27, 8, 0, tzinfo=UTC))
    ]


async def test_nothing_for_other_events(salonkeep_clock, emit, planned):
    await emit(ServicePerformed, service="Haircut", category="hair")
    await emit(ProductSold, product="Shampoo", category="care")
    assert await planned(programme="hydration") == []


async def test_tip_only_with_marketing_consent(salonkeep_clock, salonkeep_consent, emit, planned):
    await emit(ServicePerformed, service="Facial", category="facial")
    assert await planned(programme="hydration", kind="message") == []
    await salonkeep_consent("marketing_email", True)
    await emit(ServicePerformed, service="Facial", category="facial")
    tips = await planned(programme="hydration", kind="message")
    assert [(t.status, t.due_at) for t in tips] == [("queued", datetime(2026, 3, 26, 8, 0, tzinfo=UTC))]


async def test_setting_and_disabling(salonkeep_clock, salonkeep_configure, emit, planned):
    await salonkeep_configure("hydration", days_after=5)
    await emit(ServicePerformed, service="Facial", category="facial")
    assert [c.due_at for c in await planned(programme="hydration")] == [
        datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    ]
    await salonkeep_configure("hydration", enabled=False)
    await emit(ServicePerformed, service="Facial", category="facial")
    assert len(await planned(programme="hydration")) == 1


async def test_abnormal_reaction_sends_the_practitioner(salonkeep_clock, emit, planned, salonkeep_outcome):
    await emit(ServicePerformed, service="Facial", category="facial")
    (call,) = await planned(programme="hydration", kind="call")
    await salonkeep_outcome(call.id, "abnormal_reaction", "red patches")
    tasks = await planned(programme="hydration", kind="task")
    assert {(t.assigned_role, t.urgency) for t in tasks} == {
        ("branch_manager", "urgent"),
        ("practitioner", "urgent"),
    }
