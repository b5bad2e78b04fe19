"""The aftercare sweep: per tenant, flag check-up calls still open past their deadline
(missed check-ups of the medical aftercare year). Idempotent; message delivery is a later
issue and is not done here."""

from __future__ import annotations

from typing import Any

from salonkeep.core.aftercare.calls import flag_missed
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
