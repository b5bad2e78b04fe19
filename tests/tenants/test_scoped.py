"""The tenant-scoped query helper: the filter comes from the open unit of work, on every backend."""

from __future__ import annotations

import pytest

from salonkeep.tenants import scoped
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import NoTenantContext
from salonkeep.tenants.tables import Branch
from tests.conftest import TenantWorld


async def test_reads_and_writes_see_only_the_unit_of_works_tenant(
    tenant_a: TenantWorld, tenant_b: TenantWorld
) -> None:
    async with unit_of_work(tenant_a.ctx):
        await scoped.insert(scoped.new(Branch, name="Second street", address="", phone="", time_zone=""))
        names = sorted(b.name for b in await scoped.objects(Branch))
        fetched = sorted(b.name for b in await scoped.fetch(Branch, "name <> {}", "nothing"))
        counted = await scoped.count(Branch)
    assert names == fetched == ["Main street", "Second street"]
    assert counted == 2
    async with unit_of_work(tenant_b.ctx):
        assert [b.name for b in await scoped.objects(Branch)] == ["Main street"]
        await scoped.update_rows("branch", "address = 'moved'")
        await scoped.update(Branch, {Branch.phone: "123"})
        await scoped.delete_rows(Branch, "name = {}", "Second street")
    async with unit_of_work(tenant_a.ctx):
        rows = await scoped.rows(Branch, "name, address, phone", order_by="name")
    assert [(r["name"], r["address"], r["phone"]) for r in rows] == [
        ("Main street", "Main street 1", ""),
        ("Second street", "", ""),
    ]


async def test_outside_a_unit_of_work_nothing_is_read(tenant_a: TenantWorld) -> None:
    with pytest.raises(NoTenantContext):
        scoped.objects(Branch)
    with pytest.raises(NoTenantContext):
        await scoped.rows(Branch, "name")


async def test_a_row_of_another_tenant_is_not_inserted(tenant_a: TenantWorld, tenant_b: TenantWorld) -> None:
    async with unit_of_work(tenant_a.ctx):
        with pytest.raises(NoTenantContext):
            await scoped.insert(Branch(tenant_id=tenant_b.ctx.tenant_id, name="Sneaky", time_zone=""))
        with pytest.raises(ValueError):
            scoped.new(Branch, tenant_id=tenant_b.ctx.tenant_id, name="Sneaky")
        with pytest.raises(ValueError):
            scoped.update(Branch, {Branch.tenant_id: tenant_b.ctx.tenant_id})
