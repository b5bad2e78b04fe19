"""The week calendar of a branch with 20 staff and 2,000 appointments, against the bare page
(bench/bare_app.py) in the same run, with wrk.

    SALONKEEP_BENCH_POSTGRES_URL=postgresql://root@localhost/postgres \\
    SALONKEEP_BENCH_REDIS_URL=redis://127.0.0.1:6379/<db> \\
    .venv/bin/python bench/week_calendar.py --seconds 10

A scratch database is created (and dropped) and migrated. Through the services, as the app
role: a tenant (Europe/Helsinki), a branch, an owner with a known password, 20 practitioners
and 200 clients; then the appointments of one open week (no public holiday) by COPY as the
superuser: 2,000 spread over the 20 staff and 7 days, 30 minutes each from 07:00 local.
Two uvicorn processes (one worker each): the bare page and Salonkeep as the app role under
row-level security. Signs in through /login like a browser, then measures the bare page, the
signed-in floor (/app/account), the day calendar and the week calendar of the branch.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import _wait, sign_in, wrk  # noqa: E402 - bench scripts import each other by path

PG = os.environ.get("SALONKEEP_BENCH_POSTGRES_URL", "")
REDIS = os.environ.get("SALONKEEP_BENCH_REDIS_URL", "")
APP_ROLE = "salonkeep_bench_app"
PASSWORD = "Bench-password-2026"
ZONE = "Europe/Helsinki"


def _with_db(url: str, name: str) -> str:
    return f"{url.rpartition('/')[0]}/{name}"


def _with_user(url: str, user: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{user}@{rest.split('@', 1)[-1]}"


def _psql(url: str, sql: str) -> None:
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True, capture_output=True)


def open_week() -> date:
    """The Monday of the first week from next week on with no public holiday in Finland."""
    from salonkeep.core.appointments.rules import closed_day

    monday = datetime.now(UTC).date() + timedelta(days=7)
    monday -= timedelta(days=monday.weekday())
    while any(closed_day(monday + timedelta(days=n), "FI") for n in range(7)):
        monday += timedelta(days=7)
    return monday


async def seed_people(staff: int, clients: int) -> dict[str, object]:
    """Tenant, branch, owner, staff, clients and one 30-minute service, through the services
    (the environment names the database as the app role)."""
    from salonkeep.core import database
    from salonkeep.core.catalogue import service as catalogue
    from salonkeep.core.clients.service import ClientInput, create_client
    from salonkeep.tenants.context import TenantContext, tenant_scope
    from salonkeep.tenants.onboarding import add_branch, add_staff, create_tenant
    from salonkeep.tenants.settings import load_settings

    engine = await database.start(load_settings())
    try:
        tenant = await create_tenant(
            slug="bench-calendar", name="Bench calendar", time_zone=ZONE, country="FI", default_locale="en"
        )
        ctx = TenantContext(tenant_id=tenant.id, actor_label="bench seed")
        with tenant_scope(ctx):
            branch = await add_branch(name="Main street", address="Main street 1")
            await add_staff(
                email="owner@bench.example",
                name="Bench owner",
                role="owner",
                branch_names=["Main street"],
                password=PASSWORD,
                agreement_signed=True,
            )
            staff_ids = []
            for n in range(staff):
                member, _ = await add_staff(
                    email=f"staff{n:02d}@bench.example",
                    name=f"Staff {n:02d}",
                    role="practitioner",
                    branch_names=["Main street"],
                )
                staff_ids.append(member.id)
            client_ids = [
                (
                    await create_client(
                        ClientInput(branch_id=branch.id, first_name=f"Client{n}", last_name="Bench")
                    )
                ).id
                for n in range(clients)
            ]
            facial = await catalogue.save_service(
                catalogue.ServiceInput(name="Bench facial", category="facial", duration_minutes=30)
            )
    finally:
        await database.stop(engine)
    return {
        "tenant_id": tenant.id,
        "branch_id": branch.id,
        "staff_ids": staff_ids,
        "client_ids": client_ids,
        "service_id": facial.id,
    }


async def seed_appointments(owner_url: str, people: dict[str, object], monday: date, count: int) -> None:
    """``count`` appointments of the week by COPY, round-robin over staff and days."""
    tz = ZoneInfo(ZONE)
    staff_ids: list[uuid.UUID] = people["staff_ids"]  # type: ignore[assignment]
    client_ids: list[uuid.UUID] = people["client_ids"]  # type: ignore[assignment]
    now = datetime.now(UTC)
    rows = []
    for n in range(count):
        member = staff_ids[n % len(staff_ids)]
        day = monday + timedelta(days=(n // len(staff_ids)) % 7)
        slot = n // (len(staff_ids) * 7)
        start = datetime(day.year, day.month, day.day, 7, 0, tzinfo=tz) + timedelta(minutes=30 * slot)
        end = start + timedelta(minutes=30)
        rows.append(
            (
                uuid.uuid4(),
                people["tenant_id"],
                client_ids[n % len(client_ids)],
                people["branch_id"],
                "Bench facial",
                start,
                "booked",
                now,
                member,
                people["service_id"],
                end,
                start,
                end,
                "",
                "",
                "",
                now,
            )
        )
    conn = await asyncpg.connect(owner_url)
    try:
        async with conn.transaction():
            await conn.execute("select set_config('salonkeep.tenant_id', $1, true)", str(people["tenant_id"]))
            await conn.copy_records_to_table(
                "appointment",
                records=rows,
                columns=[
                    "id",
                    "tenant_id",
                    "client_id",
                    "branch_id",
                    "service",
                    "starts_at",
                    "status",
                    "created_at",
                    "staff_id",
                    "service_id",
                    "ends_at",
                    "blocked_from",
                    "blocked_until",
                    "tags",
                    "cancelled_by",
                    "cancel_reason",
                    "updated_at",
                ],
            )
        await conn.execute("vacuum analyze")
    finally:
        await conn.close()


def main() -> None:
    """Create, seed, measure, print the table, drop."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--staff", type=int, default=20)
    parser.add_argument("--appointments", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database (to profile)")
    args = parser.parse_args()
    if not (PG and REDIS):
        sys.exit("set SALONKEEP_BENCH_POSTGRES_URL (a superuser) and SALONKEEP_BENCH_REDIS_URL")
    name = f"salonkeep_bench_calendar_{uuid.uuid4().hex[:8]}"
    _psql(PG, f'create database "{name}"')
    owner = _with_db(PG, name)
    servers: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as data:
        env = {
            **os.environ,
            "SALONKEEP_DATA_DIR": data,
            "SALONKEEP_DATABASE_URL": _with_user(owner, APP_ROLE),
            "SALONKEEP_MIGRATION_DATABASE_URL": owner,
            "SALONKEEP_REDIS_URL": REDIS,
            "SALONKEEP_LOG_LEVEL": "warning",
        }
        try:
            subprocess.run(
                [sys.executable, "-m", "salonkeep.core.cli", "migrate"],
                env=env,
                check=True,
                capture_output=True,
            )
            os.environ.update({k: v for k, v in env.items() if k.startswith("SALONKEEP_")})
            started = time.perf_counter()
            people = asyncio.run(seed_people(args.staff, args.clients))
            monday = open_week()
            asyncio.run(seed_appointments(owner, people, monday, args.appointments))
            print(f"seeded in {time.perf_counter() - started:.0f} s; week of {monday.isoformat()}")
            uvicorn = [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--log-level", "warning"]
            servers = [
                subprocess.Popen([*uvicorn, "--port", "8211", "--app-dir", str(HERE), "bare_app:app"]),
                subprocess.Popen(
                    [*uvicorn, "--port", "8210", "--factory", "salonkeep.web.app:create_app"], env=env
                ),
            ]
            app = "http://127.0.0.1:8210"
            _wait("http://127.0.0.1:8211/")
            _wait(f"{app}/healthz")
            cookie = ["Cookie: " + sign_in(app, "bench-calendar", "owner@bench.example", PASSWORD)]
            branch = people["branch_id"]
            calendar = f"{app}/app/calendar?branch={branch}&day={monday.isoformat()}"
            if args.keep:
                (HERE / ".calendar-bench").write_text(f"{name} {branch} {monday.isoformat()}")
            targets = [
                ("bare litestar + jinja page (50 rows)", "http://127.0.0.1:8211/", []),
                ("signed-in floor: /app/account", f"{app}/app/account", cookie),
                (
                    f"day calendar ({args.staff} staff, ~{args.appointments // 7} appointments)",
                    calendar,
                    cookie,
                ),
                (
                    f"week calendar ({args.staff} staff, {args.appointments:,} appointments)",
                    f"{calendar}&view=week",
                    cookie,
                ),
            ]
            results = []
            loads = []
            for label, url, headers in targets:
                wrk(url, headers, 3, args.connections, timeout=60)  # warm-up
                loads.append(os.getloadavg()[0])
                results.append((label, wrk(url, headers, args.seconds, args.connections, timeout=60)))
        finally:
            for server in servers:
                server.terminate()
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
            if args.keep:
                print(f"kept {name}")
            else:
                _psql(PG, f'drop database if exists "{name}" with (force)')
    bare = results[0][1]["rps"]
    print(
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; one uvicorn worker each; "
        f"wrk -t{min(2, args.connections)} -c{args.connections} -d{args.seconds}s --timeout 60s; "
        "load average (1 min) before each page: "
        f"{', '.join(f'{x:.1f}' for x in loads)}"
    )
    print("| page | requests/s | p50 ms | p99 ms | vs bare page | non-2xx |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, r in results:
        print(
            f"| {label} | {r['rps']:,.1f} | {r['p50']:.1f} | {r['p99']:.1f} | "
            f"{r['rps'] / bare:.2%} | {r['non2xx']:.0f} |"
        )


if __name__ == "__main__":
    main()
