"""Re-consent when the privacy policy's relevant section changes: grants given under the old
section are "to confirm" (only for the purposes resting on that section), the gate (one client
and the delivery batch) follows ``reconsent_mode``, and the re-consent request is a
consent-free service message, queued once per change and sent by the delivery workers; the
daily job sends it only where the tenant turned it on (both backends)."""

from __future__ import annotations

import dataclasses
import email
import email.policy
from datetime import timedelta

import pytest

from salonkeep.core import consent
from salonkeep.core.access import Forbidden
from salonkeep.core.aftercare.tables import Touchpoint
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.consent import reconsent
from salonkeep.core.consent.policy import publish_policy
from salonkeep.core.delivery.registry import built_in_channels
from salonkeep.core.delivery.service import deliver_due
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.tenant_settings import update_tenant_settings
from salonkeep.workers.privacy_jobs import obligations_sweep

from ..delivery.helpers import config
from .privacy_helpers import policy_text

EMAIL = consent.Purpose.MARKETING_EMAIL
SHARING = consent.Purpose.THIRD_PARTY_SHARING
HEALTH = consent.Purpose.HEALTH_DATA


async def _publish(**changes: str) -> None:
    text = dataclasses.replace(policy_text(), **changes)
    await publish_policy({"en": text}, effective_from=clock.now(), override_notice=True)


async def _policy_id():
    from salonkeep.core.consent.policy import current_policy

    return (await current_policy("en")).id


@pytest.fixture
async def signed_up(tenant_a, frozen_clock):
    """A client who granted e-mail marketing, sharing and health data under policy v1."""
    frozen_clock.at = frozen_clock.at.replace(hour=10)  # 13:00 in Helsinki: no quiet hours
    with tenant_scope(tenant_a.ctx):
        await _publish()
        client = await create_client(
            ClientInput(branch_id=tenant_a.branch_id, first_name="Aino", email="aino@client.example")
        )
        v1 = await _policy_id()
        for purpose in (EMAIL, SHARING, HEALTH):
            await consent.grant(
                client.id,
                purpose,
                channel="in_store_tablet",
                wording_shown=consent.wording(purpose),
                policy_version_id=v1,
            )
    frozen_clock.advance(timedelta(minutes=5))
    return tenant_a, client


def _to_confirm(state) -> set[str]:
    return {purpose for (purpose, _), s in state.items() if s.to_confirm}


async def test_a_changed_section_marks_only_the_purposes_resting_on_it(signed_up, frozen_clock):
    tenant, client = signed_up
    with tenant_scope(tenant.ctx):
        await _publish(complaints="Answered within 12 hours")  # no purpose rests on it
        assert _to_confirm(await consent.current_state(client.id)) == set()
        await _publish(recipients="Our payment partner Paytrail")
        assert _to_confirm(await consent.current_state(client.id)) == {SHARING.value}
        await _publish(recipients="Our payment partner Paytrail", purposes="To serve you and to send offers")
        assert _to_confirm(await consent.current_state(client.id)) == {
            SHARING.value,
            EMAIL.value,
            HEALTH.value,
        }
        # A grant given under the new version is current again.
        await consent.grant(
            client.id,
            EMAIL,
            channel="online_form",
            wording_shown=consent.wording(EMAIL),
            policy_version_id=await _policy_id(),
        )
        assert EMAIL.value not in _to_confirm(await consent.current_state(client.id))


async def test_an_announced_policy_marks_nothing_before_it_is_in_force(signed_up, frozen_clock):
    tenant, client = signed_up
    with tenant_scope(tenant.ctx):
        await publish_policy({"en": dataclasses.replace(policy_text(), purposes="Offers too")})
        assert _to_confirm(await consent.current_state(client.id)) == set()
    frozen_clock.advance(timedelta(days=15, minutes=1))
    with tenant_scope(tenant.ctx):
        assert EMAIL.value in _to_confirm(await consent.current_state(client.id))


