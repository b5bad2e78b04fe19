"""The audit table partitioned by month on PostgreSQL: rows land in their month's partition,
row-level security still isolates tenants, the app role still may only read and append, the
hash chain seals and verifies across partitions and a direct edit of a partition is caught."""

from __future__ import annotations

import subprocess
import uuid
from datetime import UTC, datetime

import asyncpg
import pytest

from salonkeep.core.audit import chain, partitions
from salonkeep.core.audit.piccolo_migrations.audit_2026_12_03t07_50_00_000000 import partition_existing_table
from salonkeep.core.audit.tables import AuditEvent
from salonkeep.tenants import db
from salonkeep.tenants.db import unit_of_work

from ..conftest import POSTGRES_URL, _with_db

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


async def _add(world, *moments: datetime) -> list[uuid.UUID]:
    ids = [uuid.uuid4() for _ in moments]
    async with unit_of_work(world.ctx):
        await AuditEvent.insert(
            *[
                AuditEvent(
                    id=row_id,
                    tenant_id=world.ctx.tenant_id,
                    occurred_at=moment,
                    action="view",
                    subject="client",
                    fields="first_name",
                    reason=f"event {n}",
                )
                for n, (row_id, moment) in enumerate(zip(ids, moments, strict=True))
            ]
        )
    return ids


async def _partition_of(conn: asyncpg.Connection, row_id: uuid.UUID) -> str:
    return str(await conn.fetchval("select tableoid::regclass::text from audit_event where id = $1", row_id))


@pytest.fixture
async def owner_conn(postgres_backend):
    conn = await asyncpg.connect(postgres_backend.owner_url)
    yield conn
    await conn.close()


@pytest.fixture
async def app_conn(postgres_backend):
    conn = await asyncpg.connect(postgres_backend.app_url)
    yield conn
    await conn.close()


async def test_migrate_made_a_partitioned_table_with_months_ahead(owner_conn, backend):
    assert (
        await owner_conn.fetchval("select relkind::text from pg_class where relname = 'audit_event'") == "p"
    )
    names = await partitions.partitions(db.make_engine(backend.owner_url))
    now = partitions.month_start(datetime.now(UTC))
    expected = [now]
    for _ in range(partitions.MONTHS_AHEAD):
        expected.append(partitions.next_month(expected[-1]))
    assert {partitions.partition_name(m) for m in expected} <= set(names)
    assert partitions.DEFAULT_PARTITION in names


async def test_rows_land_in_their_months_partition(backend, tenant_a, owner_conn):
    now = partitions.month_start(datetime.now(UTC))
    ahead = partitions.next_month(partitions.next_month(now))
    in_now, in_ahead = await _add(
        tenant_a,
        datetime(now.year, now.month, 15, 12, tzinfo=UTC),
        datetime(ahead.year, ahead.month, 1, tzinfo=UTC),
    )
    assert await _partition_of(owner_conn, in_now) == partitions.partition_name(now)
    assert await _partition_of(owner_conn, in_ahead) == partitions.partition_name(ahead)


async def test_a_row_of_a_month_without_partition_waits_in_default_until_its_partition_is_made(
    backend, tenant_a, owner_conn
):
    old_month = datetime(2019, 6, 10, 8, tzinfo=UTC)
    (row_id,) = await _add(tenant_a, old_month)
    assert await _partition_of(owner_conn, row_id) == partitions.DEFAULT_PARTITION
    owner = db.make_engine(backend.owner_url)
    created = await partitions.ensure_partitions(owner)
    assert "audit_event_y2019m06" in created
    assert await _partition_of(owner_conn, row_id) == "audit_event_y2019m06"
    assert await partitions.ensure_partitions(owner) == []  # idempotent


async def test_rls_isolates_tenants_through_the_partitioned_table(backend, tenant_a, tenant_b, app_conn):
    moment = datetime.now(UTC)
    (a_row,) = await _add(tenant_a, moment)
    (b_row,) = await _add(tenant_b, moment)
    async with app_conn.transaction():
        await app_conn.execute(
            "select set_config('salonkeep.tenant_id', $1, true)", str(tenant_a.ctx.tenant_id)
        )
        seen = {
            r["id"]
            for r in await app_conn.fetch("select id from audit_event where id = any($1)", [a_row, b_row])
        }
    assert seen == {a_row}
    # No tenant set: nothing (fail closed).
    assert await app_conn.fetchval("select count(*) from audit_event") == 0
    # Another tenant's row cannot be appended, and the app role may not rewrite history.
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        async with app_conn.transaction():
            await app_conn.execute(
                "select set_config('salonkeep.tenant_id', $1, true)", str(tenant_a.ctx.tenant_id)
            )
            await app_conn.execute(
                "insert into audit_event (id, tenant_id, occurred_at, action) values ($1, $2, now(), 'view')",
                uuid.uuid4(),
                tenant_b.ctx.tenant_id,
            )
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        async with app_conn.transaction():
            await app_conn.execute(
                "select set_config('salonkeep.tenant_id', $1, true)", str(tenant_a.ctx.tenant_id)
            )
            await app_conn.execute("update audit_event set reason = 'x' where id = $1", a_row)
    # A partition read directly: no privilege at all.
    name = partitions.partition_name(partitions.month_start(moment))
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        await app_conn.fetch(f"select * from {name}")


