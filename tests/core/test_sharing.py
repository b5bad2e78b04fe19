"""The third-party sharing register: no sharing without consent, every disclosure recorded."""

from __future__ import annotations

import pytest

from salonkeep.core import consent
from salonkeep.core.audit.service import search_events
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.privacy import sharing
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.errors import Conflict, ValidationFailed

P = consent.Purpose.THIRD_PARTY_SHARING


@pytest.fixture
async def world(tenant_a):
    with tenant_scope(tenant_a.ctx):
        client = await create_client(
            ClientInput(branch_id=tenant_a.branch_id, first_name="Aino", allergies="Nickel")
        )
        lab = await sharing.add_partner("Allergy Lab Oy", "DPA-2026-14", ["allergy tests", "lab results"])
    return tenant_a, client, lab


async def test_sharing_without_consent_is_refused_and_nothing_is_recorded(world):
    tenant, client, lab = world
    with tenant_scope(tenant.ctx):
        with pytest.raises(consent.ConsentMissing):
            await sharing.share(client.id, lab.id, fields=["allergies"], purpose="allergy tests")
        await consent.grant(client.id, P, channel="paper_scanned", wording_shown=consent.wording(P))
        await consent.withdraw(
            client.id, P, channel="online_form", wording_shown="Not this lab", scope=str(lab.id)
        )
        with pytest.raises(consent.ConsentMissing):
            await sharing.share(client.id, lab.id, fields=["allergies"], purpose="allergy tests")
        assert await sharing.disclosures(client.id) == []


async def test_a_consented_disclosure_is_recorded_with_its_consent(world):
    tenant, client, lab = world
    with tenant_scope(tenant.ctx):
        grant = await consent.grant(client.id, P, channel="in_store_tablet", wording_shown=consent.wording(P))
        made = await sharing.share(
            client.id, lab.id, fields=["first_name", "allergies"], purpose="allergy tests"
        )
        with pytest.raises(ValidationFailed) as bad:
            await sharing.share(client.id, lab.id, fields=["allergies"], purpose="marketing")
        assert "does not allow" in bad.value.errors["purpose"]
        with pytest.raises(ValidationFailed):
            await sharing.share(client.id, lab.id, fields=["password"], purpose="allergy tests")
        register = await sharing.disclosures(client.id)
        audited = await search_events(client_id=client.id, action="disclosure")
    assert made.consent_event_id == grant.id
    assert [(d.partner_id, d.fields, d.purpose) for d in register] == [
        (lab.id, ("allergies", "first_name"), "allergy tests")
    ]
    assert len(audited) == 1 and audited[0].subject_id == lab.id


async def test_partners_need_a_contract_and_purposes(world):
    tenant, _, _ = world
    with tenant_scope(tenant.ctx):
        with pytest.raises(ValidationFailed) as bad:
            await sharing.add_partner("X", "", [])
        assert set(bad.value.errors) == {"contract_ref", "purposes"}
        with pytest.raises(Conflict):
            await sharing.add_partner("Allergy Lab Oy", "DPA-1", ["x"])
        assert [p.name for p in await sharing.list_partners()] == ["Allergy Lab Oy"]
