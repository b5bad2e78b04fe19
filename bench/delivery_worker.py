"""A delivery worker for ``bench/delivery.py`` only: the real WorkerSettings (sweep, tenant
jobs, claims, consent re-check, templates, outcomes, audit), with every channel replaced by
one that accepts and drops the message (a batch channel: its answers are written once per
batch) — or, with ``SALONKEEP_BENCH_CHANNEL=smtp``, the real channels (``SALONKEEP_SMTP_URL``:
the streaming SMTP channel, each answer written before the next message goes). Runs in burst
mode and exits when nothing is due."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from arq.worker import run_worker

from salonkeep.core.delivery.channel import OutgoingMessage, SendResult
from salonkeep.core.delivery.config import DeliveryConfig
from salonkeep.tenants.settings import load_settings
from salonkeep.workers.settings import WorkerSettings, redis_settings, startup


class Drop:
    """Accepts every message and sends nothing."""

    idempotent = True

    def __init__(self, name: str) -> None:
        self.name = name

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[SendResult]:
        return [SendResult(m.id, "sent") for m in messages]


async def bench_startup(ctx: dict[str, Any]) -> None:
    await startup(ctx)
    if os.environ.get("SALONKEEP_BENCH_CHANNEL") != "smtp":
        ctx["delivery_config"] = DeliveryConfig.from_env()
        ctx["delivery_channels"] = {name: Drop(name) for name in ("email", "sms", "letter")}


class BenchSettings:
    """arq reads a settings class's own attributes only: everything is spelled out."""

    functions = WorkerSettings.functions
    on_startup = bench_startup
    on_shutdown = WorkerSettings.on_shutdown
    keep_result = WorkerSettings.keep_result
    cron_jobs = [job for job in WorkerSettings.cron_jobs if job.name == "cron:delivery_sweep"]
    max_jobs = 4
    #: A queue of its own: the bench never touches other users of the Redis database.
    queue_name = "salonkeep:bench:delivery"


if __name__ == "__main__":
    settings = load_settings()
    assert settings.redis_url
    run_worker(BenchSettings, redis_settings=redis_settings(settings.redis_url), burst=True, poll_delay=0.05)  # type: ignore[arg-type]
