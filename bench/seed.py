"""Seed a PostgreSQL benchmark database: 1,000 tenants, one with 100,000 clients.

Creates (or re-creates) the database, migrates it with ``salonkeep migrate`` as the owner,
bulk-loads rows with COPY (per tenant inside a transaction that sets ``salonkeep.tenant_id``,
so it also works for an owner that RLS applies to) and writes an owner API key for the big
tenant to ``bench/.bench-key``.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import secrets
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from salonkeep.core.clients.search import client_terms

HERE = Path(__file__).parent
APP_ROLE = "salonkeep_bench_app"
FIRST = ["Aino", "Ella", "Mei", "Li", "Olga", "Anna", "Sofia", "Helmi", "Xiu", "Irina", "Laura", "Noora"]
LAST = ["Virtanen", "Korhonen", "Wang", "Zhang", "Ivanova", "Smirnova", "Nieminen", "Liu", "Petrova", "Laine"]


def _db_url(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


async def _tenant(conn: asyncpg.Connection, n: int, now: datetime) -> tuple[uuid.UUID, uuid.UUID]:
    tenant_id, branch_id = uuid.uuid4(), uuid.uuid4()
    async with conn.transaction():
        # The directory row too is written as its own tenant (its RLS policies).
        await conn.execute("select set_config('salonkeep.tenant_id', $1, true)", str(tenant_id))
        await conn.execute(
            "insert into tenant (id, slug, name, time_zone, country, default_locale, status, settings, "
            "created_at) values ($1, $2, $3, 'Europe/Helsinki', 'FI', 'en', 'active', '{}', $4)",
            tenant_id,
            f"bench-{n:04d}",
            f"Bench salon {n}",
            now,
        )
        await conn.execute(
            "insert into branch (id, tenant_id, name, address, phone, time_zone, created_at) "
            "values ($1, $2, 'Main street', '', '', null, $3)",
            branch_id,
            tenant_id,
            now,
        )
    return tenant_id, branch_id


def _terms(tenant_id: uuid.UUID, clients: list[tuple]) -> list[tuple]:
    """The search terms of COPY-loaded clients (what the client service writes)."""
    return [
        (uuid.uuid4(), tenant_id, row[0], term)
        for row in clients
        for term in sorted(client_terms(row[3], row[4], row[6]))
    ]


async def _copy_clients(conn: asyncpg.Connection, tenant_id: uuid.UUID, rows: list[tuple]) -> None:
    await conn.copy_records_to_table("client", records=rows, columns=CLIENT_COLUMNS)
    await conn.copy_records_to_table(
        "client_search_term",
        records=_terms(tenant_id, rows),
        columns=["id", "tenant_id", "client_id", "term"],
    )


def _clients(tenant_id: uuid.UUID, branch_id: uuid.UUID, count: int, now: datetime) -> list[tuple]:
    rows = []
    for i in range(count):
        rows.append(
            (
                uuid.uuid4(),
                tenant_id,
                branch_id,
                random.choice(FIRST),
                f"{random.choice(LAST)}{i}",
                None,
                f"+35840{i:07d}",
                f"client{i}@example.com",
                "member",
                "Dry skin",
                None,
                now,
                now,
            )
        )
    return rows


CLIENT_COLUMNS = [
    "id", "tenant_id", "branch_id", "first_name", "last_name", "date_of_birth", "phone", "email", "kind",
    "needs", "preferred_locale", "created_at", "updated_at",
]  # fmt: skip


async def seed(owner_url: str, tenants: int, clients: int, small: int) -> str:
    """Load the rows; returns the big tenant's owner API key."""
    now = datetime.now(UTC)
    conn = await asyncpg.connect(owner_url)
    try:
        big_tenant, big_branch = await _tenant(conn, 0, now)
        started = time.perf_counter()
        async with conn.transaction():
            await conn.execute("select set_config('salonkeep.tenant_id', $1, true)", str(big_tenant))
            await _copy_clients(conn, big_tenant, _clients(big_tenant, big_branch, clients, now))
        print(f"{clients} clients in one tenant: {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        for n in range(1, tenants):
            tenant_id, branch_id = await _tenant(conn, n, now)
            async with conn.transaction():
                await conn.execute("select set_config('salonkeep.tenant_id', $1, true)", str(tenant_id))
                await _copy_clients(conn, tenant_id, _clients(tenant_id, branch_id, small, now))
        print(f"{tenants - 1} more tenants with {small} clients each: {time.perf_counter() - started:.1f} s")
        prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        async with conn.transaction():
            await conn.execute("select set_config('salonkeep.tenant_id', $1, true)", str(big_tenant))
            await conn.execute(
                "insert into api_key (id, tenant_id, branch_id, name, role, prefix, secret_hash, created_at) "
                "values ($1, $2, null, 'bench', 'owner', $3, $4, $5)",
                uuid.uuid4(),
                big_tenant,
                prefix,
                hashlib.sha256(secret.encode()).hexdigest(),
                now,
            )
        some_client = await conn.fetchval(
            "select id from client where tenant_id = $1 order by id limit 1", big_tenant
        )
        await conn.execute("vacuum analyze")
    finally:
        await conn.close()
    key = f"sk_{big_tenant.hex}_{prefix}_{secret}"
    (HERE / ".bench-key").write_text(json.dumps({"key": key, "client_id": str(some_client)}))
    return key


STAFF_PASSWORD = "Bench-password-2026"
STAFF = {"owner": "owner@bench.example"}


async def seed_staff_and_profile(app_url: str, tenant_id: uuid.UUID) -> dict[str, str]:
    """As the app role, through the services: an owner (who sees every field) with a known
    password, and one client with all four sensitive fields encrypted and 10 visits, for the
    profile page."""
    from salonkeep.core import database
    from salonkeep.core.clients.service import ClientInput, create_client
    from salonkeep.core.visits.service import record_service
    from salonkeep.tenants.context import TenantContext, tenant_scope
    from salonkeep.tenants.onboarding import add_staff, list_branches
    from salonkeep.tenants.settings import load_settings

    os.environ["SALONKEEP_DATABASE_URL"] = app_url
    engine = await database.start(load_settings())
    try:
        system = TenantContext(tenant_id=tenant_id, actor_label="bench seed")
        with tenant_scope(system):
            for role, email in STAFF.items():
                await add_staff(
                    email=email,
                    name=f"Bench {role}",
                    role=role,
                    password=STAFF_PASSWORD,
                    agreement_signed=True,
                )
            branch = (await list_branches())[0]
        owner = TenantContext(tenant_id=tenant_id, role="owner", actor_label="bench seed")
        with tenant_scope(owner):
            client = await create_client(
                ClientInput(
                    branch_id=branch.id,
                    first_name="Profile",
                    last_name="Benchmark",
                    phone="+358401234567",
                    email="profile@example.com",
                    kind="member",
                    needs="Sensitive skin",
                    allergies="Latex, nickel",
                    health_notes="Blood thinners since 2019",
                    id_number="010190-123A",
                    treatment_notes="Filler 1 ml",
                )
            )
            for n in range(10):
                await record_service(client.id, service=f"Facial {n}", category="facial", notes="Went well")
    finally:
        await database.stop(engine)
    return {"profile_client_id": str(client.id)}


def main() -> None:
    """Create, migrate and seed the benchmark database."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--owner-url", required=True, help="postgresql://owner@host/DBNAME (re-created)")
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=20, help="clients of each other tenant")
    args = parser.parse_args()
    name = args.owner_url.rsplit("/", 1)[1]
    admin = _db_url(args.owner_url, "postgres")
    subprocess.run(["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=True)
    subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{name}"'], check=True)
    scheme, rest = args.owner_url.split("://", 1)
    app_url = f"{scheme}://{APP_ROLE}@{rest.split('@', 1)[-1]}"
    env = {
        **os.environ,
        "SALONKEEP_DATABASE_URL": app_url,
        "SALONKEEP_MIGRATION_DATABASE_URL": args.owner_url,
        "SALONKEEP_DATA_DIR": str(HERE / ".bench-data"),
    }
    subprocess.run([sys.executable, "-m", "salonkeep.core.cli", "migrate"], env=env, check=True)
    asyncio.run(seed(args.owner_url, args.tenants, args.clients, args.small))
    seeded = json.loads((HERE / ".bench-key").read_text())
    os.environ.update({k: v for k, v in env.items() if k.startswith("SALONKEEP_")})
    extra = asyncio.run(seed_staff_and_profile(app_url, uuid.UUID(seeded["key"].split("_")[1])))
    seeded.update(extra, tenant="bench-0000", password=STAFF_PASSWORD, staff=STAFF)
    (HERE / ".bench-key").write_text(json.dumps(seeded))
    print(f"seeded {name}; the app connects as {APP_ROLE}; key in bench/.bench-key")


if __name__ == "__main__":
    main()
