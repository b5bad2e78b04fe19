"""Worker jobs of the privacy core: sealing the audit chains, the retention policy."""

from __future__ import annotations

import sys
from typing import Any
from uuid import UUID

from salonkeep.core.audit import chain, partitions
from salonkeep.core.consent import reconsent
from salonkeep.core.delivery.config import DeliveryConfig
from salonkeep.core.delivery.registry import channels
from salonkeep.core.privacy import notices, obligations, unusual
from salonkeep.core.privacy.retention import retention_policy, run_retention
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.onboarding import list_tenants
from salonkeep.tenants.tenant_settings import settings_of


async def seal_audit_chains(ctx: dict[str, Any]) -> int:
    """Seal every tenant's unsealed audit rows, sign and export the new heads (needs
    SALONKEEP_MIGRATION_DATABASE_URL on PostgreSQL: sealing runs as the table owner). Returns
    the number of rows sealed. A tenant whose chain no longer extends its signed head is not
    sealed: :func:`chain.seal` logs the error and keeps the alert shown on staff pages."""
    settings = ctx["settings"]
    if settings.is_postgres and settings.migration_database_url == settings.database_url:
        # The app role may not update audit rows (append-only): sealing needs the owner URL.
        print(
            "warning: audit sealing skipped: set SALONKEEP_MIGRATION_DATABASE_URL for the worker",
            file=sys.stderr,
        )
        return 0
    report = await chain.seal(settings)
    return sum(report.sealed.values())


async def audit_partitions(ctx: dict[str, Any]) -> list[str]:
    """Create the audit table's month partitions ahead (PostgreSQL; as the table owner, like
    sealing), on the home database and every cluster of SALONKEEP_MIGRATION_DATABASE_CLUSTERS;
    returns the names created (``cluster:name``). ``salonkeep migrate`` does the same on every deploy."""
    settings = ctx["settings"]
    if not settings.is_postgres:
        return []
    if settings.migration_database_url == settings.database_url:
        print(
            "warning: audit partitions not created: set SALONKEEP_MIGRATION_DATABASE_URL for the worker",
            file=sys.stderr,
        )
        return []
    created: list[str] = []
    for cluster in ["", *(name for name, _ in settings.migration_database_clusters)]:
        async with chain.owner_engine(settings, cluster) as engine:
            created += [f"{cluster or 'home'}:{name}" for name in await partitions.ensure_partitions(engine)]
    return created


async def privacy_retention(ctx: dict[str, Any], tenant_id: str, apply: bool = False) -> dict[str, Any]:
    """Run one tenant's retention policy (a dry-run report unless ``apply``)."""
    tenant = UUID(tenant_id)
    with tenant_scope(TenantContext(tenant_id=tenant, actor_label="worker: retention")):
        report = await run_retention(apply=apply)
    return {
        "tenant_id": tenant_id,
        "years": report.years,
        "candidates": [str(c.client_id) for c in report.candidates],
        "erased": report.erased,
        "applied": report.applied,
    }


async def retention_sweep(ctx: dict[str, Any]) -> list[dict[str, Any]]:
    """Daily: a dry-run report for every tenant; applied only where the owner opted in
    (``retention_auto_apply``)."""
    results = []
    for tenant in await list_tenants():
        with tenant_scope(TenantContext(tenant_id=tenant.id, actor_label="worker: retention")):
            _, auto_apply = await retention_policy()
        results.append(await privacy_retention(ctx, str(tenant.id), apply=auto_apply))
    return results


async def unusual_access_sweep(ctx: dict[str, Any]) -> dict[str, int]:
    """Hourly: the unusual-access rules for every tenant (alerts on the privacy officer's
    board; raised once a day per rule and person). Returns the alerts raised per tenant."""
    raised: dict[str, int] = {}
    for tenant in await list_tenants():
        with tenant_scope(TenantContext(tenant_id=tenant.id, actor_label="worker: unusual access")):
            found = await unusual.scan()
        if found:
            raised[str(tenant.id)] = len(found)
    return raised


async def staff_notice_sweep(ctx: dict[str, Any]) -> dict[str, int]:
    """Every minute: send every tenant's due staff notices (the privacy officer's alerts and
    reminders) through the e-mail channel; returns the notices sent per tenant. Claims with a
    lease: two workers never send the same notice, a dead worker's claim is taken over."""
    if "delivery_channels" not in ctx:
        ctx["delivery_channels"] = channels(DeliveryConfig.from_env(), ctx["settings"].data_dir)
    sent: dict[str, int] = {}
    for tenant in await list_tenants():
        tenant_ctx = TenantContext(tenant_id=tenant.id, actor_label="worker: staff notices")
        while True:
            report = await notices.deliver_notices(tenant_ctx, ctx["delivery_channels"])
            if report.sent:
                sent[str(tenant.id)] = sent.get(str(tenant.id), 0) + report.sent
            if report.sent + report.retried + report.failed < notices.BATCH:
                break
    return sent


async def obligations_sweep(ctx: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Daily: per tenant, the reminders of privacy trainings to renew and partner reviews due
    (to the staff member and the privacy officer, once per record and date), and, where the
    tenant turned ``reconsent_auto_request`` on, the re-consent requests to clients with
    grants to confirm (once per set of grants). Safe to run more than once."""
    done: dict[str, dict[str, int]] = {}
    for tenant in await list_tenants():
        if tenant.status != "active":
            continue
        with tenant_scope(TenantContext(tenant_id=tenant.id, actor_label="worker: privacy obligations")):
            reminders = await obligations.send_reminders()
            requests = 0
            if settings_of(tenant).reconsent_auto_request:
                requests = await reconsent.request_reconsent()
        if reminders or requests:
            done[str(tenant.id)] = {"reminders": reminders, "reconsent_requests": requests}
    return done
