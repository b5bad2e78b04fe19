"""A unit of work reads the tenant row and a client once and hands them on (the plugin host
plans with what the service loaded); a change through ``scoped`` forgets what it changes; a
new transaction, or another tenant nested in it, reads again."""

from __future__ import annotations

from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.clients.tables import Client, client_row
from salonkeep.tenants import scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_memo, unit_of_work
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.tables import Tenant

from ..conftest import TenantWorld


async def test_rows_are_read_once_per_unit_of_work_and_forgotten_when_changed(tenant_a: TenantWorld) -> None:
    with tenant_scope(tenant_a.ctx):
        made = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Aino"))
    assert unit_memo() is None  # outside a unit of work: nothing kept
    async with unit_of_work(tenant_a.ctx):
        first = await client_row(made.id)
        assert await client_row(made.id) is first
        tenant = await get_tenant(tenant_a.ctx.tenant_id)
        async with unit_of_work(tenant_a.ctx):  # nested: the same transaction, the same rows
            assert await get_tenant(tenant_a.ctx.tenant_id) is tenant
        await scoped.update(Client, {Client.first_name: "Aina"}).where(Client.id == made.id)
        again = await client_row(made.id)
        assert again is not first and again.first_name == "Aina"
        await scoped.update_tenant({Tenant.name: "Renamed"})
        assert (await get_tenant(tenant_a.ctx.tenant_id)).name == "Renamed"
    async with unit_of_work(tenant_a.ctx):
        assert await client_row(made.id) is not again  # a new transaction reads again


async def test_a_remembered_row_is_not_recalled_for_another_tenant(
    tenant_a: TenantWorld, tenant_b: TenantWorld
) -> None:
    with tenant_scope(tenant_a.ctx):
        aino = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Aino"))
    async with unit_of_work(tenant_a.ctx):
        await client_row(aino.id)
        assert scoped.recall(Client, aino.id) is not None
        async with unit_of_work(tenant_b.ctx):
            assert scoped.recall(Client, aino.id) is None
