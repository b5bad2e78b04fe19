"""The 1-3-7 follow-up: day 1, 3 and 7 calls after a purchase or a course, in local time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from salonkeep.core.events import ProductSold, ServicePerformed


async def test_calls_on_day_1_3_7_across_the_spring_dst_change(
    salonkeep_clock, salonkeep_configure, emit, planned
):
    # Sold on Wednesday 25 March 2026 (Helsinki UTC+2); clocks go forward on Sunday 29 March.
    await salonkeep_configure("follow_up_137", enabled=True)
    await emit(ProductSold, product="Night cream", category="care", quantity=1)
    calls = await planned(programme="follow_up_137")
    assert [(c.kind, c.due_at, c.title) for c in calls] == [
        ("call", datetime(2026, 3, 26, 8, 0, tzinfo=UTC), "Day 1 follow-up: Night cream"),
        ("call", datetime(2026, 3, 28, 8, 0, tzinfo=UTC), "Day 3 follow-up: Night cream"),
        # 1 April 10:00 is UTC+3 after the change: 07:00 UTC.
        ("call", datetime(2026, 4, 1, 7, 0, tzinfo=UTC), "Day 7 follow-up: Night cream"),
    ]
    assert "using" in calls[0].script
    assert "book the next treatment" in calls[2].script and "referral" in calls[2].script


async def test_a_course_counts_and_other_services_do_not(salonkeep_clock, salonkeep_configure, emit, planned):
    await salonkeep_configure("follow_up_137", enabled=True)
    await emit(ServicePerformed, service="Haircut", category="hair")
    assert await planned(programme="follow_up_137") == []
    await emit(
        ServicePerformed, service="Body wrap course", category="body", first_visit=False, is_procedure=False
    )
    assert len(await planned(programme="follow_up_137")) == 3


async def test_redelivered_event_plans_nothing_twice(salonkeep_clock, salonkeep_configure, emit, planned):
    await salonkeep_configure("follow_up_137", enabled=True)
    event = await emit(ProductSold, product="Serum", category="brand", quantity=1)
    await emit(event)
    assert len(await planned(programme="follow_up_137")) == 3


async def test_off_by_default_and_settings_change_the_days(
    salonkeep_clock, salonkeep_configure, emit, planned
):
    await emit(ProductSold, product="Serum", category="brand", quantity=1)
    assert await planned(programme="follow_up_137") == []
    await salonkeep_configure("follow_up_137", enabled=True, days=[2, 10], call_time="17:30")
    salonkeep_clock.advance(timedelta(hours=1))
    await emit(ProductSold, product="Mask", category="brand", quantity=1)
    calls = await planned(programme="follow_up_137")
    assert [c.due_at for c in calls] == [
        datetime(2026, 3, 27, 15, 30, tzinfo=UTC),
        datetime(2026, 4, 4, 14, 30, tzinfo=UTC),
    ]