async def test_the_gate_and_the_batch_gate_follow_reconsent_mode(signed_up):
    tenant, client = signed_up
    with tenant_scope(tenant.ctx):
        await _publish(purposes="To serve you and to send offers")
        assert await consent.allows(client.id, EMAIL)  # keep (default): holds until confirmed
        async with unit_of_work():
            assert (client.id, EMAIL.value) in await consent.allowed_pairs([(client.id, EMAIL)])
    await update_tenant_settings(tenant.ctx.tenant_id, {"reconsent_mode": "pause_marketing"})
    with tenant_scope(tenant.ctx):
        assert not await consent.allows(client.id, EMAIL)
        assert await consent.allows(client.id, HEALTH)  # not marketing: kept
        async with unit_of_work():
            allowed = await consent.allowed_pairs([(client.id, EMAIL), (client.id, HEALTH)])
        assert allowed == {(client.id, HEALTH.value)}


async def _requests(world) -> list[Touchpoint]:
    with tenant_scope(world.ctx):
        async with unit_of_work():
            return await scoped.fetch(Touchpoint, "programme = {}", reconsent.PROGRAMME)


async def test_the_request_is_queued_once_per_change_and_sent_without_marketing_consent(
    backend, signed_up, frozen_clock
):
    tenant, client = signed_up
    with tenant_scope(tenant.ctx):
        # The client withdrew e-mail marketing: the request (a service message) still goes.
        await consent.withdraw(client.id, EMAIL, channel="online_form", wording_shown=consent.wording(EMAIL))
        await _publish(recipients="Our payment partner Paytrail")
        [listed] = await reconsent.clients_to_confirm()
        assert (listed.client_id, listed.purposes, listed.requested) == (client.id, (SHARING.value,), False)
        assert await reconsent.request_reconsent() == 1
        assert await reconsent.request_reconsent() == 0  # idempotent
        assert (await reconsent.clients_to_confirm())[0].requested
    [row] = await _requests(tenant)
    assert (row.purpose, row.status, row.template) == ("service", "queued", reconsent.TEMPLATE)
    report = await deliver_due(tenant.ctx, built_in_channels(config(), backend.settings.data_dir), config())
    assert report.sent == 1
    raw = (backend.settings.data_dir / "outbox" / f"sk-{row.id}.eml").read_bytes()
    eml = email.message_from_bytes(raw, policy=email.policy.default)
    assert eml["Subject"] == "Please confirm your consent"
    assert f"/t/{tenant.slug}/consent/" in eml.get_content()
    # A later change asks again.
    frozen_clock.advance(timedelta(minutes=5))
    with tenant_scope(tenant.ctx):
        await _publish(recipients="Paytrail and Klarna", purposes="To serve you and to send offers")
        assert await reconsent.request_reconsent() == 1
    assert len(await _requests(tenant)) == 2


async def test_the_daily_job_sends_requests_only_where_turned_on(backend, signed_up):
    tenant, client = signed_up
    with tenant_scope(tenant.ctx):
        await _publish(recipients="Our payment partner Paytrail")
    ctx = {"settings": backend.settings}
    await obligations_sweep(ctx)
    assert await _requests(tenant) == []
    await update_tenant_settings(tenant.ctx.tenant_id, {"reconsent_auto_request": True})
    await obligations_sweep(ctx)
    await obligations_sweep(ctx)  # a second run (arq may run a job twice) adds nothing
    assert [r.client_id for r in await _requests(tenant)] == [client.id]


async def test_only_the_privacy_roles_list_and_send(signed_up):
    tenant, _ = signed_up
    practitioner = dataclasses.replace(
        tenant.ctx, role="practitioner", actor_id=tenant.owner_id, branch_ids=frozenset({tenant.branch_id})
    )
    with tenant_scope(practitioner):
        with pytest.raises(Forbidden):
            await reconsent.clients_to_confirm()
        with pytest.raises(Forbidden):
            await reconsent.request_reconsent()
