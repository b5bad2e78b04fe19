"""Privacy-core figures for docs/performance.md: audit-write overhead, decryption cost on
client reads and on a 10,000-row export, audit sealing and verification speed.

Run on PostgreSQL (a scratch database is created and dropped):
    SALONKEEP_BENCH_POSTGRES_URL=postgresql://root@localhost/postgres .venv/bin/python bench/privacy_core.py
or on the embedded SQLite default (no variable set).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from salonkeep.core import database
from salonkeep.core.audit import chain
from salonkeep.core.audit.service import AuditAction, record
from salonkeep.core.clients.service import ClientInput, create_client, get_client, load_visible
from salonkeep.core.clients.tables import Client
from salonkeep.core.keys import master
from salonkeep.core.keys.service import decrypt_fields, forget_cached_keys
from salonkeep.core.privacy.rights import export_client
from salonkeep.core.visits.tables import Visit
from salonkeep.tenants import clock
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import add_branch, create_tenant
from salonkeep.tenants.settings import load_settings

PG = os.environ.get("SALONKEEP_BENCH_POSTGRES_URL", "")


async def per_call(n: int, work: Callable[[], Awaitable[object]]) -> float:
    """Median microseconds per call over ``n`` calls (after 20 warm-up calls)."""
    for _ in range(20):
        await work()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        await work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e6


async def main() -> None:
    settings = load_settings()
    engine = await database.start(settings)
    tenant = await create_tenant(
        slug=f"bench-{uuid.uuid4().hex[:6]}", name="Bench", time_zone="Europe/Helsinki", country="FI"
    )
    system = TenantContext(tenant_id=tenant.id, actor_label="bench")
    with tenant_scope(system):
        branch = await add_branch(name="Main")
        client = await create_client(
            ClientInput(
                branch_id=branch.id,
                first_name="Bench",
                allergies="Latex, nickel",
                health_notes="Blood thinners since 2019",
                id_number="010190-123A",
                treatment_notes="Filler 1ml",
            )
        )
    owner = TenantContext(tenant_id=tenant.id, role="owner", actor_label="owner", ip="192.0.2.1")
    manager = TenantContext(
        tenant_id=tenant.id, role="branch_manager", actor_label="manager", branch_ids=frozenset({branch.id})
    )
    lines: list[str] = []

    # 1. The audit write on a client view: get_client (read + audit insert, one transaction)
    #    against load_visible (the same read, no audit).
    with tenant_scope(manager):
        plain = await per_call(500, lambda: load_visible(client.id))
        audited = await per_call(500, lambda: get_client(client.id))
    with tenant_scope(system):
        insert_only = await per_call(
            500, lambda: record(AuditAction.VIEW, client_id=client.id, fields=["phone"])
        )
    lines.append(f"| client view without audit (branch manager, no decryption) | {plain:,.0f} µs |")
    lines.append(
        f"| client view with its audit row (same unit of work) | "
        f"{audited:,.0f} µs ({audited - plain:+,.0f} µs) |"
    )
    lines.append(f"| one audit insert in its own transaction | {insert_only:,.0f} µs |")

    # 2. Decryption on client reads: the owner sees the four encrypted fields.
    with tenant_scope(owner):
        warm = await per_call(500, lambda: load_visible(client.id))

        async def cold() -> object:
            forget_cached_keys()
            return await load_visible(client.id)

        cold_read = await per_call(300, cold)
        async with unit_of_work(owner):
            row = await Client.objects().where(Client.id == client.id).first()
        sealed_fields = {
            "allergies": row.allergies_enc,
            "health_notes": row.health_notes_enc,
            "id_number": row.id_number_enc,
            "treatment_notes": row.treatment_notes_enc,
        }
        decrypt_only = await per_call(2000, lambda: decrypt_fields(owner, client.id, sealed_fields))
    lines.append(f"| decrypting the 4 fields alone, keys cached | {decrypt_only:,.1f} µs |")
    lines.append(
        f"| client read, owner, 4 fields decrypted, keys cached | {warm:,.0f} µs ({warm - plain:+,.0f} µs) |"
    )
    lines.append(
        f"| client read, owner, keys unwrapped again (cold cache) | "
        f"{cold_read:,.0f} µs ({cold_read - plain:+,.0f} µs) |"
    )

    # 3. 10,000 client records decrypted (what a tenant-wide export pays), and a 10,000-row export.
    with tenant_scope(system):
        # Bulk-made clients sharing one encrypted payload shape (creation speed is not measured).
        made = []
        async with unit_of_work(system):
            for i in range(0, 10_000, 500):
                batch = [
                    Client(
                        tenant_id=tenant.id,
                        branch_id=branch.id,
                        first_name=f"C{i + j}",
                        created_at=clock.now(),
                        updated_at=clock.now(),
                    )
                    for j in range(500)
                ]
                await Client.insert(*batch)
                made.extend(batch)
        from salonkeep.core.keys.service import encrypt_fields

        async with unit_of_work(system):
            for c in made:
                sealed = await encrypt_fields(
                    system, c.id, {"allergies": "Pollen", "health_notes": "Asthma inhaler"}
                )
                await Client.update(
                    {
                        Client.allergies_enc: sealed["allergies"],
                        Client.health_notes_enc: sealed["health_notes"],
                    }
                ).where(Client.id == c.id)
        forget_cached_keys()
        async with unit_of_work(system):
            start = time.perf_counter()
            loaded = await Client.objects().where(Client.tenant_id == tenant.id)
            read_only = time.perf_counter() - start
            start = time.perf_counter()
            for c in loaded:
                await decrypt_fields(
                    system, c.id, {"allergies": c.allergies_enc, "health_notes": c.health_notes_enc}
                )
            cold_decrypt = time.perf_counter() - start
            start = time.perf_counter()
            for c in loaded:
                await decrypt_fields(
                    system, c.id, {"allergies": c.allergies_enc, "health_notes": c.health_notes_enc}
                )
            warm_decrypt = time.perf_counter() - start
    n = len(loaded)
    lines.append(f"| read {n:,} client rows (no decryption) | {read_only * 1000:,.0f} ms |")
    lines.append(
        f"| + decrypt 2 fields of each, keys fetched and unwrapped (cold) | {cold_decrypt * 1000:,.0f} ms "
        f"({n / cold_decrypt:,.0f} clients/s) |"
    )
    lines.append(
        f"| + decrypt 2 fields of each, keys cached (warm) | "
        f"{warm_decrypt * 1000:,.0f} ms ({n / warm_decrypt:,.0f} clients/s) |"
    )

    with tenant_scope(system):
        async with unit_of_work(system):
            for i in range(0, 10_000, 1000):
                await Visit.insert(
                    *[
                        Visit(
                            tenant_id=tenant.id,
                            client_id=client.id,
                            branch_id=branch.id,
                            service="Facial",
                            category="facial",
                            performed_at=clock.now(),
                            notes=f"visit {i + j}",
                            created_at=clock.now(),
                        )
                        for j in range(1000)
                    ]
                )
        start = time.perf_counter()
        data = await export_client(client.id)
        export_time = time.perf_counter() - start
    total = sum(len(v) for v in data["tables"].values())
    lines.append(
        f"| export of one client with {total:,} rows (JSON-ready, client decrypted) | "
        f"{export_time * 1000:,.0f} ms |"
    )

    # 4. Sealing and verification of the audit chain.
    with tenant_scope(system):
        async with unit_of_work(system):
            for _ in range(20):
                for _ in range(1000):
                    await record(AuditAction.VIEW, client_id=client.id, fields=["first_name"])
    start = time.perf_counter()
    sealed = (await chain.seal(settings, tenant.id)).sealed[tenant.id]
    seal_time = time.perf_counter() - start
    start = time.perf_counter()
    result = await chain.verify(settings, tenant.id)
    verify_time = time.perf_counter() - start
    assert result.ok
    lines.append(
        f"| seal {sealed:,} audit rows (as the owner, batches of {chain.BATCH}) | "
        f"{sealed / seal_time:,.0f} rows/s |"
    )
    lines.append(
        f"| verify the chain of {result.rows:,} rows (+ signed head) | "
        f"{result.rows / verify_time:,.0f} rows/s |"
    )

    await database.stop(engine)
    backend = "PostgreSQL 15 (app role, RLS on)" if settings.is_postgres else "SQLite (embedded default)"
    print(f"\n### {backend}\n\n| what | figure |\n|---|---|")
    print("\n".join(lines))


def run() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="salonkeep-bench-"))
    env = {"SALONKEEP_DATA_DIR": str(data_dir)}
    name = ""
    if PG:
        name = f"salonkeep_bench_{uuid.uuid4().hex[:8]}"
        subprocess.run(["psql", PG, "-qc", f'CREATE DATABASE "{name}"'], check=True)
        base = PG.rpartition("/")[0]
        owner = f"{base}/{name}"
        scheme, _, rest = owner.partition("://")
        env["SALONKEEP_MIGRATION_DATABASE_URL"] = owner
        env["SALONKEEP_DATABASE_URL"] = f"{scheme}://salonkeep_bench_app@{rest.split('@', 1)[-1]}"
    os.environ.update(env)
    try:
        subprocess.run([sys.executable, "-m", "salonkeep.core.cli", "migrate"], check=True)
        master.configure(load_settings())
        asyncio.run(main())
    finally:
        if name:
            subprocess.run(["psql", PG, "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=True)


if __name__ == "__main__":
    run()
