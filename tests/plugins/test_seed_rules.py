"""The after-sales seed (001) to the letter: who makes each call, when, and what it says.

Each test names the rule of the seed it checks. Times are in the kit tenant's zone
(Europe/Helsinki: UTC+2 until Sunday 29 March 2026, UTC+3 after); the kit's clock starts on
Wednesday 25 March 2026 at 10:00 local (08:00 UTC).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from salonkeep.core.aftercare import calls as call_list
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.events import ProductSold, ServicePerformed
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.onboarding import add_staff


@pytest.fixture
async def beautician(salonkeep_tenant):
    """Liisa, a practitioner of the kit's branch: she serves the client."""
    with tenant_scope(salonkeep_tenant.ctx):
        staff, _ = await add_staff(
            email=f"liisa@{salonkeep_tenant.slug}.example",
            name="Liisa Kosmetologi",
            role="practitioner",
            branch_names=["Main street"],
            password="Liisa-Password-1",
        )
    return staff


async def test_137_calls_go_to_the_beautician_who_sold_with_the_seeds_scripts(
    salonkeep_clock, salonkeep_configure, salonkeep_tenant, beautician, emit, planned
):
    await salonkeep_configure("follow_up_137", enabled=True)
    await emit(ProductSold, product="Night cream", category="care", staff_id=beautician.id)
    day1, day3, day7 = await planned(programme="follow_up_137")
    assert [(c.kind, c.due_at, c.assigned_staff_id) for c in (day1, day3, day7)] == [
        ("call", datetime(2026, 3, 26, 8, 0, tzinfo=UTC), beautician.id),
        ("call", datetime(2026, 3, 28, 8, 0, tzinfo=UTC), beautician.id),
        ("call", datetime(2026, 4, 1, 7, 0, tzinfo=UTC), beautician.id),
    ]
    # The opening of every call: who is calling, sorry to disturb, is it a good time.
    for call in (day1, day3, day7):
        assert "the beautician from Salon kit-" in call.script and "Sorry to disturb you" in call.script
        assert "Is it a good time (3-5 minutes)" in call.script
    assert "started using Night cream" in day1.script and "call the salon any time" in day1.script
    assert "How often and how" in day3.script and "Encourage the client" in day3.script
    assert "bring a friend" in day7.script and "book the next treatment" in day7.script
    # On the call list of the day, with her name.
    salonkeep_clock.advance(timedelta(days=1))
    with tenant_scope(salonkeep_tenant.ctx):
        (item,) = await call_list.due_calls(salonkeep_tenant.branch_id)
    assert (item.touchpoint_id, item.assigned_staff_name) == (day1.id, "Liisa Kosmetologi")


async def test_137_day_one_may_be_a_text_message(
    salonkeep_clock, salonkeep_configure, beautician, emit, planned
):
    await salonkeep_configure("follow_up_137", enabled=True, day1_sms=True)
    await emit(ProductSold, product="Night cream", category="care", staff_id=beautician.id)
    found = await planned(programme="follow_up_137")
    assert [(t.kind, t.due_at) for t in found] == [
        ("message", datetime(2026, 3, 26, 8, 0, tzinfo=UTC)),
        ("call", datetime(2026, 3, 28, 8, 0, tzinfo=UTC)),
        ("call", datetime(2026, 4, 1, 7, 0, tzinfo=UTC)),
    ]
    assert (found[0].purpose, found[0].status) == ("service", "queued")


async def test_slimming_day_2_is_the_supervisors_and_day_5_the_sellers(
    salonkeep_clock, beautician, emit, planned
):
    await emit(ProductSold, product="Slim gel", category="slimming", staff_id=beautician.id)
    day2, day5 = await planned(programme="product_follow_up")
    assert (day2.due_at, day2.assigned_role, day2.assigned_staff_id) == (
        datetime(2026, 3, 27, 8, 0, tzinfo=UTC),
        "branch_manager",
        None,
    )
    assert "You bought Slim gel the day before yesterday" in day2.script
    assert "have you started using it? Is anything unclear?" in day2.script
    assert (day5.due_at, day5.assigned_staff_id) == (datetime(2026, 3, 30, 7, 0, tzinfo=UTC), beautician.id)
    assert "Shall I come and see you?" in day5.script and "Apr 1, 2026" in day5.script
    assert "Do you have any other needs?" in day5.script


