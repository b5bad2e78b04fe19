"""Every message arrives exactly once (counted at a real SMTP server by Message-ID) while
worker processes are killed with SIGKILL mid-batch and Redis is restarted during the run.

10,000 messages over six tenants (one of them twice the others' size), two worker processes, four SIGKILLs of
a worker that holds a claimed batch at that moment, and a restart of Redis. Redis is a private
``redis-server`` of this test (so it can be restarted without disturbing anyone else's Redis),
without persistence: after the restart the queue is empty, and the next sweep rebuilds it
from the database. The SMTP server is aiosmtpd with a handler that logs each accepted
message's Message-ID (``smtp_id_log.py``).

Every Message-ID arrives; each message's result is written before the next goes, so a copy
sent again (same Message-ID, which mail systems drop) can only be a message that was on the
wire when a worker died: at most one per batch the dead worker held unfinished (a worker runs
several tenants' batches at once).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from salonkeep.core.aftercare.tables import Touchpoint
from salonkeep.core.delivery.config import update_tenant_delivery
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work

from ..conftest import make_tenant
from .helpers import add_client
from .smtp_sink import MessageIdSink, free_port, wait_for_port

pytestmark = pytest.mark.postgres

TOTAL = 10_000
BIG = 2_500
TENANTS = 6
KILLS = 4


class RedisServer:
    """A private redis-server on a TCP port, restartable, no persistence."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def restart(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)
        time.sleep(0.5)
        self.start()

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)


async def _queue_many(world, clients, count: int) -> list[uuid.UUID]:
    ids: list[uuid.UUID] = []
    due = clock.now() - timedelta(minutes=1)
    with tenant_scope(world.ctx):
        for start in range(0, count, 500):
            async with unit_of_work(world.ctx):
                rows = [
                    scoped.new(
                        Touchpoint,
                        client_id=clients[n % len(clients)].id,
                        branch_id=world.branch_id,
                        programme="first_visit",
                        kind="message",
                        due_at=due,
                        next_attempt_at=due,
                        title=f"Reminder {n}",
                        script="See you soon.",
                        purpose="service",
                        status="queued",
                        dedupe_key=f"load:{uuid.uuid4().hex}",
                        created_at=clock.now(),
                    )
                    for n in range(start, min(count, start + 500))
                ]
                await scoped.insert(*rows)
                ids += [row.id for row in rows]
    return ids


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "salonkeep.workers"],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )


async def _statuses(worlds) -> dict[str, int]:
    total: dict[str, int] = {}
    for world in worlds:
        with tenant_scope(world.ctx):
            async with unit_of_work(world.ctx):
                for row in await scoped.rows(
                    Touchpoint, "status, count(*) as n", "kind = 'message'", group_by="status"
                ):
                    total[str(row["status"])] = total.get(str(row["status"]), 0) + int(row["n"])
    return total


async def _batches_held_by(worlds, pid: int) -> int:
    """How many batches the worker process ``pid`` holds claimed and unfinished (rows still
    ``sending`` under one claim token each; the token names the process: ``host:pid:random``)."""
    held = 0
    for world in worlds:
        with tenant_scope(world.ctx):
            async with unit_of_work(world.ctx):
                found = await scoped.rows(
                    Touchpoint,
                    "count(distinct claimed_by) as n",
                    "kind = 'message' and status = 'sending' and claimed_by like {}",
                    f"%:{pid}:%",
                )
        held += int(found[0]["n"])
    return held


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_every_message_arrives_exactly_once_through_kills_and_a_redis_restart(backend, tmp_path):
    worlds = [await make_tenant() for _ in range(TENANTS)]
    expected: set[str] = set()
    for index, world in enumerate(worlds):
        await update_tenant_delivery(
            world.ctx.tenant_id, {"quiet_hours": {"email": None}, "sender_address": f"r@{world.slug}.example"}
        )
        clients = [await add_client(world, first_name=f"C{n}") for n in range(5)]
        count = BIG if index == 0 else (TOTAL - BIG) // (TENANTS - 1)
        for id_ in await _queue_many(world, clients, count):
            expected.add(f"<sk-{id_}@{world.slug}.example>")
    assert len(expected) == TOTAL
    domains = tuple(f"@{world.slug}.example>" for world in worlds)

    sink = MessageIdSink(tmp_path / "message-ids.txt")
    redis = RedisServer(tmp_path)
    env = {
        **os.environ,
        **backend.env,
        "SALONKEEP_REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
        "SALONKEEP_SMTP_URL": sink.url,
        "SALONKEEP_DELIVERY_LEASE_SECONDS": "15",
        "SALONKEEP_DELIVERY_BATCH": "50",
        "SALONKEEP_LOG_LEVEL": "warning",
    }
    log = Path(os.environ.get("SALONKEEP_TEST_WORKER_LOG", str(tmp_path / "workers.log")))
    workers = [_start_worker(env, log) for _ in range(2)]
    kills = 0  # SIGKILLs of a worker that held a claimed, unfinished batch
    deaths = 0  # every worker that died: killed, or exited on its own (they may die with Redis)
    cut_short = 0  # the batches those workers held unfinished when they died
    restarted_redis = False
    rng = random.Random(11)
    started = time.monotonic()
    try:
        # No timing is asserted: the deadline only ends a run that hangs (a loaded machine
        # runs this many times slower than an idle one).
        deadline = started + 900
        while time.monotonic() < deadline:
            time.sleep(0.5)
            arrived = len(set(sink.message_ids()) & expected)
            if kills < KILLS and arrived > (kills + 1) * TOTAL // (KILLS + 2):
                busy = [n for n, worker in enumerate(workers) if await _batches_held_by(worlds, worker.pid)]
                if busy:  # mid-batch: it holds claimed rows
                    victim = rng.choice(busy)
                    pid = workers[victim].pid
                    workers[victim].send_signal(signal.SIGKILL)
                    workers[victim].wait(timeout=10)
                    deaths += 1
                    held = await _batches_held_by(worlds, pid)
                    cut_short += held
                    kills += 1 if held else 0  # counted when it died with a batch unfinished
                    workers[victim] = _start_worker(env, log)
            if not restarted_redis and arrived > TOTAL // 2:
                redis.restart()
                restarted_redis = True
            for n, worker in enumerate(workers):
                if worker.poll() is not None:  # died with Redis: a process manager restarts it
                    deaths += 1
                    cut_short += await _batches_held_by(worlds, worker.pid)  # held for the lease
                    workers[n] = _start_worker(env, log)
            if arrived >= TOTAL and (await _statuses(worlds)).get("sent") == TOTAL:
                break
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
        redis.stop()
        sink.stop()
    elapsed = time.monotonic() - started

    # Only this test's tenants (other tests of the session may leave due messages behind,
    # which the workers send too).
    copies = Counter({key: n for key, n in sink.message_ids().items() if key.endswith(domains)})
    assert kills == KILLS and restarted_redis
    assert set(copies) == expected, (len(set(copies)), len(expected), log.read_text()[-3000:])
    assert await _statuses(worlds) == {"sent": TOTAL}
    resent = sum(copies.values()) - TOTAL
    print(
        f"{TOTAL} messages in {elapsed:.0f} s, {kills} SIGKILLs mid-batch, Redis restarted, "
        f"{deaths} worker deaths in all with {cut_short} batches unfinished; "
        f"copies sent again with the same Message-ID: {resent}"
    )
    # Each result is written before the next message goes: a batch cut short by its worker's
    # death leaves at most the message that was on the wire to be sent again (a worker runs
    # several tenants' batches at once), not the batch.
    assert resent <= cut_short
