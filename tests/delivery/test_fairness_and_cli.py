"""Fairness of the sweep (a big tenant cannot hold a small one back) through real arq jobs on
real Redis, the ``salonkeep worker --burst`` and ``salonkeep outbox`` commands."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from arq import create_pool

from salonkeep.core.delivery.config import update_tenant_delivery
from salonkeep.core.delivery.messages import LAST_SWEEP_KEY
from salonkeep.core.delivery.registry import built_in_channels
from salonkeep.tenants import clock
from salonkeep.workers.settings import WorkerSettings, redis_settings

from ..burst_worker import burst_worker, own_queue
from ..conftest import BURST_WORKER_TIMEOUT, make_tenant, run_cli
from .helpers import add_client, config, messages, queue
from .smtp_sink import free_port


class Recorder:
    """Wraps the file e-mail channel and records the order in which messages were sent."""

    name = "email"
    idempotent = True

    def __init__(self, inner, order: list[uuid.UUID]) -> None:
        self.inner = inner
        self.order = order

    async def send(self, batch):
        self.order.extend(m.id for m in batch)
        return await self.inner.send(batch)


async def test_small_tenants_reminder_goes_out_in_the_first_sweep_round(backend, frozen_clock, monkeypatch):
    for key, value in backend.env.items():
        monkeypatch.setenv(key, value)
    frozen_clock.at = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    big = await make_tenant()
    small = await make_tenant()
    big_client = await add_client(big)
    small_client = await add_client(small)
    # The big tenant's backlog is older than the small tenant's reminder.
    backlog = await queue(big, big_client.id, due_at=datetime(2026, 6, 1, 8, 0, tzinfo=UTC), count=60)
    [reminder] = await queue(small, small_client.id)
    order: list[uuid.UUID] = []
    settings = config(batch_size=10)

    async def startup(ctx):
        await WorkerSettings.on_startup(ctx)
        ctx["delivery_config"] = settings
        ctx["delivery_channels"] = {
            "email": Recorder(built_in_channels(settings, backend.settings.data_dir)["email"], order)
        }

    # A queue of its own (the sweep fans out onto the pool's default queue): jobs other tests
    # left in the shared Redis are not this worker's to run.
    queue_name = own_queue("fairness")
    pool = await create_pool(redis_settings(backend.settings.redis_url), default_queue_name=queue_name)
    try:
        await pool.enqueue_job("delivery_sweep", _job_id=f"sweep-{uuid.uuid4().hex}")
        # one job at a time: the order is the queue's order
        worker = burst_worker(pool, queue_name, on_startup=startup, max_jobs=1)
        await worker.main()
        assert worker.jobs_failed == 0
        last_sweep = await pool.get(LAST_SWEEP_KEY)
    finally:
        await pool.aclose()
    assert len([m for m in (await messages(big)).values() if m.status == "sent"]) == 60
    assert (await messages(small))[reminder].status == "sent"
    # The big tenant had 6 batches due; the small tenant's reminder went out after at most the
    # big tenant's first batch, not after its backlog (other tenants of the session's database
    # may have batches of their own in between).
    ours = [m for m in order if m in set(backlog) | {reminder}]
    assert ours.index(reminder) <= settings.batch_size
    assert b'"depth"' in last_sweep


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_worker_burst_sends_what_is_due_and_outbox_lists_it(backend, tenant_a):
    await update_tenant_delivery(tenant_a.ctx.tenant_id, {"quiet_hours": {"email": None}})
    client = await add_client(tenant_a, email="burst@client.example")
    [due] = await queue(tenant_a, client.id, due_at=clock.now() - timedelta(minutes=1), title="Due now")
    [later] = await queue(tenant_a, client.id, due_at=clock.now() + timedelta(days=2), title="Later")
    result = run_cli("worker", "--burst", env=backend.env, timeout=BURST_WORKER_TIMEOUT)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = await messages(tenant_a)
    assert (rows[due].status, rows[later].status) == ("sent", "queued")
    assert (backend.settings.data_dir / "outbox" / f"sk-{due}.eml").exists()
    listed = run_cli("outbox", "-t", tenant_a.slug, env=backend.env, check=True).stdout.splitlines()
    assert listed[0].split()[:3] == ["DUE", "(UTC)", "STATUS"]
    assert any("sent" in line and str(due) in line for line in listed)
    only_sent = run_cli("outbox", "-t", tenant_a.slug, "--status", "sent", env=backend.env, check=True).stdout
    assert str(due) in only_sent and str(later) not in only_sent
    bad = run_cli("outbox", "-t", tenant_a.slug, "--status", "lost", env=backend.env)
    assert bad.returncode == 2 and bad.stderr.strip().startswith("error: status:")


def test_worker_serves_prometheus_metrics_on_its_port(sqlite_backend):
    port = free_port()
    env = {**os.environ, **sqlite_backend.env, "SALONKEEP_WORKER_METRICS_PORT": str(port)}
    worker = subprocess.Popen([sys.executable, "-m", "salonkeep.workers"], env=env, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        body = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=1) as response:
                    body = response.read().decode()
                if (
                    "salonkeep_delivery_last_sweep_timestamp" in body
                    and "salonkeep_delivery_sweep_seconds_count 1" in body
                ):
                    break
            except OSError:
                pass
            time.sleep(0.3)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    assert "salonkeep_delivery_sweep_seconds_count 1" in body  # the startup sweep ran
    bad = run_cli("worker", "--nope", env=sqlite_backend.env)
    assert bad.returncode != 0
