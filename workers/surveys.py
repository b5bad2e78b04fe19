"""The satisfaction-survey cron job: per active tenant, queue the survey invitations due
(a visit's day ended ``survey_after_hours`` ago, the client consented). Idempotent: one
invitation per client and local day, under a unique key; the delivery workers send it."""

from __future__ import annotations

from typing import Any

from salonkeep.core.complaints.survey import invite_due
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.onboarding import list_tenants


async def survey_sweep(ctx: dict[str, Any]) -> dict[str, int]:
    """Queue the survey invitations due for every active tenant; returns how many were queued
    per tenant slug."""
    queued: dict[str, int] = {}
    for tenant in await list_tenants():
        if tenant.status != "active":
            continue
        with tenant_scope(TenantContext(tenant_id=tenant.id, actor_label="worker:survey_sweep")):
            queued[tenant.slug] = await invite_due()
    return queued