async def test_every_partition_is_forced_under_rls_and_granted_nothing(backend, owner_conn):
    rows = await owner_conn.fetch(
        "select c.relname, c.relrowsecurity, c.relforcerowsecurity from pg_inherits i "
        "join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent "
        "where p.relname = 'audit_event'"
    )
    assert rows
    for row in rows:
        assert row["relrowsecurity"] and row["relforcerowsecurity"], row["relname"]
        for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            assert not await owner_conn.fetchval(
                "select has_table_privilege('salonkeep_test_app', $1, $2)", row["relname"], privilege
            )


async def test_the_chain_seals_and_verifies_across_months_and_catches_an_edit(backend, tenant_a, owner_conn):
    now = partitions.month_start(datetime.now(UTC))
    later = partitions.next_month(now)
    ids = await _add(
        tenant_a,
        datetime(now.year, now.month, 1, 0, 0, 1, tzinfo=UTC),
        datetime(now.year, now.month, 2, tzinfo=UTC),
        datetime(later.year, later.month, 1, tzinfo=UTC),
    )
    # The rows are in two partitions.
    assert len({await _partition_of(owner_conn, row_id) for row_id in ids}) == 2
    report = await chain.seal(backend.settings, tenant_a.ctx.tenant_id)
    assert report.sealed[tenant_a.ctx.tenant_id] >= 3 and not report.refused
    assert (await chain.verify(backend.settings, tenant_a.ctx.tenant_id)).ok
    # The attacker edits the row in next month's partition directly, as the table owner.
    name = partitions.partition_name(later)
    await owner_conn.execute(f"update {name} set reason = 'nothing to see' where id = $1", ids[2])
    result = await chain.verify(backend.settings, tenant_a.ctx.tenant_id)
    assert not result.ok
    assert "does not match its hash" in result.problem


async def test_a_second_row_claiming_a_sealed_link_is_caught(backend, tenant_a, owner_conn):
    """PostgreSQL cannot keep ``(tenant_id, seq)`` unique across partitions: a copy of a link
    slipped in by direct SQL (another id, same seq) must still break verification."""
    moment = datetime.now(UTC)
    await _add(tenant_a, moment, moment.replace(microsecond=(moment.microsecond + 1) % 1_000_000))
    await chain.seal(backend.settings, tenant_a.ctx.tenant_id)
    assert (await chain.verify(backend.settings, tenant_a.ctx.tenant_id)).ok
    columns = "tenant_id, occurred_at, action, subject, fields, reason, seq, prev_hash, hash, sealed_at"
    await owner_conn.execute(
        f"insert into audit_event (id, {columns}) select gen_random_uuid(), {columns} "
        "from audit_event where tenant_id = $1 and seq = 1",
        tenant_a.ctx.tenant_id,
    )
    result = await chain.verify(backend.settings, tenant_a.ctx.tenant_id)
    assert not result.ok


async def test_the_migration_moves_existing_rows_into_partitions(backend):
    """``partition_existing_table`` on a plain audit table (as before this migration) keeps
    every row, in its month's partition, under a primary key that includes the month."""
    name = f"salonkeep_part_{uuid.uuid4().hex[:8]}"
    subprocess.run(
        ["psql", POSTGRES_URL, "-qc", f'CREATE DATABASE "{name}"'], check=True, capture_output=True
    )
    engine = db.make_engine(_with_db(POSTGRES_URL, name))
    try:
        for sql in (
            "create table tenant (id uuid primary key)",
            "create table audit_event (id uuid primary key, tenant_id uuid not null references tenant (id), "
            "occurred_at timestamptz not null, client_id uuid, reason varchar(200) default '', seq bigint, "
            "hash varchar(64))",
            "create unique index audit_event_tenant_seq on audit_event (tenant_id, seq)",
            "create index audit_event_time on audit_event (tenant_id, occurred_at)",
            "insert into tenant values ('00000000-0000-0000-0000-000000000001')",
            "insert into audit_event (id, tenant_id, occurred_at, seq) values "
            "(gen_random_uuid(), '00000000-0000-0000-0000-000000000001', '2026-10-31 23:59:59+00', 1), "
            "(gen_random_uuid(), '00000000-0000-0000-0000-000000000001', '2026-11-01 00:00:00+00', 2), "
            "(gen_random_uuid(), '00000000-0000-0000-0000-000000000001', '2026-11-20 10:00:00+00', 3)",
        ):
            await engine.run_ddl(sql)
        async with engine.transaction():
            await partition_existing_table(engine)
        placed = await engine.run_ddl(
            "select seq, tableoid::regclass::text as part from audit_event order by seq"
        )
        assert [(r["seq"], r["part"]) for r in placed] == [
            (1, "audit_event_y2026m10"),
            (2, "audit_event_y2026m11"),
            (3, "audit_event_y2026m11"),
        ]
        key = await engine.run_ddl(
            "select array_agg(a.attname::text order by a.attname) as cols from pg_index i "
            "join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey) "
            "where i.indrelid = 'audit_event'::regclass and i.indisprimary"
        )
        assert key[0]["cols"] == ["id", "occurred_at"]
        assert not await engine.run_ddl("select 1 from pg_class where relname = 'audit_event_unpartitioned'")
    finally:
        subprocess.run(
            ["psql", POSTGRES_URL, "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'],
            check=True,
            capture_output=True,
        )
