"""Delivery jobs: a sweep (arq cron, unique) fans out one job per tenant with due messages;
each tenant job delivers **one** batch and, when the batch was full, queues its successor at
the back of the queue. So every tenant's first batch of a sweep runs before any tenant's
second: a tenant with a million due rows delays another tenant's reminders by at most one
batch of its own, never by its backlog.

Job ids are deterministic (``deliver:<tenant>:<sweep>:<n>``): a sweep enqueued twice (two
workers' crons) queues each job once. arq runs a job at least once; the guard against double
sends is the database (claims with leases, tokens), never arq.
"""

from __future__ import annotations

import json
import time
from typing import Any
from uuid import UUID

from salonkeep.core.aftercare.tables import Touchpoint
from salonkeep.core.delivery import metrics
from salonkeep.core.delivery.config import DeliveryConfig
from salonkeep.core.delivery.messages import LAST_SWEEP_KEY
from salonkeep.core.delivery.rates import provider_limits, redis_reserve
from salonkeep.core.delivery.registry import channels
from salonkeep.core.delivery.service import deliver_batch
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import list_tenants


def _setup(ctx: dict[str, Any]) -> tuple[DeliveryConfig, dict[str, Any]]:
    if "delivery_config" not in ctx:
        ctx["delivery_config"] = DeliveryConfig.from_env()
        ctx["delivery_channels"] = channels(ctx["delivery_config"], ctx["settings"].data_dir)
    if "delivery_reserve" not in ctx:
        ctx["delivery_reserve"] = redis_reserve(ctx["redis"], provider_limits())
    return ctx["delivery_config"], ctx["delivery_channels"]


async def due_count(tenant_id: UUID) -> int:
    """Messages of the tenant due now and not yet delivered (queued, or held by a lease)."""
    with tenant_scope(TenantContext(tenant_id=tenant_id, actor_label="worker:delivery")):
        async with unit_of_work():
            rows = await scoped.rows(
                Touchpoint,
                "count(*) as n",
                "kind = 'message' and status in ('queued', 'sending') and next_attempt_at <= {}",
                clock.now(),
            )
    return int(rows[0]["n"]) if rows else 0


async def delivery_sweep(ctx: dict[str, Any]) -> dict[str, int]:
    """Queue one delivery job for every active tenant with due messages; returns the due
    counts by tenant slug."""
    started = time.perf_counter()
    sweep = str(int(clock.now().timestamp()))  # job ids: one sweep per second at most
    due: dict[str, int] = {}
    for tenant in await list_tenants():
        if tenant.status != "active":
            continue
        count = await due_count(tenant.id)
        if count:
            due[tenant.slug] = count
            await ctx["redis"].enqueue_job(
                "deliver_tenant", str(tenant.id), sweep, 0, _job_id=f"deliver:{tenant.id}:{sweep}:0"
            )
    depth = sum(due.values())
    metrics.QUEUE_DEPTH.set(depth)
    metrics.LAST_SWEEP.set(time.time())
    metrics.SWEEP_SECONDS.observe(time.perf_counter() - started)
    summary = {"at": clock.now().timestamp(), "depth": depth, "tenants": len(due), "due": due}
    await ctx["redis"].set(LAST_SWEEP_KEY, json.dumps(summary), ex=7 * 24 * 3600)
    return due


async def deliver_tenant(ctx: dict[str, Any], tenant_id: str, sweep: str, batch: int) -> dict[str, int]:
    """Deliver one batch for the tenant; queue the next batch (at the back) when it was full."""
    config, found = _setup(ctx)
    tenant_ctx = TenantContext(tenant_id=UUID(tenant_id), actor_label="worker:delivery")
    report = await deliver_batch(tenant_ctx, found, config, ctx["delivery_reserve"])
    if report.full:
        await ctx["redis"].enqueue_job(
            "deliver_tenant", tenant_id, sweep, batch + 1, _job_id=f"deliver:{tenant_id}:{sweep}:{batch + 1}"
        )
    return {
        "claimed": report.claimed,
        "sent": report.sent,
        "suppressed": report.suppressed,
        "failed": report.failed,
        "retried": report.retried,
        "deferred": report.deferred,
        "recovered": report.recovered,
    }
