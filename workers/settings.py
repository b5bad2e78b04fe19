"""arq WorkerSettings for Salonkeep workers."""

from __future__ import annotations

from typing import Any, ClassVar

from arq.connections import RedisSettings
from arq.cron import CronJob, cron
from arq.worker import func

from salonkeep.core import database
from salonkeep.core.redis_client import arq_settings
from salonkeep.tenants.settings import load_settings
from salonkeep.workers.aftercare import aftercare_sweep, plan_ahead_sweep
from salonkeep.workers.complaints import complaints_sweep
from salonkeep.workers.delivery import deliver_tenant, delivery_sweep
from salonkeep.workers.heartbeat import heartbeat
from salonkeep.workers.imports import JOB_TIMEOUT, import_clients
from salonkeep.workers.privacy_jobs import (
    audit_partitions,
    obligations_sweep,
    privacy_retention,
    retention_sweep,
    seal_audit_chains,
    staff_notice_sweep,
    unusual_access_sweep,
)
from salonkeep.workers.surveys import survey_sweep


def redis_settings(url: str) -> RedisSettings:
    """arq connection settings for a ``redis://`` or ``unix://`` URL (Sentinel:
    :func:`salonkeep.core.redis_client.arq_settings_for`)."""
    return arq_settings(url)


async def startup(ctx: dict[str, Any]) -> None:
    """Bind the database for this worker process."""
    ctx["settings"] = load_settings()
    ctx["engine"] = await database.start(ctx["settings"])


async def shutdown(ctx: dict[str, Any]) -> None:
    """Close the database pool."""
    if "engine" in ctx:
        await database.stop(ctx["engine"])


class WorkerSettings:
    """What ``arq`` runs: functions, cron jobs and lifecycle hooks."""

    functions: ClassVar[list[Any]] = [
        heartbeat,
        aftercare_sweep,
        plan_ahead_sweep,
        seal_audit_chains,
        audit_partitions,
        privacy_retention,
        retention_sweep,
        delivery_sweep,
        deliver_tenant,
        unusual_access_sweep,
        staff_notice_sweep,
        obligations_sweep,
        complaints_sweep,
        survey_sweep,
        func(import_clients, timeout=JOB_TIMEOUT, max_tries=1),
    ]
    cron_jobs: ClassVar[list[CronJob]] = [
        cron(heartbeat, second=0, run_at_startup=True, unique=True, timeout=30),
        cron(aftercare_sweep, minute={5, 35}, second=0, unique=True, timeout=600),
        cron(plan_ahead_sweep, hour=3, minute=15, second=0, unique=True, timeout=3600),
        cron(seal_audit_chains, second=30, unique=True, timeout=300),
        cron(audit_partitions, hour=2, minute=40, second=0, unique=True, timeout=600),
        cron(retention_sweep, hour=3, minute=45, second=0, unique=True, timeout=3600),
        # Every 15 seconds: reminders go out within a sweep of their due time.
        cron(delivery_sweep, second={0, 15, 30, 45}, run_at_startup=True, unique=True, timeout=120),
        # Hourly: unusual access, and the breach register's 72-hour deadline reminders.
        cron(unusual_access_sweep, minute=10, second=0, unique=True, timeout=600),
        # Every minute: messages to staff (the privacy officer's alerts and reminders).
        cron(staff_notice_sweep, second=20, unique=True, timeout=120),
        # Daily: training renewals, partner reviews, re-consent requests (where turned on).
        cron(obligations_sweep, hour=6, minute=30, second=0, unique=True, timeout=3600),
        # Every 5 minutes: reminders and escalations of complaints' first-contact deadlines.
        cron(complaints_sweep, minute=set(range(2, 60, 5)), second=0, unique=True, timeout=600),
        # Every 15 minutes: satisfaction-survey invitations after visits.
        cron(survey_sweep, minute={7, 22, 37, 52}, second=0, unique=True, timeout=600),
    ]
    on_startup = startup
    on_shutdown = shutdown
    keep_result = 60
    max_tries = 5
