"""The tenant-scoped query helper: the filter comes from the open unit of work, on every backend."""

from __future__ import annotations

import uuid

import pytest

from salonkeep.tenants import clock, scoped
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import NoTenantContext
from salonkeep.tenants.tables import Branch, SignInFailure, Tenant
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


async def test_get_reads_only_the_unit_of_works_row(tenant_a: TenantWorld, tenant_b: TenantWorld) -> None:
    async with unit_of_work(tenant_a.ctx):
        own = await scoped.get(Branch, tenant_a.branch_id)
        other = await scoped.get(Branch, tenant_b.branch_id)
    assert own is not None and own.id == tenant_a.branch_id
    assert other is None


async def test_plain_inserts_get_the_tenant_and_skip_duplicates_on_request(
    tenant_a: TenantWorld, tenant_b: TenantWorld
) -> None:
    row_id = uuid.uuid4()
    values = {"id": row_id, "email": "x@example.com", "ip": "", "failed_at": clock.now()}
    async with unit_of_work(tenant_a.ctx):
        await scoped.insert_values(SignInFailure, values)
        with pytest.raises(ValueError):
            await scoped.insert_values(SignInFailure, {**values, "tenant_id": tenant_b.ctx.tenant_id})
        duplicate = scoped.new(Branch, name="Twin", address="", phone="", time_zone="")
        await scoped.insert(duplicate)
        await scoped.insert(
            scoped.new(Branch, id=duplicate.id, name="Twin", address="", phone="", time_zone=""),
            skip_duplicates=True,
        )
        assert await scoped.count(Branch, Branch.name == "Twin") == 1
        limited = await scoped.rows(Branch, "name", order_by="name", limit=1)
    assert [r["name"] for r in limited] == ["Main street"]
    async with unit_of_work(tenant_a.ctx):
        rows = await scoped.rows(SignInFailure, "id", "email = {}", "x@example.com")
    assert [str(r["id"]) for r in rows] == [str(row_id)]
    async with unit_of_work(tenant_b.ctx):
        assert await scoped.rows(SignInFailure, "id", "email = {}", "x@example.com") == []


async def test_the_directory_row_is_changed_only_for_the_unit_of_works_tenant(
    tenant_a: TenantWorld, tenant_b: TenantWorld
) -> None:
    async with unit_of_work(tenant_a.ctx):
        await scoped.update_tenant({Tenant.name: "Renamed A"})
    names = {
        t.id: t.name
        for t in await Tenant.objects().where(
            Tenant.id.is_in([tenant_a.ctx.tenant_id, tenant_b.ctx.tenant_id])
        )
    }
    assert names[tenant_a.ctx.tenant_id] == "Renamed A"
    assert names[tenant_b.ctx.tenant_id] != "Renamed A"
    with pytest.raises(NoTenantContext):
        scoped.update_tenant({Tenant.name: "Nobody"})
