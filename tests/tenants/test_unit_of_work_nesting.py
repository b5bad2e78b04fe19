"""Nested units of work share one transaction; each tenant row is read once per read-only block."""

from __future__ import annotations

import pytest

from salonkeep.core.clients.service import ClientInput, create_client, search_clients
from salonkeep.tenants import scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import execute, get_engine, is_postgres, read_request_transaction, unit_of_work
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.read_request import active, read_request
from salonkeep.tenants.tables import Tenant

from ..conftest import TenantWorld


async def _rls_tenant() -> str | None:
    if not is_postgres(get_engine()):
        return None
    rows = await execute("select current_setting('salonkeep.tenant_id', true) as t")
    return str(rows[0]["t"])


async def test_nested_unit_of_work_for_another_tenant_restores_the_outer_tenant(
    tenant_a: TenantWorld, tenant_b: TenantWorld
) -> None:
    with tenant_scope(tenant_a.ctx):
        await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Aino"))
    with tenant_scope(tenant_b.ctx):
        await create_client(ClientInput(branch_id=tenant_b.branch_id, first_name="Beata"))
    postgres = is_postgres(get_engine())
    async with unit_of_work(tenant_a.ctx):
        with tenant_scope(tenant_a.ctx):
            assert [c.first_name for c in await search_clients("")] == ["Aino"]
        async with unit_of_work(tenant_b.ctx):
            if postgres:
                assert await _rls_tenant() == str(tenant_b.ctx.tenant_id)
            with tenant_scope(tenant_b.ctx):
                assert [c.first_name for c in await search_clients("")] == ["Beata"]
        if postgres:
            assert await _rls_tenant() == str(tenant_a.ctx.tenant_id)
        async with unit_of_work(tenant_a.ctx):  # same tenant: joins without setting it again
            if postgres:
                assert await _rls_tenant() == str(tenant_a.ctx.tenant_id)
        with tenant_scope(tenant_a.ctx):
            assert [c.first_name for c in await search_clients("")] == ["Aino"]


async def test_a_read_request_reads_a_tenant_once_and_only_inside_the_block(tenant_a: TenantWorld) -> None:
    tenant_id = tenant_a.ctx.tenant_id
    async with read_request(tenant_id):
        first = await get_tenant(tenant_id)
        async with unit_of_work(tenant_a.ctx):
            await scoped.update_tenant({Tenant.name: "Renamed"})
        assert (await get_tenant(tenant_id)) is first
        assert first.name != "Renamed"
    assert (await get_tenant(tenant_id)).name == "Renamed"
    async with read_request(tenant_id):
        assert (await get_tenant(tenant_id)).name == "Renamed"


async def test_work_registered_in_a_read_request_runs_once_before_the_commit(tenant_a: TenantWorld) -> None:
    ran: list[str] = []

    async def note(label: str) -> None:
        ran.append(label)
        if is_postgres(get_engine()):
            # still inside the request's transaction, with its tenant set
            assert get_engine().current_transaction.get() is not None
            assert await _rls_tenant() == str(tenant_a.ctx.tenant_id)

    async with read_request(tenant_a.ctx.tenant_id) as request:
        request.before_commit("a", lambda: note("a"))
        request.before_commit("b", lambda: note("b"))
        request.before_commit("a", lambda: note("a again"))
        assert ran == []
    assert ran == ["a", "b"]
    assert active() is None


async def test_nothing_registered_runs_when_the_read_request_fails(tenant_a: TenantWorld) -> None:
    ran: list[str] = []

    async def note() -> None:
        ran.append("ran")

    with pytest.raises(RuntimeError):
        async with read_request(tenant_a.ctx.tenant_id) as request:
            request.before_commit("a", note)
            raise RuntimeError("the page failed")
    assert ran == []


async def test_a_read_request_is_one_transaction_on_postgres_only(tenant_a: TenantWorld) -> None:
    engine = get_engine()
    async with read_request_transaction(tenant_a.ctx.tenant_id):
        outer = engine.current_transaction.get()
        if is_postgres(engine):
            assert outer is not None
            assert await _rls_tenant() == str(tenant_a.ctx.tenant_id)
            async with unit_of_work(tenant_a.ctx):
                assert engine.current_transaction.get() is outer
        else:
            assert outer is None
    assert engine.current_transaction.get() is None
