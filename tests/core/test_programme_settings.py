"""Programme enablement and settings are per tenant, owner-only, validated before writing."""

from __future__ import annotations

import dataclasses

import pytest

from salonkeep.core.access import Forbidden
from salonkeep.core.aftercare import calls, programmes
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.visits.service import record_sale
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.errors import NotFound, ValidationFailed


async def _planned_calls(world) -> list[str]:
    with tenant_scope(world.ctx):
        client = await create_client(ClientInput(branch_id=world.branch_id, first_name="Olga"))
        await record_sale(client.id, product="Slim gel", category="slimming")
        return [
            t.title for t in await calls.client_touchpoints(client.id) if t.programme == "product_follow_up"
        ]


async def test_a_disabled_programme_plans_nothing_for_that_tenant_only(tenant_a, tenant_b, frozen_clock):
    with tenant_scope(tenant_a.ctx):
        state = await programmes.set_enabled("product_follow_up", False)
        assert state.enabled is False
    assert await _planned_calls(tenant_a) == []
    assert await _planned_calls(tenant_b) == ["Slimming day 2: Slim gel", "Slimming day 5: Slim gel"]
    with tenant_scope(tenant_b.ctx):
        by_name = {s.programme.name: s for s in await programmes.list_programmes()}
    assert by_name["product_follow_up"].enabled is True


async def test_settings_are_validated_and_only_owners_manage_them(tenant_a, frozen_clock):
    with tenant_scope(tenant_a.ctx):
        with pytest.raises(ValidationFailed) as caught:
            await programmes.set_setting("product_follow_up", "slimming_days", "0,5")
        assert caught.value.errors == {"slimming_days": "must be at least 1"}
        with pytest.raises(NotFound):
            await programmes.set_enabled("no_such_programme", True)
        state = await programmes.set_setting("product_follow_up", "slimming_days", "3, 6")
        assert state.settings["slimming_days"] == [3, 6]
    assert await _planned_calls(tenant_a) == ["Slimming day 3: Slim gel", "Slimming day 6: Slim gel"]
    with tenant_scope(dataclasses.replace(tenant_a.ctx, role="branch_manager")), pytest.raises(Forbidden):
        await programmes.set_enabled("product_follow_up", False)
