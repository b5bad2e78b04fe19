"""Re-consent when the wording changes: old grants are "to confirm", the gate follows the
tenant's ``reconsent_mode``, a fresh grant confirms; wording in en, zh, ru, fi (both backends)."""

from __future__ import annotations

import pytest

from salonkeep.core import consent
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.consent import wordings
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.tenant_settings import update_tenant_settings

EMAIL = consent.Purpose.MARKETING_EMAIL
HEALTH = consent.Purpose.HEALTH_DATA


@pytest.fixture
async def granted(tenant_a):
    with tenant_scope(tenant_a.ctx):
        client = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Aino"))
        for purpose, language in ((EMAIL, "en"), (HEALTH, "fi")):
            await consent.grant(
                client.id,
                purpose,
                channel="in_store_tablet",
                wording_shown=consent.wording(purpose, language),
            )
    return tenant_a, client


def _reword(monkeypatch, purpose, text):
    for texts in wordings.WORDINGS.values():
        monkeypatch.setitem(texts, purpose.value, f"{text} ({texts[purpose.value]})")


async def _mode(world, mode):
    await update_tenant_settings(world.ctx.tenant_id, {"reconsent_mode": mode})


def test_wording_in_four_languages():
    for purpose in consent.Purpose:
        texts = {consent.wording(purpose, lang) for lang in ("en", "zh", "ru", "fi")}
        assert len(texts) == 4
    assert consent.wording(EMAIL, "fi-FI") == consent.wording(EMAIL, "fi")
    assert consent.wording(EMAIL, "sv") == consent.wording(EMAIL)


async def test_unchanged_wording_needs_no_confirmation(granted):
    tenant, client = granted
    with tenant_scope(tenant.ctx):
        state = await consent.current_state(client.id)
    assert not state[(EMAIL.value, "")].to_confirm and not state[(HEALTH.value, "")].to_confirm


async def test_changed_wording_marks_old_grants_and_the_gate_follows_the_setting(granted, monkeypatch):
    tenant, client = granted
    _reword(monkeypatch, EMAIL, "Now also by post")
    _reword(monkeypatch, HEALTH, "Now also for research")
    with tenant_scope(tenant.ctx):
        state = await consent.current_state(client.id)
        assert state[(EMAIL.value, "")].to_confirm and state[(HEALTH.value, "")].to_confirm
        # keep (the default): holds until confirmed
        assert await consent.allows(client.id, EMAIL) and await consent.allows(client.id, HEALTH)
    await _mode(tenant, "pause_marketing")
    with tenant_scope(tenant.ctx):
        assert not await consent.allows(client.id, EMAIL)
        with pytest.raises(consent.ConsentMissing):
            await consent.require_consent(client.id, EMAIL)
        assert await consent.allows(client.id, HEALTH)  # not marketing: kept
        # The client confirms under today's wording (in Chinese): marketing resumes.
        await consent.grant(
            client.id, EMAIL, channel="online_form", wording_shown=consent.wording(EMAIL, "zh")
        )
        assert await consent.allows(client.id, EMAIL)
        assert not (await consent.current_state(client.id))[(EMAIL.value, "")].to_confirm


async def test_a_withdrawal_is_never_to_confirm(granted, monkeypatch):
    tenant, client = granted
    with tenant_scope(tenant.ctx):
        await consent.withdraw(client.id, EMAIL, channel="phone_call", wording_shown="no more offers")
    _reword(monkeypatch, EMAIL, "Changed")
    with tenant_scope(tenant.ctx):
        state = await consent.current_state(client.id)
    assert not state[(EMAIL.value, "")].to_confirm and not state[(EMAIL.value, "")].granted
