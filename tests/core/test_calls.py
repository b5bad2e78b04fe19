"""The branch's call list, outcomes (retry, escalation, opt-out) and the call logs."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from salonkeep.core import consent
from salonkeep.core.access import Forbidden
from salonkeep.core.aftercare import calls
from salonkeep.core.aftercare.referrals import record_referral
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.events import ProductSold, ServicePerformed
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.tenants.onboarding import add_branch, add_staff


@pytest.fixture
async def staff(salonkeep_tenant):
    """A practitioner working in the tenant's branch, as their own context."""
    with tenant_scope(salonkeep_tenant.ctx):
        member, _ = await add_staff(
            email="sanna@example.com",
            name="Sanna Laine",
            role="practitioner",
            branch_names=["Main street"],
            password="Str0ng-Passw0rd",
        )
    return dataclasses.replace(
        salonkeep_tenant.ctx,
        actor_id=member.id,
        role="practitioner",
        actor_label=member.email,
        branch_ids=frozenset({salonkeep_tenant.branch_id}),
    )


async def test_call_list_shows_due_and_overdue_with_script_and_preferences(
    salonkeep_clock, salonkeep_tenant, salonkeep_client, staff, emit
):
    await emit(ServicePerformed, service="Massage", category="massage")  # first visit: call on 28 March
    await emit(ProductSold, product="Slim gel", category="slimming")  # calls on 27 and 30 March
    with tenant_scope(staff):
        await calls.set_preferred_time(salonkeep_client.id, "after 17:00")
        salonkeep_clock.at = datetime(2026, 3, 28, 6, 0, tzinfo=UTC)  # 08:00 local, calls due at 10:00
        listed = await calls.due_calls(salonkeep_tenant.branch_id)
    assert [(c.title, c.overdue) for c in listed] == [
        ("Slimming day 2: Slim gel", True),
        ("First-visit call: Massage", False),
    ]
    first = listed[0]
    assert (first.client_name, first.preferred_time, first.programme_title) == (
        "Maija Test",
        "after 17:00",
        "Product follow-ups by category",
    )
    assert "You bought Slim gel the day before yesterday; have you started using it?" in first.script


async def test_no_answer_retries_then_gives_up_and_everything_is_logged(
    salonkeep_clock, salonkeep_tenant, salonkeep_client, staff, emit
):
    await emit(ProductSold, product="Night cream", category="care")  # one call on 1 April
    salonkeep_clock.at = datetime(2026, 4, 1, 7, 30, tzinfo=UTC)
    with tenant_scope(staff):
        (call,) = await calls.due_calls(salonkeep_tenant.branch_id)
        retried = await calls.record_outcome(call.touchpoint_id, "no_answer")
        assert (retried.status, retried.attempts) == ("planned", 1)
        assert retried.due_at == datetime(2026, 4, 2, 7, 30, tzinfo=UTC)  # retry_after_hours = 24
        assert await calls.due_calls(salonkeep_tenant.branch_id) == []  # back tomorrow
        salonkeep_clock.advance(timedelta(days=1))
        await calls.record_outcome(call.touchpoint_id, "no_answer", "voicemail")
        salonkeep_clock.advance(timedelta(days=1))
        given_up = await calls.record_outcome(call.touchpoint_id, "no_answer")
        assert (given_up.status, given_up.attempts) == ("failed", 3)  # max_attempts = 3
        with pytest.raises(ValidationFailed):
            await calls.record_outcome(call.touchpoint_id, "reached")
        log = await calls.call_log(salonkeep_client.id)
        mine = await calls.staff_call_log(staff.actor_id)
    assert [(e.outcome, e.note, e.staff_name) for e in log] == [
        ("no_answer", "", "Sanna Laine"),
        ("no_answer", "voicemail", "Sanna Laine"),
        ("no_answer", "", "Sanna Laine"),
    ]
    assert mine == log


async def test_wants_appointment_and_opt_out(
    salonkeep_clock, salonkeep_tenant, salonkeep_client, staff, emit, planned
):
    await emit(ProductSold, product="Slim gel", category="slimming")
    day2, day5 = await planned(programme="product_follow_up")
    with tenant_scope(staff):
        await calls.record_outcome(day2.id, "wants_appointment", "Thursday afternoon")
        await calls.record_outcome(day5.id, "opted_out", "no more calls please")
    statuses = [(t.kind, t.status, t.outcome) for t in await planned(programme="product_follow_up")]
    # The booking task for reception stays after the opt-out (staff tasks are not cancelled).
    assert statuses == [
        ("task", "planned", None),
        ("call", "done", "wants_appointment"),
        ("call", "done", "opted_out"),
    ]
    await emit(ProductSold, product="Slim gel refill", category="slimming")
    refill_day2, _ = [
        c for c in await planned(programme="product_follow_up", kind="call") if c.status == "planned"
    ]
    with tenant_scope(staff):
        await calls.record_outcome(refill_day2.id, "opted_out")
    remaining = sorted(t.status for t in await planned(programme="product_follow_up", kind="call"))
    assert remaining == ["cancelled", "done", "done", "done"]  # the refill's day-5 call is cancelled


