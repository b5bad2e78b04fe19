"""The consent ledger, the consent gate and the privacy-policy versions."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from salonkeep.core import consent, events
from salonkeep.core.access import Forbidden
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.clients.tables import Client
from salonkeep.core.consent.policy import current_policy, publish_policy, upcoming_policy
from salonkeep.core.consent.tables import ConsentEvent
from salonkeep.tenants import clock
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import ValidationFailed

from .privacy_helpers import policy_text

P = consent.Purpose


def _as(world, role):
    return dataclasses.replace(
        world.ctx,
        role=role,
        actor_id=world.owner_id,
        actor_label=role,
        branch_ids=frozenset({world.branch_id}),
    )


@pytest.fixture
async def client_a(tenant_a):
    with tenant_scope(tenant_a.ctx):
        return await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Kaisa"))


async def _grant(client_id, purpose, channel=consent.Channel.IN_STORE_TABLET, **kw):
    return await consent.grant(
        client_id, purpose, channel=channel, wording_shown=consent.wording(purpose), **kw
    )


async def test_state_is_derived_from_the_append_only_ledger(tenant_a, client_a, frozen_clock):
    with tenant_scope(_as(tenant_a, "reception")):
        assert not await consent.allows(client_a.id, P.MARKETING_EMAIL)
        granted = await _grant(client_a.id, P.MARKETING_EMAIL)
        await _grant(client_a.id, P.GREETINGS)
        assert await consent.allows(client_a.id, P.MARKETING_EMAIL)
        await consent.withdraw(
            client_a.id,
            P.MARKETING_EMAIL,
            channel=consent.Channel.PAPER_SCANNED,
            wording_shown=consent.wording(P.MARKETING_EMAIL),
        )
        state = await consent.current_state(client_a.id)
    assert state[("marketing_email", "")].granted is False
    assert state[("greetings", "")].granted is True
    async with unit_of_work(tenant_a.ctx):
        ledger = (
            await ConsentEvent.objects()
            .where(ConsentEvent.client_id == client_a.id)
            .order_by(ConsentEvent.occurred_at)
        )
    assert [(e.purpose, e.granted, e.channel) for e in ledger] == [
        ("marketing_email", True, "in_store_tablet"),
        ("greetings", True, "in_store_tablet"),
        ("marketing_email", False, "paper_scanned"),
    ]
    assert ledger[0].id == granted.id and ledger[0].recorded_by == "reception"
    assert ledger[0].wording == consent.wording(P.MARKETING_EMAIL)


async def test_after_withdrawal_no_marketing_can_pass_the_gate(tenant_a, client_a):
    with tenant_scope(tenant_a.ctx):
        for purpose in consent.MARKETING:
            await _grant(client_a.id, purpose)
            assert await consent.allows(client_a.id, purpose)
            await consent.withdraw(
                client_a.id,
                purpose,
                channel=consent.Channel.ONLINE_FORM,
                wording_shown=consent.wording(purpose),
            )
            assert not await consent.has_consent(client_a.id, purpose)
            with pytest.raises(consent.ConsentMissing):
                await consent.require_consent(client_a.id, purpose)


async def test_a_withdrawal_publishes_its_event_in_the_same_unit_of_work(tenant_a, client_a):
    seen: list[events.DomainEvent] = []

    async def subscriber(event):
        seen.append(event)
        if isinstance(event, events.ConsentWithdrawn) and event.purpose == "marketing_sms":
            raise RuntimeError("the outbox could not cancel")

    with tenant_scope(tenant_a.ctx):
        await _grant(client_a.id, P.MARKETING_EMAIL)
        await _grant(client_a.id, P.MARKETING_SMS)
        events.subscribe(subscriber)
        try:
            await consent.withdraw(
                client_a.id, P.MARKETING_EMAIL, channel="online_form", wording_shown="No e-mails please"
            )
            with pytest.raises(RuntimeError):
                await consent.withdraw(
                    client_a.id, P.MARKETING_SMS, channel="online_form", wording_shown="No SMS"
                )
        finally:
            events.unsubscribe(subscriber)
        withdrawn = [e for e in seen if isinstance(e, events.ConsentWithdrawn)]
        assert [(e.client_id, e.purpose, e.branch_id) for e in withdrawn] == [
            (client_a.id, "marketing_email", tenant_a.branch_id),
            (client_a.id, "marketing_sms", tenant_a.branch_id),
        ]
        # The failing subscriber rolled the second withdrawal back with it.
        assert not await consent.allows(client_a.id, P.MARKETING_EMAIL)
        assert await consent.allows(client_a.id, P.MARKETING_SMS)


async def test_a_restricted_client_allows_nothing(tenant_a, client_a):
    with tenant_scope(tenant_a.ctx):
        await _grant(client_a.id, P.MARKETING_EMAIL)
        async with unit_of_work(tenant_a.ctx):
            await Client.update({Client.restricted: True}).where(Client.id == client_a.id)
        assert not await consent.allows(client_a.id, P.MARKETING_EMAIL)


async def test_partner_specific_sharing_consent_wins_over_the_general_one(tenant_a, client_a):
    with tenant_scope(tenant_a.ctx):
        await _grant(client_a.id, P.THIRD_PARTY_SHARING)
        await consent.withdraw(
            client_a.id,
            P.THIRD_PARTY_SHARING,
            channel="online_form",
            wording_shown="Not lab X",
            scope="lab-x",
        )
        assert await consent.allows(client_a.id, P.THIRD_PARTY_SHARING, scope="lab-y")
        assert not await consent.allows(client_a.id, P.THIRD_PARTY_SHARING, scope="lab-x")


async def test_bad_consent_input_is_refused_and_roles_are_checked(tenant_a, client_a):
    with tenant_scope(tenant_a.ctx), pytest.raises(ValidationFailed) as bad:
        await consent.grant(client_a.id, "telepathy", channel="carrier pigeon", wording_shown=" ")
    assert set(bad.value.errors) == {"purpose"}
    with tenant_scope(tenant_a.ctx), pytest.raises(ValidationFailed) as bad:
        await consent.grant(client_a.id, P.PHOTOS, channel="carrier pigeon", wording_shown=" ")
    assert set(bad.value.errors) == {"channel", "wording"}
    with tenant_scope(_as(tenant_a, "privacy_officer")), pytest.raises(Forbidden):
        await _grant(client_a.id, P.PHOTOS)


async def test_policy_changes_are_announced_fifteen_days_ahead(tenant_a, frozen_clock):
    with tenant_scope(_as(tenant_a, "privacy_officer")):
        with pytest.raises(ValidationFailed) as early:
            await publish_policy({"en": policy_text()}, effective_from=clock.now() + timedelta(days=3))
        assert "15 days" in early.value.errors["effective_from"]
        with pytest.raises(Forbidden):
            await publish_policy(
                {"en": policy_text()}, effective_from=clock.now() + timedelta(days=3), override_notice=True
            )
        with pytest.raises(ValidationFailed) as missing:
            await publish_policy({"en": dataclasses.replace(policy_text(), complaints="")})
        assert set(missing.value.errors) == {"en.complaints"}
        first = await publish_policy({"en": policy_text(" v1"), "fi": policy_text(" (fi) v1")})
        assert await current_policy("en") is None  # announced, not in force yet
        assert (await upcoming_policy("fi")).collected.endswith("(fi) v1")
    frozen_clock.advance(timedelta(days=15))
    with tenant_scope(_as(tenant_a, "owner")):
        assert (await current_policy("fi")).version == first
        second = await publish_policy(
            {"en": policy_text(" v2")}, effective_from=clock.now() + timedelta(days=1), override_notice=True
        )
        assert (await current_policy("en")).version == first
        frozen_clock.advance(timedelta(days=1))
        now = await current_policy("en")
    assert (now.version, now.notice_overridden, now.collected.endswith("v2")) == (second, True, True)
