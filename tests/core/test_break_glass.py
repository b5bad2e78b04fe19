"""Break-glass: health fields outside one's scope only with a reason, for a limited time,
audited, on the client's access report and on the privacy officer's board."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta

import pytest

from salonkeep.core.access import Forbidden
from salonkeep.core.audit.service import client_history
from salonkeep.core.clients.service import ClientInput, create_client, get_client
from salonkeep.core.privacy import alerts, break_glass
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.tenants.onboarding import add_branch


def _as(world, role, branches=(), actor_id=None):
    return dataclasses.replace(
        world.ctx,
        role=role,
        branch_ids=frozenset(branches),
        actor_id=actor_id or uuid.uuid4(),
        actor_label=f"{role} person",
    )


@pytest.fixture
async def world(tenant_a, frozen_clock):
    with tenant_scope(tenant_a.ctx):
        other = await add_branch(name="Harbour")
        client = await create_client(
            ClientInput(branch_id=other.id, first_name="Mei", allergies="Penicillin", health_notes="Asthma")
        )
    return tenant_a, other, client


async def test_without_a_reason_it_is_refused_and_nothing_is_opened(world):
    tenant, _, client = world
    nurse = _as(tenant, "practitioner", [tenant.branch_id])
    with tenant_scope(nurse):
        for reason, note in (("", "the client collapsed"), ("emergency", "  "), ("curious", "x")):
            with pytest.raises(ValidationFailed):
                await break_glass.open_break_glass(client.id, reason, note)
        with pytest.raises(NotFound):
            await get_client(client.id)
    with tenant_scope(tenant.ctx):
        assert await alerts.list_alerts() == []
        assert [e.action for e in await client_history(client.id)] == ["create"]


async def test_another_branchs_client_opens_for_the_set_time_then_closes(world, frozen_clock):
    tenant, _, client = world
    nurse = _as(tenant, "practitioner", [tenant.branch_id])
    with tenant_scope(nurse):
        grant = await break_glass.open_break_glass(client.id, "emergency", "Client collapsed at our branch")
        assert grant.expires_at - grant.opened_at == timedelta(minutes=30)
        seen = await get_client(client.id)
        assert (seen.allergies, seen.health_notes) == ("Penicillin", "Asthma")
        assert seen.break_glass_until == grant.expires_at
        frozen_clock.advance(timedelta(minutes=29))
        assert (await get_client(client.id)).allergies == "Penicillin"
        frozen_clock.advance(timedelta(minutes=1, seconds=1))
        with pytest.raises(NotFound):
            await get_client(client.id)
    with tenant_scope(tenant.ctx):
        history = await client_history(client.id)
        board = await alerts.list_alerts()
        _, evidence = await alerts.get_alert(board[0].id)
    opened = [e for e in history if e.action == "break_glass"]
    assert len(opened) == 1
    assert opened[0].actor_label == "practitioner person"
    assert opened[0].reason.startswith("emergency (grant ")
    assert board[0].summary == "emergency: Client collapsed at our branch"
    assert set(opened[0].fields) == {"allergies", "health_notes"}
    assert [e.reason for e in history if e.action == "view"] == ["break-glass", "break-glass"]
    assert [(a.kind, a.client_id, a.staff_id) for a in board] == [("break_glass", client.id, nurse.actor_id)]
    assert [e.id for e in evidence] == [opened[0].id]


async def test_a_role_without_health_fields_sees_them_only_through_break_glass(world):
    tenant, other, client = world
    reception = _as(tenant, "reception", [other.id])
    with tenant_scope(reception):
        assert (await get_client(client.id)).allergies is None
        await break_glass.open_break_glass(client.id, "client_present", "Client asks what we noted")
        assert (await get_client(client.id)).allergies == "Penicillin"
    # Someone who already sees the health fields has no glass to break.
    with tenant_scope(_as(tenant, "practitioner", [other.id])), pytest.raises(ValidationFailed):
        await break_glass.open_break_glass(client.id, "emergency", "x")


async def test_the_grant_is_the_persons_own(world):
    tenant, _, client = world
    with tenant_scope(_as(tenant, "practitioner", [tenant.branch_id])):
        await break_glass.open_break_glass(client.id, "emergency", "Collapsed")
    with tenant_scope(_as(tenant, "practitioner", [tenant.branch_id])), pytest.raises(NotFound):
        await get_client(client.id)


async def test_owners_turn_it_off_per_role_and_set_the_time(world):
    tenant, _, client = world
    with tenant_scope(tenant.ctx):
        with pytest.raises(ValidationFailed):
            await break_glass.update_break_glass_settings("0", [])
        with pytest.raises(ValidationFailed):
            await break_glass.update_break_glass_settings("10", ["owner"])
        await break_glass.update_break_glass_settings("10", ["reception"])
    with tenant_scope(_as(tenant, "practitioner", [tenant.branch_id])):
        with pytest.raises(Forbidden):
            await break_glass.update_break_glass_settings("60", [])
        grant = await break_glass.open_break_glass(client.id, "emergency", "Collapsed")
    assert grant.expires_at - grant.opened_at == timedelta(minutes=10)
    with tenant_scope(_as(tenant, "reception", [tenant.branch_id])), pytest.raises(Forbidden):
        await break_glass.open_break_glass(client.id, "emergency", "Collapsed")


async def test_another_tenants_client_cannot_be_opened(world, tenant_b):
    _, _, client = world
    with tenant_scope(_as(tenant_b, "practitioner", [tenant_b.branch_id])), pytest.raises(NotFound):
        await break_glass.open_break_glass(client.id, "emergency", "Collapsed")
    with tenant_scope(tenant_b.ctx):
        assert await alerts.list_alerts() == []
