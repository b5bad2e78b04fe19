"""Aftercare cron jobs: per tenant, flag check-up calls still open past their deadline
(missed check-ups of the medical aftercare year) and, daily, plan the coming year for
clients whose anniversary is a month away. Both idempotent; messages are delivered by
:mod:`salonkeep.workers.delivery`."""

from __future__ import annotations

from typing import Any

from salonkeep.core.aftercare.calls import flag_missed
from salonkeep.core.aftercare.planning import plan_ahead
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.onboarding import list_tenants


async def aftercare_sweep(ctx: dict[str, Any]) -> dict[str, int]:
    """Flag missed check-ups for every active tenant; returns the count per tenant slug."""
    flagged: dict[str, int] = {}
    for tenant in await list_tenants():
        if tenant.status != "active":
            continue
        with tenant_scope(TenantContext(tenant_id=tenant.id, actor_label="worker:aftercare_sweep")):
            flagged[tenant.slug] = await flag_missed()
    return flagged


async def plan_ahead_sweep(ctx: dict[str, Any]) -> dict[str, int]:
    """Once a day: ask the programmes to plan the coming year for clients whose anniversary
    is a month away (yearly greetings continue for clients who do not come in)."""
    due: dict[str, int] = {}
    for tenant in await list_tenants():
        if tenant.status != "active":
            continue
        with tenant_scope(TenantContext(tenant_id=tenant.id, actor_label="worker:plan_ahead")):
            due[tenant.slug] = await plan_ahead()
    return due
