"""Roles on a need-to-know basis, enforced in the client services."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from salonkeep.core.access import (
    CHAIN_WIDE_ROLES,
    HEALTH_FIELDS,
    ROLE_ACTIONS,
    Action,
    BranchScope,
    Forbidden,
    branch_scope,
)
from salonkeep.core.clients.service import (
    ClientInput,
    create_client,
    get_client,
    search_clients,
    update_client,
)
from salonkeep.tenants import scoped
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import add_branch
from salonkeep.tenants.tables import Tenant
from salonkeep.tenants.tenant_settings import TenantSettings

EXPECTED_HIDDEN = {
    "owner": set(),
    "privacy_officer": set(),
    "practitioner": set(),
    "branch_manager": {"allergies", "health_notes"},
    "reception": {"allergies", "health_notes", "needs"},
}


def _as(world, role, branches=()):
    return dataclasses.replace(world.ctx, role=role, branch_ids=frozenset(branches), actor_label=role)


@pytest.fixture
async def client_a(tenant_a):
    with tenant_scope(tenant_a.ctx):
        return await create_client(
            ClientInput(
                branch_id=tenant_a.branch_id,
                first_name="Ella",
                phone="040 765 4321",
                needs="Dry skin",
                allergies="Latex",
                health_notes="Pregnant, week 20",
            )
        )


@pytest.mark.parametrize("role", sorted(EXPECTED_HIDDEN))
async def test_each_role_sees_its_fields(tenant_a, client_a, role):
    with tenant_scope(_as(tenant_a, role, [tenant_a.branch_id])):
        view = await get_client(client_a.id)
        found = await search_clients("Ella")
    assert set(view.hidden) & {"allergies", "health_notes", "needs"} == EXPECTED_HIDDEN[role]
    for name in HEALTH_FIELDS:
        assert (getattr(view, name) is None) == (name in EXPECTED_HIDDEN[role])
        assert (getattr(found[0], name) is None) == (name in EXPECTED_HIDDEN[role])
    assert view.phone == "+358407654321"


async def test_reception_cannot_change_health_data_and_keeps_it_intact(tenant_a, client_a):
    with tenant_scope(_as(tenant_a, "reception", [tenant_a.branch_id])):
        with pytest.raises(Forbidden):
            await update_client(
                client_a.id, ClientInput(branch_id=tenant_a.branch_id, first_name="Ella", allergies="none")
            )
        updated = await update_client(
            client_a.id, ClientInput(branch_id=tenant_a.branch_id, first_name="Ella", last_name="Lind")
        )
        assert updated.allergies is None
    with tenant_scope(tenant_a.ctx):
        full = await get_client(client_a.id)
    assert (full.last_name, full.allergies, full.needs) == ("Lind", "Latex", "Dry skin")


async def test_privacy_officer_is_read_only(tenant_a, client_a):
    with tenant_scope(_as(tenant_a, "privacy_officer")), pytest.raises(Forbidden):
        await update_client(client_a.id, ClientInput(branch_id=tenant_a.branch_id, first_name="X"))


async def test_branch_scoped_roles_see_only_their_branches(tenant_a, client_a):
    with tenant_scope(tenant_a.ctx):
        other = await add_branch(name="Other street")
    for role in ("reception", "practitioner", "branch_manager"):
        with tenant_scope(_as(tenant_a, role, [other.id])):
            assert await search_clients("Ella") == []
            with pytest.raises(Exception, match="no such client"):
                await get_client(client_a.id)
    # The tenant may share clients chain-wide.
    async with unit_of_work(tenant_a.ctx):
        await scoped.update_tenant({Tenant.settings: '{"share_clients_chain_wide": true}'})
    with tenant_scope(_as(tenant_a, "reception", [other.id])):
        assert [c.id for c in await search_clients("Ella")] == [client_a.id]


def test_every_role_has_a_rule_and_only_owner_has_everything():
    assert set(ROLE_ACTIONS) == set(EXPECTED_HIDDEN)
    assert [role for role, actions in ROLE_ACTIONS.items() if actions == frozenset(Action)] == ["owner"]


@pytest.mark.parametrize("role", [None, *ROLE_ACTIONS])
@pytest.mark.parametrize("shared", [False, True])
def test_the_branch_scope_rule_for_every_role(role, shared):
    """System contexts and chain-wide roles see every branch; the others their own branches,
    unless the tenant shares clients chain-wide."""
    own, other = uuid.uuid4(), uuid.uuid4()
    ctx = TenantContext(tenant_id=uuid.uuid4(), role=role, branch_ids=frozenset({own}))
    scope = branch_scope(ctx, TenantSettings(share_clients_chain_wide=shared))
    everywhere = role is None or role in CHAIN_WIDE_ROLES or shared
    assert scope == BranchScope(None if everywhere else frozenset({own}))
    assert scope.allows(own) and scope.allows(other) is everywhere
    assert scope.allows_any({other, own}) and scope.allows_any({other}) is everywhere
    nowhere = dataclasses.replace(ctx, branch_ids=frozenset())
    # A branch role working in no branch sees no client.
    assert branch_scope(nowhere, TenantSettings()).allows(own) is (role is None or role in CHAIN_WIDE_ROLES)


def test_roles_of_the_privacy_screens_are_chain_wide():
    """The audit trail, the requests board and the sharing register are not branch-scoped (a
    privacy officer answers for the whole chain): only chain-wide roles may open them."""
    for role, actions in ROLE_ACTIONS.items():
        if actions & {Action.AUDIT_VIEW, Action.PRIVACY_REQUESTS}:
            assert role in CHAIN_WIDE_ROLES, role
