"""Reads where staleness is harmless go to the read replica (``SALONKEEP_DATABASE_REPLICA_URL``),
with the tenant set for row-level security on the replica's connection too.

A second database on the test server stands in for the replica. It is not a real standby, so
it holds *different* rows than the primary: what a routed read returns shows which database it
used."""

from __future__ import annotations

import dataclasses
import uuid

import asyncpg
import pytest

from salonkeep.core import audit, database
from salonkeep.core.apps import all_tables
from salonkeep.core.audit.tables import AuditEvent
from salonkeep.core.privacy.retention import find_candidates
from salonkeep.tenants import clock, db
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.settings import SettingsError, load_settings

from ..conftest import extra_postgres_database

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


@pytest.fixture
async def replica(backend, tmp_path):
    """The stand-in replica, its pool bound as the replica; unbound afterwards."""
    with extra_postgres_database(tmp_path / "replica") as stand_in:
        engine = db.make_engine(stand_in.app_url)
        await engine.start_connection_pool(min_size=1, max_size=2)
        db.bind_replica(engine)
        try:
            yield stand_in
        finally:
            db.bind_replica(None)
            await engine.close_connection_pool()


async def _owner_insert(url: str, tenant_id: uuid.UUID, reason: str, slug: str) -> uuid.UUID:
    """A tenant copy and one audit row on the database at ``url``, as its owner."""
    conn = await asyncpg.connect(url)
    row_id = uuid.uuid4()
    try:
        await conn.execute(
            "insert into tenant (id, slug, name, time_zone, country, default_locale, created_at) "
            "values ($1, $2, 'copy', 'Europe/Helsinki', 'FI', 'en', now()) on conflict (id) do nothing",
            tenant_id,
            slug,
        )
        async with conn.transaction():
            await conn.execute("select set_config('salonkeep.tenant_id', $1, true)", str(tenant_id))
            await conn.execute(
                "insert into audit_event (id, tenant_id, occurred_at, action, reason) "
                "values ($1, $2, now(), 'view', $3)",
                row_id,
                tenant_id,
                reason,
            )
    finally:
        await conn.close()
    return row_id


def _officer(world) -> TenantContext:
    return TenantContext(
        tenant_id=world.ctx.tenant_id, role="owner", actor_id=world.owner_id, actor_label="owner"
    )


async def test_audit_search_and_the_access_report_read_the_replica(backend, replica, tenant_a, tenant_b):
    client_id = uuid.uuid4()
    on_replica = await _owner_insert(
        replica.owner_url, tenant_a.ctx.tenant_id, "only on the replica", tenant_a.slug
    )
    await _owner_insert(replica.owner_url, tenant_b.ctx.tenant_id, "tenant b on the replica", tenant_b.slug)
    # The same client's event on the primary (the stand-in never receives it).
    with tenant_scope(_officer(tenant_a)):
        await audit.record(audit.AuditAction.VIEW, client_id=client_id, fields=["first_name"])
        found = await audit.search_events(limit=100)
        history = await audit.client_history(client_id)
    assert [e.id for e in found] == [on_replica]  # the replica's rows, and tenant A's only
    assert history == []  # the primary's event is not on the stand-in
    # Without a replica the same reads use the primary.
    db.bind_replica(None)
    with tenant_scope(_officer(tenant_a)):
        assert [e.reason for e in await audit.client_history(client_id)] == [""]
        assert on_replica not in {e.id for e in await audit.search_events(limit=100)}


async def test_row_level_security_is_set_on_the_replica_connection(backend, replica, tenant_a, tenant_b):
    await _owner_insert(replica.owner_url, tenant_a.ctx.tenant_id, "a", tenant_a.slug)
    await _owner_insert(replica.owner_url, tenant_b.ctx.tenant_id, "b", tenant_b.slug)
    async with db.replica_unit_of_work(tenant_a.ctx):
        setting = await db.execute("select current_setting('salonkeep.tenant_id', true) as t")
        # No tenant filter written here: only row-level security on the replica limits it.
        tenants = await db.execute("select distinct tenant_id from audit_event")
        database_name = await db.execute("select current_database() as name")
    assert setting[0]["t"] == str(tenant_a.ctx.tenant_id)
    assert [r["tenant_id"] for r in tenants] == [tenant_a.ctx.tenant_id]
    assert database_name[0]["name"] == replica.owner_url.rsplit("/", 1)[1]


async def test_the_replica_transaction_is_read_only(backend, replica, tenant_a):
    await _owner_insert(replica.owner_url, tenant_a.ctx.tenant_id, "a", tenant_a.slug)
    with pytest.raises(asyncpg.exceptions.ReadOnlySQLTransactionError):
        async with db.replica_unit_of_work(tenant_a.ctx):
            await AuditEvent.insert(
                AuditEvent(
                    id=uuid.uuid4(), tenant_id=tenant_a.ctx.tenant_id, occurred_at=clock.now(), action="x"
                )
            )


async def test_an_audited_write_inside_a_replica_read_goes_to_the_primary(backend, replica, tenant_a):
    await _owner_insert(replica.owner_url, tenant_a.ctx.tenant_id, "a", tenant_a.slug)
    marker = f"written during a replica read {uuid.uuid4()}"
    with tenant_scope(_officer(tenant_a)):
        async with db.replica_unit_of_work():
            await audit.record(audit.AuditAction.VIEW, reason=marker)
            assert (await db.execute("select current_database() as n"))[0]["n"] != "postgres"
    conn = await asyncpg.connect(backend.owner_url)
    try:
        assert await conn.fetchval("select count(*) from audit_event where reason = $1", marker) == 1
    finally:
        await conn.close()


async def test_erasing_by_retention_never_reads_the_replica(backend, replica, tenant_a, monkeypatch):
    used: list[bool] = []
    real = db.replica_unit_of_work

    def spy(ctx=None):
        used.append(True)
        return real(ctx)

    monkeypatch.setattr("salonkeep.core.privacy.retention.replica_unit_of_work", spy)
    with tenant_scope(tenant_a.ctx):
        await find_candidates(clock.now(), from_replica=False)
        assert used == []
        await find_candidates(clock.now(), from_replica=True)
        assert used == [True]


def test_the_replica_setting_must_be_postgresql(monkeypatch, tmp_path, backend):
    monkeypatch.setenv("SALONKEEP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SALONKEEP_DATABASE_URL", "postgresql://app@db/salonkeep")
    monkeypatch.setenv("SALONKEEP_DATABASE_REPLICA_URL", "sqlite:///x")
    with pytest.raises(SettingsError, match="SALONKEEP_DATABASE_REPLICA_URL"):
        load_settings()
    monkeypatch.setenv("SALONKEEP_DATABASE_REPLICA_URL", "postgresql://app@replica/salonkeep")
    assert load_settings().database_replica_url == "postgresql://app@replica/salonkeep"


async def test_start_binds_the_replica_from_the_settings(backend, replica):
    settings = dataclasses.replace(backend.settings, database_replica_url=replica.app_url)
    engine = db.get_engine()
    started = await database.start(settings)
    try:
        assert db.replica_engine() is not None
    finally:
        await database.stop(started)
        db.bind(engine, all_tables())
    assert db.replica_engine() is None
