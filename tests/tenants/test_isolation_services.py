"""Tenant isolation through the services, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
import uuid

import pytest

from salonkeep.core.clients.service import (
    ClientInput,
    create_client,
    get_client,
    search_clients,
    update_client,
)
from salonkeep.core.privacy.retention import retention_policy, set_retention_policy
from salonkeep.core.staff import security_settings, update_security_settings
from salonkeep.tenants import scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import NoTenantContext, NotFound, ValidationFailed
from salonkeep.tenants.onboarding import add_staff, get_tenant, list_branches, list_staff
from salonkeep.tenants.tables import Tenant


async def _client(world, first_name: str):
    with tenant_scope(world.ctx):
        return await create_client(
            ClientInput(branch_id=world.branch_id, first_name=first_name, phone="040 123 4567")
        )


async def test_each_tenant_sees_only_its_own_rows(tenant_a, tenant_b):
    a = await _client(tenant_a, "Anna")
    b = await _client(tenant_b, "Anna")
    with tenant_scope(tenant_a.ctx):
        assert [c.id for c in await search_clients("Anna")] == [a.id]
        assert [br.id for br in await list_branches()] == [tenant_a.branch_id]
        assert [s.id for s in await list_staff()] == [tenant_a.owner_id]
        with pytest.raises(NotFound):
            await get_client(b.id)
    with tenant_scope(tenant_b.ctx):
        assert [c.id for c in await search_clients("")] == [b.id]


async def test_another_tenants_client_cannot_be_changed(tenant_a, tenant_b):
    b = await _client(tenant_b, "Berit")
    with tenant_scope(tenant_a.ctx), pytest.raises(NotFound):
        await update_client(b.id, ClientInput(branch_id=tenant_a.branch_id, first_name="Hacked"))
    with tenant_scope(tenant_b.ctx):
        assert (await get_client(b.id)).first_name == "Berit"


async def test_another_tenants_branch_cannot_be_referenced(tenant_a, tenant_b):
    with tenant_scope(tenant_a.ctx):
        with pytest.raises(ValidationFailed) as caught:
            await create_client(ClientInput(branch_id=tenant_b.branch_id, first_name="Cecilia"))
        assert "branch_id" in caught.value.errors
        assert await search_clients("Cecilia") == []
        with pytest.raises(ValidationFailed) as caught:
            await add_staff(
                email="x@example.com",
                name="X",
                role="reception",
                branch_names=["Unknown branch"],
                password="Str0ng-Passw0rd",
            )
        assert "branch" in caught.value.errors


async def test_no_tenant_context_fails_closed(tenant_a):
    await _client(tenant_a, "Dora")
    with pytest.raises(NoTenantContext):
        await search_clients("Dora")
    with pytest.raises(NoTenantContext):
        await get_client(uuid.uuid4())


async def test_same_email_may_exist_in_two_tenants(tenant_a, tenant_b):
    with tenant_scope(tenant_a.ctx):
        await add_staff(email="same@example.com", name="A", role="reception", password="Str0ng-Passw0rd")
    with tenant_scope(tenant_b.ctx):
        staff, _ = await add_staff(
            email="same@example.com", name="B", role="reception", password="Str0ng-Passw0rd"
        )
    assert staff.tenant_id == tenant_b.ctx.tenant_id


async def test_a_tenants_settings_change_only_its_own_directory_row(tenant_a, tenant_b):
    with tenant_scope(tenant_a.ctx):
        await update_security_settings({"idle_lock_seconds": 900, "require_totp_for_managers": True})
        await set_retention_policy(3, auto_apply=True)
        assert (await security_settings())["idle_lock_seconds"] == 900
    async with unit_of_work(tenant_a.ctx):
        await scoped.update_tenant({Tenant.default_locale: "fi"})
    b = await get_tenant(tenant_b.ctx.tenant_id)
    assert b.default_locale == "en"
    assert (json.loads(b.settings) if isinstance(b.settings, str) else b.settings) in ({}, None)
    with tenant_scope(tenant_b.ctx):
        assert (await security_settings())["idle_lock_seconds"] == 300
        assert await retention_policy() == (6, False)
    with pytest.raises(NoTenantContext):
        scoped.update_tenant({Tenant.status: "suspended"})  # no unit of work: no tenant, no write
    with pytest.raises(ValueError):
        async with unit_of_work(tenant_a.ctx):
            scoped.update_tenant({Tenant.id: tenant_b.ctx.tenant_id})
