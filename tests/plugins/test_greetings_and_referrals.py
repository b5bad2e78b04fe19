"""Birthdays, holidays and referral thanks: marketing, so planned only with consent, and a
withdrawal cancels what is still queued at once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from salonkeep.core.aftercare.referrals import record_referral
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.events import ServicePerformed
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.errors import ValidationFailed


@pytest.fixture
async def birthday_client(salonkeep_clock, salonkeep_tenant):
    with tenant_scope(salonkeep_tenant.ctx):
        return await create_client(
            ClientInput(
                branch_id=salonkeep_tenant.branch_id, first_name="Aino", date_of_birth=date(1990, 4, 2)
            )
        )


async def test_birthday_greetings_need_consent_and_stop_on_withdrawal(
    salonkeep_clock, salonkeep_configure, salonkeep_consent, birthday_client, planned
):
    await salonkeep_configure("holiday_greetings", enabled=False)
    assert await planned(client_id=birthday_client.id, kind="message") == []  # registered, no consent
    await salonkeep_consent("greetings", True, client_id=birthday_client.id)
    greetings = await planned(programme="birthday_greetings", client_id=birthday_client.id)
    assert [(g.title, g.purpose, g.due_at) for g in greetings] == [
        ("Birthday card", "greetings", datetime(2026, 3, 30, 7, 0, tzinfo=UTC)),  # 3 days before, 10:00 UTC+3
        ("Happy birthday", "greetings", datetime(2026, 4, 2, 7, 0, tzinfo=UTC)),
    ]
    await salonkeep_consent("marketing_email", True, client_id=birthday_client.id)
    offers = [
        g
        for g in await planned(programme="birthday_greetings", client_id=birthday_client.id)
        if g.purpose == "marketing_email"
    ]
    assert [(o.title, o.due_at, o.status) for o in offers] == [
        ("Birthday-month offer", datetime(2026, 4, 1, 7, 0, tzinfo=UTC), "queued")
    ]
    await salonkeep_consent("greetings", False, client_id=birthday_client.id)
    statuses = {
        g.title: g.status for g in await planned(programme="birthday_greetings", client_id=birthday_client.id)
    }
    assert statuses == {
        "Birthday card": "cancelled",
        "Happy birthday": "cancelled",
        "Birthday-month offer": "queued",
    }


async def test_29_february_birthday_in_a_common_year(
    salonkeep_clock, salonkeep_tenant, salonkeep_consent, planned
):
    salonkeep_clock.at = datetime(2027, 2, 1, 8, 0, tzinfo=UTC)
    with tenant_scope(salonkeep_tenant.ctx):
        leap = await create_client(
            ClientInput(
                branch_id=salonkeep_tenant.branch_id, first_name="Leo", date_of_birth=date(2000, 2, 29)
            )
        )
    await salonkeep_consent("greetings", True, client_id=leap.id)
    day = [
        g
        for g in await planned(programme="birthday_greetings", client_id=leap.id)
        if g.title == "Happy birthday"
    ]
    assert [g.due_at for g in day] == [datetime(2027, 2, 28, 8, 0, tzinfo=UTC)]


async def test_holiday_greetings_of_the_year_with_consent(salonkeep_clock, salonkeep_consent, planned):
    await salonkeep_consent("greetings", True)
    holidays = {g.due_at.date(): (g.kind, g.title) for g in await planned(programme="holiday_greetings")}
    # The seeds' special days are calls ("特殊电话沟通"); the country's holidays are messages.
    assert holidays[date(2026, 5, 10)] == ("call", "Greeting call: Mother's Day")  # second Sunday of May
    assert holidays[date(2026, 9, 25)] == ("call", "Greeting call: Mid-Autumn Festival")
    assert holidays[date(2027, 1, 1)] == ("call", "Greeting call: New Year")
    assert holidays[date(2027, 2, 6)] == ("call", "Greeting call: Spring Festival")
    assert holidays[date(2026, 12, 6)] == ("message", "Independence Day")  # Finland's own holidays too
    assert all(d > date(2026, 3, 25) and d <= date(2027, 3, 25) for d in holidays)
    greeting = next(
        g for g in await planned(programme="holiday_greetings") if g.title == "Greeting call: Mother's Day"
    )
    assert greeting.due_at == datetime(2026, 5, 10, 7, 0, tzinfo=UTC)
    assert greeting.purpose == "greetings"


async def test_referrer_is_thanked_on_the_guests_first_visit(
    salonkeep_clock, salonkeep_tenant, salonkeep_client, salonkeep_consent, emit, planned
):
    with tenant_scope(salonkeep_tenant.ctx):
        member = await create_client(
            ClientInput(branch_id=salonkeep_tenant.branch_id, first_name="Ritva", kind="member")
        )
        with pytest.raises(ValidationFailed):
            await record_referral(member.id, salonkeep_client.id)  # only members refer
        await record_referral(salonkeep_client.id, member.id)
    await emit(ServicePerformed, service="Facial", category="facial")
    thanks = await planned(programme="referrals", client_id=member.id)
    # No marketing consent: the staff task only, no message.
    assert [(t.kind, t.title, t.due_at) for t in thanks] == [
        ("task", "Thank Ritva for referring Maija", datetime(2026, 3, 26, 8, 0, tzinfo=UTC))
    ]


async def test_referral_recorded_after_the_visit_thanks_with_consent(
    salonkeep_clock, salonkeep_tenant, salonkeep_client, salonkeep_consent, emit, planned
):
    with tenant_scope(salonkeep_tenant.ctx):
        member = await create_client(
            ClientInput(branch_id=salonkeep_tenant.branch_id, first_name="Ritva", kind="member")
        )
    await salonkeep_consent("marketing_email", True, client_id=member.id)
    await emit(ServicePerformed, service="Facial", category="facial")
    with tenant_scope(salonkeep_tenant.ctx):
        await record_referral(salonkeep_client.id, member.id)
    kinds = sorted(t.kind for t in await planned(programme="referrals", client_id=member.id))
    assert kinds == ["message", "task"]
