"""Per-category follow-ups (slimming, treatment products, others) and the abnormal-reaction
escalation through salonkeep_touchpoint_outcome."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from salonkeep.core.events import ProductSold

PROGRAMME = "product_follow_up"


async def test_slimming_day_2_and_5_offering_the_treatment_two_days_later(salonkeep_clock, emit, planned):
    await emit(ProductSold, product="Slim gel", category="slimming")
    calls = await planned(programme=PROGRAMME)
    assert [(c.title, c.due_at) for c in calls] == [
        ("Slimming day 2: Slim gel", datetime(2026, 3, 27, 8, 0, tzinfo=UTC)),
        # 30 March is after the spring DST change in Helsinki: 10:00 is 07:00 UTC.
        ("Slimming day 5: Slim gel", datetime(2026, 3, 30, 7, 0, tzinfo=UTC)),
    ]
    assert "started using" in calls[0].script
    assert "using Slim gel for 5 days: how does it feel?" in calls[1].script
    assert "Apr 1, 2026" in calls[1].script


async def test_treatment_products_day_3_then_every_15_days(
    salonkeep_clock, salonkeep_configure, emit, planned, salonkeep_outcome
):
    await emit(ProductSold, product="Acne serum", category="treatment")
    (first,) = await planned(programme=PROGRAMME)
    assert first.due_at == datetime(2026, 3, 28, 8, 0, tzinfo=UTC)  # day 3, still UTC+2
    # Each call, once closed, plans the next 15 days later (see test_seed_rules for the series).
    salonkeep_clock.at = first.due_at
    await salonkeep_outcome(first.id, "reached")
    following = [c.due_at for c in await planned(programme=PROGRAMME) if c.status == "planned"]
    assert following == [datetime(2026, 4, 12, 7, 0, tzinfo=UTC)]  # day 18, UTC+3


async def test_other_categories_get_one_call_within_the_week(salonkeep_clock, emit, planned):
    for category in ("brand", "fumigation", "supplement", "care", "device"):
        await emit(ProductSold, product=f"A {category}", category=category)
    calls = await planned(programme=PROGRAMME)
    assert len(calls) == 5
    assert {c.due_at for c in calls} == {datetime(2026, 4, 1, 7, 0, tzinfo=UTC)}


async def test_abnormal_reaction_escalates_at_once(salonkeep_clock, emit, planned, salonkeep_outcome):
    # salonkeep_touchpoint_outcome of this plugin adds the practitioner's visit to the
    # core's urgent task for the branch manager.
    await emit(ProductSold, product="Slim gel", category="slimming")
    first = (await planned(programme=PROGRAMME))[0]
    salonkeep_clock.advance(timedelta(days=2, hours=1))
    await salonkeep_outcome(first.id, "abnormal_reaction", "rash on the belly")
    tasks = await planned(programme=PROGRAMME, kind="task")
    assert sorted((t.assigned_role, t.urgency, t.due_at) for t in tasks) == [
        ("branch_manager", "urgent", salonkeep_clock()),
        ("practitioner", "urgent", salonkeep_clock()),
    ]
    # Both tasks carry the note, encrypted (``detail``), never in their clear-text script.
    assert [t.detail.text for t in tasks] == ["rash on the belly", "rash on the belly"]
    assert not any("rash" in t.script or "rash" in t.title for t in tasks)


async def test_disabled_programme_plans_nothing(salonkeep_clock, salonkeep_configure, emit, planned):
    await salonkeep_configure(PROGRAMME, enabled=False)
    await emit(ProductSold, product="Slim gel", category="slimming")
    assert await planned(programme=PROGRAMME) == []
