"""The complaints cron job: per tenant, remind before a complaint's first-contact deadline,
escalate to the branch manager when it is missed and to the owner when a complaint stays open
too long. Idempotent: each stage is one row per complaint under a unique key."""

from __future__ import annotations

from typing import Any

from salonkeep.core.complaints.escalation import escalate_due
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.onboarding import list_tenants


async def complaints_sweep(ctx: dict[str, Any]) -> dict[str, int]:
    """Write the reminders and escalations due for every active tenant; returns how many were
    written per tenant slug."""
    written: dict[str, int] = {}
    for tenant in await list_tenants():
        if tenant.status != "active":
            continue
        with tenant_scope(TenantContext(tenant_id=tenant.id, actor_label="worker:complaints_sweep")):
            written[tenant.slug] = await escalate_due()
    return written