async def test_opting_out_of_a_marketing_programme_withdraws_its_consent(
    salonkeep_clock, salonkeep_tenant, salonkeep_client, emit, planned
):
    with tenant_scope(salonkeep_tenant.ctx):
        member = await create_client(
            ClientInput(branch_id=salonkeep_tenant.branch_id, first_name="Ritva", kind="member")
        )
        await consent.grant(
            member.id, "marketing_email", channel="in_store_tablet", wording_shown="News by e-mail"
        )
        await record_referral(salonkeep_client.id, member.id)
    await emit(ServicePerformed, service="Massage", category="massage")
    task = next(t for t in await planned(programme="referrals", client_id=member.id) if t.kind == "task")
    with tenant_scope(salonkeep_tenant.ctx):
        await calls.record_outcome(task.id, "opted_out", "does not want thank-you mails")
        assert await consent.allows(member.id, "marketing_email") is False
    message = next(
        t for t in await planned(programme="referrals", client_id=member.id) if t.kind == "message"
    )
    assert message.status == "cancelled"


async def test_roles_branches_tenants_and_messages(
    salonkeep_clock, salonkeep_tenant, salonkeep_client, staff, emit, planned
):
    await emit(ProductSold, product="Night cream", category="care")
    (call,) = await planned(programme="product_follow_up")
    with tenant_scope(salonkeep_tenant.ctx):
        other = await add_branch(name="Other street")
    with tenant_scope(dataclasses.replace(staff, role="privacy_officer")), pytest.raises(Forbidden):
        await calls.due_calls(salonkeep_tenant.branch_id)
    with tenant_scope(staff), pytest.raises(NotFound):
        await calls.due_calls(other.id)  # not their branch
    with tenant_scope(dataclasses.replace(staff, branch_ids=frozenset({other.id}))), pytest.raises(NotFound):
        await calls.record_outcome(call.id, "reached")
    stranger = TenantContext(tenant_id=other.id)  # no such tenant: nothing is found
    with tenant_scope(stranger), pytest.raises(NotFound):
        await calls.record_outcome(call.id, "reached")
    with tenant_scope(staff), pytest.raises(ValidationFailed) as caught:
        await calls.record_outcome(call.id, "maybe")
    assert "outcome" in caught.value.errors


async def test_a_branch_in_another_time_zone_plans_in_its_own(
    salonkeep_clock, salonkeep_tenant, emit, planned
):
    with tenant_scope(salonkeep_tenant.ctx):
        shanghai = await add_branch(name="Shanghai", time_zone="Asia/Shanghai")
        client = await create_client(ClientInput(branch_id=shanghai.id, first_name="Li"))
    await emit(ProductSold, product="Slim gel", category="slimming", client_id=client.id)
    calls_ = await planned(programme="product_follow_up", client_id=client.id)
    # 25 March 16:00 in Shanghai; day 2 and day 5 at 10:00 Shanghai time (UTC+8, no DST).
    assert [c.due_at for c in calls_] == [
        datetime(2026, 3, 27, 2, 0, tzinfo=UTC),
        datetime(2026, 3, 30, 2, 0, tzinfo=UTC),
    ]
    salonkeep_clock.at = datetime(2026, 3, 27, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    with tenant_scope(salonkeep_tenant.ctx):
        listed = await calls.due_calls(shanghai.id)
    assert [(c.client_name, c.overdue) for c in listed] == [("Li", False)]


async def test_a_client_moved_to_another_branch_takes_the_open_calls_along(
    salonkeep_clock, salonkeep_tenant, salonkeep_client, staff, emit
):
    """Open calls follow the client to the new home branch's list (none left stranded on the
    old one); a call assigned to someone who does not work there goes back to its role; calls
    already made stay where they were made."""
    from salonkeep.core.aftercare.tables import Touchpoint
    from salonkeep.core.clients.service import update_client
    from salonkeep.tenants import scoped
    from salonkeep.tenants.db import unit_of_work

    await emit(ProductSold, product="Slim gel", category="slimming")  # calls on 27 and 30 March
    salonkeep_clock.at = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)
    with tenant_scope(salonkeep_tenant.ctx):
        (made,) = await calls.due_calls(salonkeep_tenant.branch_id)
        await calls.record_outcome(made.touchpoint_id, "reached")
        async with unit_of_work(salonkeep_tenant.ctx):
            await scoped.update(Touchpoint, {Touchpoint.assigned_staff_id: staff.actor_id}).where(
                Touchpoint.status == "planned"
            )
        harbour = await add_branch(name="Harbour")
        await update_client(
            salonkeep_client.id, ClientInput(branch_id=harbour.id, first_name="Maija", last_name="Test")
        )
        salonkeep_clock.at = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)
        assert await calls.due_calls(salonkeep_tenant.branch_id) == []
        (moved,) = await calls.due_calls(harbour.id)
        async with unit_of_work(salonkeep_tenant.ctx):
            columns = (Touchpoint.id, Touchpoint.branch_id, Touchpoint.assigned_staff_id, Touchpoint.status)
            mine = Touchpoint.client_id == salonkeep_client.id
            rows = await scoped.select(Touchpoint, *columns).where(mine)
    by_id = {r["id"]: r for r in rows}
    assert by_id[moved.touchpoint_id]["branch_id"] == harbour.id
    assert by_id[moved.touchpoint_id]["assigned_staff_id"] is None  # Sanna works on Main street only
    assert by_id[made.touchpoint_id]["branch_id"] == salonkeep_tenant.branch_id  # history stays
    assert by_id[made.touchpoint_id]["status"] == "done"