async def test_not_convenient_brings_the_call_back_tomorrow_without_burning_an_attempt(
    salonkeep_clock, salonkeep_configure, emit, planned, salonkeep_outcome
):
    await salonkeep_configure("product_follow_up", max_attempts=1)
    await emit(ProductSold, product="Slim gel", category="slimming")
    day2 = (await planned(programme="product_follow_up"))[0]
    salonkeep_clock.advance(timedelta(days=2, hours=3))  # Friday 27 March, 13:00 local
    for expected_day in (28, 29):
        view = await salonkeep_outcome(day2.id, "not_convenient", "at work")
        # Tomorrow at the call time, still open, and no attempt counted.
        assert (view.status, view.attempts, view.outcome) == ("planned", 0, "not_convenient")
        assert view.due_at.astimezone(UTC).date() == date(2026, 3, expected_day)
        salonkeep_clock.advance(timedelta(days=1))
    (again,) = [t for t in await planned(programme="product_follow_up") if t.id == day2.id]
    assert again.due_at == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)  # 10:00 after the DST change
    # One real unanswered try with max_attempts=1 closes it: not_convenient never did.
    closed = await salonkeep_outcome(day2.id, "no_answer")
    assert (closed.status, closed.attempts) == ("failed", 1)


async def test_an_existing_client_buying_a_new_product_gets_the_day_3_call(
    salonkeep_clock, salonkeep_tenant, beautician, emit, planned
):
    with tenant_scope(salonkeep_tenant.ctx):
        member = await create_client(
            ClientInput(branch_id=salonkeep_tenant.branch_id, first_name="Ritva", kind="member")
        )
    await emit(
        ProductSold, client_id=member.id, product="Eye serum", category="brand", staff_id=beautician.id
    )
    salonkeep_clock.advance(timedelta(hours=1))
    await emit(ProductSold, client_id=member.id, product="Eye serum", category="brand")  # not new now
    (call,) = await planned(programme="new_product_call", client_id=member.id)
    assert (call.due_at, call.assigned_staff_id) == (datetime(2026, 3, 28, 8, 0, tzinfo=UTC), beautician.id)
    assert "How does Eye serum feel" in call.script and "using it the right way" in call.script
    # A new client (kind "new") buying it gets no such call: the first-visit rules apply.
    await emit(ProductSold, product="Eye serum", category="brand")
    assert await planned(programme="new_product_call") == []


async def test_call_within_24_hours_after_the_visit_as_a_setting(
    salonkeep_clock, salonkeep_configure, salonkeep_tenant, beautician, emit, planned
):
    await emit(ServicePerformed, service="Facial", category="facial", staff_id=beautician.id)
    assert await planned(programme="visit_call") == []  # off by default
    await salonkeep_configure("visit_call", enabled=True, within_hours=24)
    salonkeep_clock.advance(timedelta(hours=2))
    await emit(ServicePerformed, service="Peel", category="facial", staff_id=beautician.id)
    (call,) = await planned(programme="visit_call")
    visit_at = datetime(2026, 3, 25, 10, 0, tzinfo=UTC)
    assert (call.due_at, call.assigned_staff_id) == (visit_at, beautician.id)
    assert "Were you satisfied with your Peel" in call.script
    # Still open 24 hours after the visit: flagged missed by the workers' sweep.
    with tenant_scope(salonkeep_tenant.ctx):
        assert await call_list.flag_missed(visit_at + timedelta(hours=23)) == 0
        assert await call_list.flag_missed(visit_at + timedelta(hours=24, minutes=1)) == 1


