"""Retention: a dry-run report first, erasure only when applied (or opted into)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from salonkeep.core.access import Forbidden
from salonkeep.core.clients.service import ClientInput, create_client, get_client
from salonkeep.core.privacy import retention
from salonkeep.core.visits.service import record_service
from salonkeep.tenants.context import tenant_scope
from salonkeep.workers.privacy_jobs import privacy_retention, retention_sweep


@pytest.fixture
async def old_and_active(tenant_a, frozen_clock):
    with tenant_scope(tenant_a.ctx):
        old = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Old"))
        active = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Active"))
    frozen_clock.advance(timedelta(days=365 * 6 + 30))
    with tenant_scope(tenant_a.ctx):
        await record_service(active.id, service="Facial", category="facial")
    frozen_clock.advance(timedelta(days=30))
    return old, active


async def test_dry_run_first_then_apply(tenant_a, old_and_active):
    old, active = old_and_active
    with tenant_scope(tenant_a.ctx):
        report = await retention.run_retention()
        assert [c.client_id for c in report.candidates] == [old.id] and report.erased == 0
        assert not (await get_client(old.id)).erased
        applied = await retention.run_retention(apply=True)
        assert applied.erased == 1
        assert (await get_client(old.id)).erased and not (await get_client(active.id)).erased
        assert (await retention.run_retention()).candidates == []


async def test_policy_is_per_tenant_and_owner_set(tenant_a, old_and_active):
    with tenant_scope(dataclasses.replace(tenant_a.ctx, role="privacy_officer")), pytest.raises(Forbidden):
        await retention.set_retention_policy(10)
    with tenant_scope(tenant_a.ctx):
        await retention.set_retention_policy(10)
        assert (await retention.run_retention()).candidates == []
        await retention.set_retention_policy(0)
        assert (await retention.run_retention(apply=True)).cutoff is None


async def test_the_worker_job_reports_and_applies_only_when_opted_in(tenant_a, old_and_active):
    old, _ = old_and_active
    dry = await privacy_retention({}, str(tenant_a.ctx.tenant_id))
    assert dry["candidates"] == [str(old.id)] and dry["erased"] == 0
    sweep = {r["tenant_id"]: r for r in await retention_sweep({})}
    assert sweep[str(tenant_a.ctx.tenant_id)]["applied"] is False
    with tenant_scope(tenant_a.ctx):
        await retention.set_retention_policy(6, auto_apply=True)
    sweep = {r["tenant_id"]: r for r in await retention_sweep({})}
    assert sweep[str(tenant_a.ctx.tenant_id)]["erased"] == 1


async def test_the_seal_job_seals_every_tenant(backend, tenant_a):
    from salonkeep.core.audit import chain
    from salonkeep.workers.privacy_jobs import seal_audit_chains

    with tenant_scope(tenant_a.ctx):
        await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Sealed"))
    assert await seal_audit_chains({"settings": backend.settings}) >= 1
    assert (await chain.verify(backend.settings, tenant_a.ctx.tenant_id)).rows >= 1
