"""Delivery figures for docs/performance.md: the pipeline's rate with one and two worker
processes against two baselines measured in the same run (the raw PostgreSQL batch claim, and
bare arq running one no-op job per message), time to drain, peak RSS per worker and the
fairness figure (when every tenant's first batch was done).

    SALONKEEP_BENCH_POSTGRES_URL=postgresql://root@localhost/postgres \\
    SALONKEEP_BENCH_REDIS_URL=redis://127.0.0.1:6379/8 \\
    .venv/bin/python bench/delivery.py --tenants 1000 --per-tenant 1000

A scratch database is created (and dropped), migrated, and seeded by COPY as the superuser:
tenants with one branch and one client each and their due messages. The pipeline runs the
real worker (bench/delivery_worker.py: sweep, per-tenant jobs, claims, consent re-check,
templates, outcomes, audit rows) with a channel that accepts and drops every message.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import asyncpg
from arq import create_pool

from salonkeep.workers.settings import redis_settings

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("SALONKEEP_BENCH_POSTGRES_URL", "")
REDIS = os.environ.get("SALONKEEP_BENCH_REDIS_URL", "")


def _with_db(url: str, name: str) -> str:
    return f"{url.rpartition('/')[0]}/{name}"


def _with_user(url: str, user: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{user}@{rest.split('@', 1)[-1]}"


def _psql(url: str, sql: str) -> None:
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True, capture_output=True)


async def seed(url: str, tenants: int, per_tenant: int) -> None:
    """Tenants (UTC, no quiet hours for e-mail), a branch and a client each, and their
    messages, due an hour ago, by COPY."""
    now = datetime.now(UTC)
    due = now - timedelta(hours=1)
    settings = json.dumps({"delivery": {"quiet_hours": {"email": None}}})
    conn = await asyncpg.connect(url)
    try:
        ids = [(uuid.uuid4(), uuid.uuid4(), uuid.uuid4()) for _ in range(tenants)]
        await conn.copy_records_to_table(
            "tenant",
            records=[
                (t, f"bench-{n:05d}", f"Bench {n}", "UTC", "FI", "en", "active", settings, now)
                for n, (t, _, _) in enumerate(ids)
            ],
            columns=[
                "id",
                "slug",
                "name",
                "time_zone",
                "country",
                "default_locale",
                "status",
                "settings",
                "created_at",
            ],
        )
        await conn.copy_records_to_table(
            "branch",
            records=[(b, t, "Main", now) for t, b, _ in ids],
            columns=["id", "tenant_id", "name", "created_at"],
        )
        await conn.copy_records_to_table(
            "client",
            records=[(c, t, b, "Bench", f"c{n}@client.example", now, now) for n, (t, b, c) in enumerate(ids)],
            columns=["id", "tenant_id", "branch_id", "first_name", "email", "created_at", "updated_at"],
        )
        for t, b, c in ids:
            await conn.copy_records_to_table(
                "touchpoint",
                records=[
                    (
                        uuid.uuid4(),
                        t,
                        c,
                        b,
                        "first_visit",
                        "message",
                        due,
                        due,
                        f"Reminder {i}",
                        "See you soon.",
                        "service",
                        "queued",
                        f"bench:{i}",
                        now,
                    )
                    for i in range(per_tenant)
                ],
                columns=[
                    "id",
                    "tenant_id",
                    "client_id",
                    "branch_id",
                    "programme",
                    "kind",
                    "due_at",
                    "next_attempt_at",
                    "title",
                    "script",
                    "purpose",
                    "status",
                    "dedupe_key",
                    "created_at",
                ],
            )
        await conn.execute("analyze")
    finally:
        await conn.close()


async def reset(url: str, per_tenant: int | None = None, tenants: int | None = None) -> None:
    """Every message queued again (or the first ``per_tenant`` of each of the first
    ``tenants`` tenants, the others cancelled); no audit rows (the bench's Redis queues are
    its own and empty after each burst run: nothing else in the Redis database is touched)."""
    conn = await asyncpg.connect(url)
    try:
        status = "'queued'"
        if per_tenant is not None:
            among = (
                f"(select id from tenant order by slug limit {int(tenants)})"
                if tenants
                else "(select id from tenant)"
            )
            status = (
                f"case when split_part(dedupe_key, ':', 2)::int < {int(per_tenant)} "
                f"and tenant_id in {among} then 'queued' else 'cancelled' end"
            )
        await conn.execute(
            f"update touchpoint set status = {status}, lease_until = null, claimed_by = null, "
            "completed_at = null, claim_recovered = false where kind = 'message'"
        )
        await conn.execute("delete from audit_event")
        await conn.execute("vacuum analyze touchpoint")
    finally:
        await conn.close()


RAW_CLAIM = """
do $$
declare t uuid; n int;
begin
  for t in select id from tenant loop
    loop
      with picked as (
        select id from touchpoint
        where tenant_id = t and kind = 'message' and status = 'queued' and next_attempt_at <= now()
        order by next_attempt_at, id limit 100 for update skip locked)
      update touchpoint set status = 'sent', completed_at = now(), lease_until = null, claimed_by = null
      from picked where touchpoint.id = picked.id;
      get diagnostics n = row_count;
      exit when n = 0;
    end loop;
  end loop;