async def test_treatment_products_follow_up_periodically_without_a_cap(
    salonkeep_clock, salonkeep_configure, beautician, emit, planned, salonkeep_outcome
):
    await emit(ProductSold, product="Acne serum", category="treatment", staff_id=beautician.id)
    (first,) = await planned(programme="product_follow_up")
    assert (first.due_at, first.assigned_staff_id) == (datetime(2026, 3, 28, 8, 0, tzinfo=UTC), beautician.id)
    assert "encourage the client to keep using it" in first.script
    current = first
    # Far past any fixed number of calls: every closed call plans the next, 15 days later.
    for round_ in range(1, 8):
        salonkeep_clock.at = current.due_at
        await salonkeep_outcome(current.id, "reached")
        open_calls = [t for t in await planned(programme="product_follow_up") if t.status == "planned"]
        assert len(open_calls) == 1
        (current,) = open_calls
        local_day = (salonkeep_clock() + timedelta(days=15)).astimezone(UTC).date()
        assert current.due_at.date() == local_day and current.assigned_staff_id == beautician.id
        assert current.title == f"Treatment product day {3 + 15 * round_}: Acne serum"
    # The client opts out: the series ends.
    await salonkeep_outcome(current.id, "opted_out")
    assert [t for t in await planned(programme="product_follow_up") if t.status == "planned"] == []


async def test_a_cap_on_periodic_treatment_calls_is_a_setting(
    salonkeep_clock, salonkeep_configure, emit, planned, salonkeep_outcome
):
    await salonkeep_configure("product_follow_up", treatment_repeats=1)
    await emit(ProductSold, product="Acne serum", category="treatment")
    (first,) = await planned(programme="product_follow_up")
    salonkeep_clock.at = first.due_at
    await salonkeep_outcome(first.id, "reached")
    second = [t for t in await planned(programme="product_follow_up") if t.status == "planned"]
    assert len(second) == 1
    salonkeep_clock.at = second[0].due_at
    await salonkeep_outcome(second[0].id, "no_answer")  # retried: not closed, nothing planned
    await salonkeep_configure("product_follow_up", max_attempts=1)
    salonkeep_clock.advance(timedelta(days=1))
    await salonkeep_outcome(second[0].id, "reached")
    assert [t for t in await planned(programme="product_follow_up") if t.status == "planned"] == []


async def test_birthday_card_is_a_printed_letter_3_days_ahead_and_the_sms_carries_the_offer(
    salonkeep_clock, salonkeep_configure, salonkeep_tenant, salonkeep_consent, salonkeep_deliver, planned
):
    await salonkeep_configure("holiday_greetings", enabled=False)
    await salonkeep_configure("birthday_greetings", offer="One free mask this month.", birthday_call=True)
    with tenant_scope(salonkeep_tenant.ctx):
        aino = await create_client(
            ClientInput(
                branch_id=salonkeep_tenant.branch_id,
                first_name="Aino",
                phone="+358401234567",
                date_of_birth=date(1990, 4, 2),
            )
        )
    await salonkeep_consent("greetings", True, client_id=aino.id)
    found = {t.title: t for t in await planned(programme="birthday_greetings", client_id=aino.id)}
    card, day, call = found["Birthday card"], found["Happy birthday"], found["Greeting call: Birthday"]
    assert card.due_at == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # 3 days before, 10:00 UTC+3
    assert day.due_at == call.due_at == datetime(2026, 4, 2, 7, 0, tzinfo=UTC)
    assert "One free mask this month." in day.script
    assert "Happy birthday!" in call.script and "One free mask this month." in call.script
    salonkeep_clock.at = datetime(2026, 4, 2, 7, 0, tzinfo=UTC)
    handed = {d.channel: d.message for d in await salonkeep_deliver()}
    # The card went to the letter channel (a print-and-post task), the day's greeting by SMS.
    assert set(handed) == {"letter", "sms"}
    assert "One free mask this month." in handed["sms"].body
    tasks = [t for t in await planned(client_id=aino.id, kind="task") if t.title.startswith("Print and post")]
    assert len(tasks) == 1 and tasks[0].status == "planned"


async def test_greeting_calls_need_consent_and_a_withdrawal_cancels_them(
    salonkeep_clock, salonkeep_consent, planned
):
    assert [t for t in await planned(programme="holiday_greetings") if t.kind == "call"] == []
    await salonkeep_consent("greetings", True)
    spring = [t for t in await planned(programme="holiday_greetings") if "Spring Festival" in t.title]
    assert len(spring) == 1 and spring[0].kind == "call"
    assert "Happy Spring Festival" in spring[0].script and "every wish come true" in spring[0].script
    await salonkeep_consent("greetings", False)
    statuses = {t.status for t in await planned(programme="holiday_greetings") if t.kind == "call"}
    assert statuses == {"cancelled"}