end $$;
"""


async def raw_claim(url: str) -> float:
    """Seconds for the batch claim + update of every message in SQL alone."""
    conn = await asyncpg.connect(url)
    try:
        started = time.perf_counter()
        await conn.execute(RAW_CLAIM)
        return time.perf_counter() - started
    finally:
        await conn.close()


async def bare_arq(jobs: int) -> float:
    """Seconds for one arq worker (burst) to run ``jobs`` no-op jobs already queued, without
    its start-up (a burst run on an empty queue, measured first, is subtracted)."""
    code = (
        "import sys; sys.path.insert(0, 'bench'); from arq.worker import run_worker; "
        "from arq.connections import RedisSettings; from arq_noop import NoopSettings; "
        f"run_worker(NoopSettings, redis_settings=RedisSettings.from_dsn({REDIS!r}), "
        "burst=True, poll_delay=0.05)"
    )

    def run() -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)
        return time.perf_counter() - started

    startup = run()
    pool = await create_pool(redis_settings(REDIS), default_queue_name="salonkeep:bench:noop")
    for start in range(0, jobs, 1000):
        await asyncio.gather(*(pool.enqueue_job("noop", n) for n in range(start, min(jobs, start + 1000))))
    await pool.aclose()
    return max(run() - startup, 1e-3)


def _peak_rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


SINK = "aiosmtpd.handlers.Sink"


def smtp_sink(port: int) -> subprocess.Popen[bytes]:
    """A local SMTP server (aiosmtpd, one process) that accepts and discards every message."""
    process = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", SINK],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError:
            time.sleep(0.05)
    raise TimeoutError("the SMTP sink did not start")


async def bare_smtp(port: int, count: int, batch: int = 100) -> float:
    """Seconds for a bare aiosmtplib client to push ``count`` small messages into the sink,
    one connection per ``batch`` (as the e-mail channel does)."""
    started = time.perf_counter()
    for start in range(0, count, batch):
        async with aiosmtplib.SMTP(hostname="127.0.0.1", port=port) as smtp:
            for n in range(start, min(count, start + batch)):
                message = EmailMessage()
                message["From"] = "Bench <r@bench.example>"
                message["To"] = f"c{n}@client.example"
                message["Subject"] = f"Reminder {n}"
                message["Message-ID"] = f"<bare-{n}@bench.example>"
                message.set_content("See you soon.")
                await smtp.send_message(message)
    return time.perf_counter() - started


async def pipeline(
    url: str,
    env: dict[str, str],
    workers: int,
    total: int,
    per_tenant: int | None = None,
    tenants: int | None = None,
) -> dict[str, float]:
    """Run ``workers`` bench worker processes until nothing is due; the figures."""
    await reset(url, per_tenant, tenants)
    started_at = datetime.now(UTC)
    started = time.perf_counter()
    command = [sys.executable, "bench/delivery_worker.py"]
    profile = os.environ.get("SALONKEEP_BENCH_PROFILE", "")
    processes = [
        subprocess.Popen(
            # SALONKEEP_BENCH_PROFILE=folder: each worker under py-spy (RSS is then py-spy's)
            [
                *(
                    ["py-spy", "record", "-f", "raw", "-o", f"{profile}/worker-{workers}-{n}.txt", "--"]
                    if profile
                    else []
                ),
                *command,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(workers)
    ]
    peaks = dict.fromkeys(p.pid for p in processes)
    while any(p.poll() is None for p in processes):
        for p in processes:
            if p.poll() is None:
                peaks[p.pid] = max(peaks[p.pid] or 0, _peak_rss_kb(p.pid))
        await asyncio.sleep(0.2)
    elapsed = time.perf_counter() - started
    conn = await asyncpg.connect(url)
    try:
        sent = await conn.fetchval(
            "select count(*) from touchpoint where kind = 'message' and status = 'sent'"
        )
        span = await conn.fetchval(
            "select extract(epoch from max(completed_at) - min(completed_at)) from touchpoint "
            "where kind = 'message' and status = 'sent'"
        )
        last_first = await conn.fetchval(
            "select max(first) from (select min(completed_at) as first from touchpoint "
            "where kind = 'message' and status = 'sent' group by tenant_id) as firsts"
        )
    finally:
        await conn.close()
    return {
        "seconds": elapsed,
        "sent": float(sent),
        "rate": sent / elapsed,
        # from the first message marked sent to the last: without the workers' start-up
        "sending_rate": sent / float(span) if span else float("nan"),
        "rss_mb": max(v or 0 for v in peaks.values()) / 1024,
        "fair_s": (last_first - started_at).total_seconds() if last_first else float("nan"),
        "complete": float(sent == total),
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--per-tenant", type=int, default=1000)
    parser.add_argument("--arq-jobs", type=int, default=20_000)
    parser.add_argument("--workers", type=int, action="append", help="pipeline runs (default: 1 and 2)")
    parser.add_argument(
        "--email-per-tenant", type=int, default=100, help="e-mail end to end: messages per tenant (0: skip)"
    )
    parser.add_argument(
        "--email-tenants", type=int, default=0, help="e-mail end to end: only this many tenants (0: all)"
    )
    parser.add_argument("--skip-pipeline", action="store_true")
    args = parser.parse_args()
    if not (PG and REDIS):
        sys.exit("set SALONKEEP_BENCH_POSTGRES_URL (a superuser) and SALONKEEP_BENCH_REDIS_URL")
    total = args.tenants * args.per_tenant
    name = f"salonkeep_bench_delivery_{uuid.uuid4().hex[:8]}"
    _psql(PG, f'create database "{name}"')
    owner = _with_db(PG, name)
    with tempfile.TemporaryDirectory() as data:
        env = {
            **os.environ,
            "SALONKEEP_DATA_DIR": data,
            "SALONKEEP_DATABASE_URL": _with_user(owner, "salonkeep_bench_app"),
            "SALONKEEP_MIGRATION_DATABASE_URL": owner,
            "SALONKEEP_REDIS_URL": REDIS,
            "SALONKEEP_DELIVERY_BATCH": "100",
            "SALONKEEP_LOG_LEVEL": "warning",
        }
        try:
            subprocess.run(
                [sys.executable, "-m", "salonkeep.core.cli", "migrate"],
                env=env,
                check=True,
                capture_output=True,
            )
            t = time.perf_counter()
            await seed(owner, args.tenants, args.per_tenant)
            print(
                f"seeded {total:,} messages over {args.tenants:,} tenants in {time.perf_counter() - t:.0f} s"
            )
            print(f"load average before: {os.getloadavg()}")
            await reset(owner)
            raw = total / await raw_claim(owner)
            arq_rate = args.arq_jobs / await bare_arq(args.arq_jobs)
            runs = [] if args.skip_pipeline else (args.workers or [1, 2])
            results = {k: await pipeline(owner, env, k, total) for k in runs}
            email_tenants = args.email_tenants or args.tenants
            email = await email_end_to_end(owner, env, email_tenants, args.email_per_tenant)
        finally:
            _psql(PG, f'drop database if exists "{name}" with (force)')
    print(f"\n{total:,} due messages, {args.tenants:,} tenants, batch 100, {datetime.now(UTC):%Y-%m-%d}\n")
    print(
        "| measurement | messages/s (drain, incl. start-up) | messages/s while sending "
        "| time to drain | peak RSS per worker | all tenants served after |"
    )
    print("|---|---|---|---|---|---|")
    print(f"| raw PostgreSQL batch claim (SQL only) | {raw:,.0f} | — | {total / raw:.1f} s | — | — |")
    arq_label = f"bare arq, one no-op job per message ({args.arq_jobs:,} jobs)"
    print(f"| {arq_label} | {arq_rate:,.0f} | — | — | — | — |")
    for k, r in results.items():
        label = f"pipeline, {k} worker{'s' if k > 1 else ''}"
        ratios = f"{r['rate'] / raw:.0%} of raw, {r['rate'] / arq_rate:.1f} x bare arq"
        drained = f"{r['seconds']:.1f} s{'' if r['complete'] else ' (INCOMPLETE)'}"
        rate = f"{r['rate']:,.0f} ({ratios})"
        sending = r["sending_rate"]
        while_sending = f"{sending:,.0f} ({sending / raw:.0%} of raw, {sending / arq_rate:.1f} x bare arq)"
        print(
            f"| {label} | {rate} | {while_sending} | {drained} | {r['rss_mb']:.0f} MB | {r['fair_s']:.1f} s |"
        )
    if email:
        count = (args.email_tenants or args.tenants) * args.email_per_tenant
        print(f"\nE-mail end to end, {count:,} messages into a local aiosmtpd sink", end=" ")
        print("(one connection per batch of 100):\n")
        print("| measurement | messages/s | vs bare aiosmtplib |")
        print("|---|---|---|")
        bare = email["bare"]
        print(f"| bare aiosmtplib client | {bare:,.0f} | 100% |")
        for label, rate in email.items():
            if label != "bare":
                print(f"| {label} | {rate:,.0f} | {rate / bare:.0%} |")
    print(f"\nload average after: {os.getloadavg()}")


async def email_end_to_end(
    owner: str, env: dict[str, str], tenants: int, per_tenant: int
) -> dict[str, float]:
    """The e-mail channel end to end (one worker, real SMTP channel, each answer written
    before the next message; then written once per batch) against a bare aiosmtplib client,
    all into the same local sink; messages/s."""
    if per_tenant <= 0:
        return {}
    count = tenants * per_tenant
    port = _free_port()
    sink = smtp_sink(port)
    try:
        rates = {"bare": count / await bare_smtp(port, count)}
        smtp_env = {
            **env,
            "SALONKEEP_BENCH_CHANNEL": "smtp",
            "SALONKEEP_SMTP_URL": f"smtp://127.0.0.1:{port}",
        }
        for mark_every in (1, 100):
            run_env = {**smtp_env, "SALONKEEP_DELIVERY_MARK_EVERY": str(mark_every)}
            result = await pipeline(owner, run_env, 1, count, per_tenant, tenants)
            what = "each answer written before the next" if mark_every == 1 else "answers written per batch"
            rates[f"pipeline, 1 worker, SMTP channel, {what}"] = result["sending_rate"]
        rates["bare (again, after)"] = count / await bare_smtp(port, count)
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    return rates


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


if __name__ == "__main__":
    asyncio.run(main())
