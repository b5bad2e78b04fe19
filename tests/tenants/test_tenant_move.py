"""Tenants on two PostgreSQL clusters (two databases on the test server) work side by side, and
``tenant move`` copies, verifies and switches, also while delivery workers are sending the
tenant's reminders: nothing is lost and nothing is sent twice."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from datetime import UTC, datetime

import asyncpg
import httpx
import pytest
from arq import create_pool
from arq.worker import Worker
from typer.testing import CliRunner

from salonkeep.core.apikeys.service import create_api_key
from salonkeep.core.apps import all_tables
from salonkeep.core.audit import chain
from salonkeep.core.cli.main import app
from salonkeep.core.clients.service import get_client
from salonkeep.core.delivery.registry import built_in_channels
from salonkeep.core.tenant_backup import tenant_tables
from salonkeep.tenants import db, move
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.settings import SettingsError, load_settings
from salonkeep.web.app import create_app
from salonkeep.workers.settings import redis_settings

from ..burst_worker import burst_worker, own_queue
from ..conftest import extra_postgres_database, make_tenant
from ..delivery.helpers import add_client, config, messages, queue

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)
CLUSTER = "c2"


@pytest.fixture
async def second_cluster(backend, tmp_path):
    """A second migrated database registered as the cluster ``c2`` of this process."""
    env = {"SALONKEEP_MASTER_KEY_FILE": str(backend.settings.master_key_file)}
    with extra_postgres_database(tmp_path / "c2", env) as cluster:
        engine = db.make_engine(cluster.app_url)
        await engine.start_connection_pool(min_size=1, max_size=10)
        db.add_cluster(CLUSTER, engine)
        try:
            yield cluster
        finally:
            db.clear_clusters()
            await engine.close_connection_pool()


async def _counts(url: str, tenant_id: uuid.UUID) -> dict[str, int]:
    """The tenant's rows per tenant table on the database at ``url`` (as its owner)."""
    conn = await asyncpg.connect(url)
    try:
        found = {}
        for table in tenant_tables():
            name = table._meta.tablename
            found[name] = await conn.fetchval(
                f'select count(*) from "{name}" where tenant_id = $1', tenant_id
            )
        return found
    finally:
        await conn.close()


async def _unsealed(url: str, tenant_id: uuid.UUID) -> int:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(
            "select count(*) from audit_event where tenant_id = $1 and seq is null", tenant_id
        )
    finally:
        await conn.close()


async def _placement(url: str, tenant_id: uuid.UUID) -> str | None:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval("select database from tenant where id = $1", tenant_id)
    finally:
        await conn.close()


async def test_a_move_copies_verifies_and_switches_and_both_clusters_serve_their_tenants(
    backend, second_cluster, frozen_clock
):
    a, b = await make_tenant(), await make_tenant()
    client_a = await add_client(a, first_name="Aino", allergies="latex")
    client_b = await add_client(b, first_name="Bea")
    await chain.seal(backend.settings, a.ctx.tenant_id)
    before = await _counts(backend.owner_url, a.ctx.tenant_id)
    assert before["client"] == 1 and before["audit_event"] > 0

    report = await move.move_tenant(a.ctx.tenant_id, CLUSTER, tenant_tables())

    assert report.rows == before
    assert await _counts(second_cluster.owner_url, a.ctx.tenant_id) == before
    assert await _placement(backend.owner_url, a.ctx.tenant_id) == CLUSTER  # the directory
    assert await _placement(second_cluster.owner_url, a.ctx.tenant_id) == CLUSTER  # its copy there
    # The services read and write A on c2 (the health field decrypts: keys came wrapped).
    with tenant_scope(a.ctx):
        seen = await get_client(client_a.id)
    assert seen.first_name == "Aino"
    new_a = await add_client(a, first_name="Aada")
    assert (await _counts(second_cluster.owner_url, a.ctx.tenant_id))["client"] == 2
    assert (await _counts(backend.owner_url, a.ctx.tenant_id))["client"] == 1  # the old copy, untouched
    assert new_a.id != client_a.id
    # B stays on the home cluster, side by side, and nothing of B is on c2.
    with tenant_scope(b.ctx):
        assert (await get_client(client_b.id)).first_name == "Bea"
    assert set((await _counts(second_cluster.owner_url, b.ctx.tenant_id)).values()) == {0}
    # The audit chain came over whole, and is sealed on c2 from now on (as c2's owner).
    assert (await chain.verify(backend.settings, a.ctx.tenant_id)).ok
    unsealed_at_home = await _unsealed(backend.owner_url, a.ctx.tenant_id)
    refused = await chain.seal(backend.settings, a.ctx.tenant_id)
    assert "SALONKEEP_MIGRATION_DATABASE_CLUSTERS" in refused.refused[a.ctx.tenant_id]
    owners = dataclasses.replace(
        backend.settings, migration_database_clusters=((CLUSTER, second_cluster.owner_url),)
    )
    sealed = await chain.seal(owners, a.ctx.tenant_id)
    assert sealed.sealed[a.ctx.tenant_id] > 0 and not sealed.refused
    assert await _unsealed(second_cluster.owner_url, a.ctx.tenant_id) == 0
    assert await _unsealed(backend.owner_url, a.ctx.tenant_id) == unsealed_at_home  # old copy untouched
    assert (await chain.verify(owners, a.ctx.tenant_id)).ok
    # Row-level security on c2: with B set, none of A's rows.
    conn = await asyncpg.connect(second_cluster.app_url)
    try:
        async with conn.transaction():
            await conn.execute("select set_config('salonkeep.tenant_id', $1, true)", str(b.ctx.tenant_id))
            assert await conn.fetchval("select count(*) from client") == 0
    finally:
        await conn.close()
    # A second move to the same place is refused, naming the field.
    with pytest.raises(move.MoveRefused, match=r"^to: "):
        await move.move_tenant(a.ctx.tenant_id, CLUSTER, tenant_tables())


def test_the_target_must_be_a_configured_cluster(backend):
    clusters = (("c2", "postgresql://app@db2/salonkeep"),)
    assert move.resolve_cluster("c2", "postgresql://app@db1/salonkeep", clusters) == "c2"
    assert move.resolve_cluster("postgresql://app@db2/salonkeep", "postgresql://app@db1/x", clusters) == "c2"
    assert move.resolve_cluster("home", "postgresql://app@db1/x", clusters) == ""
    with pytest.raises(move.MoveRefused, match=r"^to: "):
        move.resolve_cluster("postgresql://app@elsewhere/x", "postgresql://app@db1/x", clusters)


class Recorder:
    """The file e-mail channel, counting every message it is asked to send."""

    name = "email"
    idempotent = True

    def __init__(self, inner, sent: list[uuid.UUID]) -> None:
        self.inner = inner
        self.sent = sent

    async def send(self, batch):
        self.sent.extend(m.id for m in batch)
        await asyncio.sleep(0.05)  # a provider's round trip: the move overlaps sends
        return await self.inner.send(batch)


async def test_a_move_under_a_running_reminder_load_loses_and_duplicates_nothing(
    backend, second_cluster, frozen_clock, monkeypatch
):
    for key, value in backend.env.items():
        monkeypatch.setenv(key, value)
    frozen_clock.at = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    tenant = await make_tenant()
    client = await add_client(tenant)
    ids = set(await queue(tenant, client.id, count=300))
    sent: list[uuid.UUID] = []
    settings = config(batch_size=10)

    async def startup(ctx):
        # The test process's engines are bound already (the home pool and c2's).
        ctx["settings"] = backend.settings
        ctx["delivery_config"] = settings
        ctx["delivery_channels"] = {
            "email": Recorder(built_in_channels(settings, backend.settings.data_dir)["email"], sent)
        }

    async def shutdown(ctx):
        return None

    queue_name = own_queue("move")
    pool = await create_pool(redis_settings(backend.settings.redis_url), default_queue_name=queue_name)

    def worker() -> Worker:
        return burst_worker(
            pool, queue_name, on_startup=startup, on_shutdown=shutdown, max_jobs=3, poll_delay=0.02
        )

    async def sweep_and_run(workers: int) -> None:
        await pool.enqueue_job("delivery_sweep", _job_id=f"sweep-{uuid.uuid4().hex}")
        await asyncio.gather(*(worker().main() for _ in range(workers)))

    at_move: list[int] = []

    async def move_once_sending() -> move.MoveReport:
        while len([m for m in sent if m in ids]) < 40:
            await asyncio.sleep(0.01)
        at_move.append(len([m for m in sent if m in ids]))
        return await move.move_tenant(tenant.ctx.tenant_id, CLUSTER, tenant_tables())

    try:
        report, _ = await asyncio.gather(move_once_sending(), sweep_and_run(workers=2))
        # Whatever was still due when the burst workers ran dry goes out in the next sweep.
        await sweep_and_run(workers=1)
    finally:
        await pool.aclose()

    ours = [m for m in sent if m in ids]
    assert report.rows["touchpoint"] == 300
    assert at_move[0] < 300, "the move ran while the reminders were going out"
    assert sorted(ours) == sorted(ids), "every reminder sent exactly once"
    rows = await messages(tenant)  # read on c2, where the tenant now lives
    assert await _placement(backend.owner_url, tenant.ctx.tenant_id) == CLUSTER
    assert {m: r.status for m, r in rows.items()} == dict.fromkeys(ids, "sent")
    assert (await _counts(second_cluster.owner_url, tenant.ctx.tenant_id))["touchpoint"] == 300


async def test_the_cli_moves_a_tenant_and_refuses_in_one_line(backend, second_cluster, monkeypatch):
    world = await make_tenant()
    await add_client(world)
    for key, value in {
        **backend.env,
        "SALONKEEP_DATABASE_CLUSTERS": f"{CLUSTER}={second_cluster.app_url}",
    }.items():
        monkeypatch.setenv(key, value)
    engine, cluster_engine = db.get_engine(), db.clusters()[CLUSTER]

    async def cli(*args: str):
        try:
            return await asyncio.to_thread(CliRunner().invoke, app, list(args))
        finally:  # the command bound engines of its own: give the test its own back
            db.bind(engine, all_tables())
            db.add_cluster(CLUSTER, cluster_engine)

    moved = await cli("tenant", "move", "-t", world.slug, "--to", second_cluster.app_url)
    assert moved.exit_code == 0, moved.output
    assert f"moved tenant {world.slug} from home to {CLUSTER}" in moved.output
    assert await _placement(backend.owner_url, world.ctx.tenant_id) == CLUSTER
    counts = await _counts(second_cluster.owner_url, world.ctx.tenant_id)
    assert counts["client"] == 1
    assert counts["audit_event"] == (await _counts(backend.owner_url, world.ctx.tenant_id))["audit_event"] + 1
    again = await cli("tenant", "move", "-t", world.slug, "--to", CLUSTER)
    assert again.exit_code == 2
    assert again.stderr.strip() == "error: to: the tenant already lives there"
    unknown = await cli("tenant", "move", "-t", world.slug, "--to", "postgresql://nobody@nowhere/x")
    assert unknown.exit_code == 2 and unknown.stderr.strip().startswith("error: to: not the home database")


async def test_the_api_serves_tenants_on_both_clusters_side_by_side(backend, second_cluster):
    a, b = await make_tenant(), await make_tenant()
    client_a, client_b = await add_client(a, first_name="Aino"), await add_client(b, first_name="Bea")
    await move.move_tenant(a.ctx.tenant_id, CLUSTER, tenant_tables())
    with tenant_scope(a.ctx):
        _, key_a = await create_api_key("a key", "owner", "Main street")  # made on c2
    with tenant_scope(b.ctx):
        _, key_b = await create_api_key("b key", "owner", "Main street")  # made at home
    transport = httpx.ASGITransport(app=create_app(backend.settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as api:
        as_a, as_b = {"Authorization": f"Bearer {key_a}"}, {"Authorization": f"Bearer {key_b}"}
        assert (await api.get(f"/api/v1/clients/{client_a.id}", headers=as_a)).json()["first_name"] == "Aino"
        assert (await api.get(f"/api/v1/clients/{client_b.id}", headers=as_b)).json()["first_name"] == "Bea"
        assert (await api.get(f"/api/v1/clients/{client_b.id}", headers=as_a)).status_code == 404
        assert (await api.get(f"/api/v1/clients/{client_a.id}", headers=as_b)).status_code == 404
        created = await api.post(
            "/api/v1/clients", json={"branch_id": str(a.branch_id), "first_name": "Uusi"}, headers=as_a
        )
        assert created.status_code == 201
    assert (await _counts(second_cluster.owner_url, a.ctx.tenant_id))["client"] == 2
    assert (await _counts(backend.owner_url, a.ctx.tenant_id))["client"] == 1


@pytest.mark.parametrize(
    "value",
    ["c2", "C2=postgresql://a@b/c", "c2=sqlite:///x", "c2=postgresql://a@b/c c2=postgresql://a@d/c"],
)
def test_a_malformed_cluster_list_is_refused_naming_the_variable(backend, monkeypatch, tmp_path, value):
    monkeypatch.setenv("SALONKEEP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SALONKEEP_DATABASE_URL", "postgresql://app@db1/salonkeep")
    monkeypatch.setenv("SALONKEEP_DATABASE_CLUSTERS", value)
    with pytest.raises(SettingsError, match=r"^SALONKEEP_DATABASE_CLUSTERS "):
        load_settings()


def test_the_cluster_lists_are_read(backend, monkeypatch, tmp_path):
    monkeypatch.setenv("SALONKEEP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SALONKEEP_DATABASE_URL", "postgresql://app@db1/salonkeep")
    monkeypatch.setenv("SALONKEEP_DATABASE_CLUSTERS", "c2=postgresql://app@db2/s, c3=postgresql://app@db3/s")
    monkeypatch.setenv("SALONKEEP_MIGRATION_DATABASE_CLUSTERS", "c2=postgresql://owner@db2/s")
    settings = load_settings()
    assert settings.database_clusters == (("c2", "postgresql://app@db2/s"), ("c3", "postgresql://app@db3/s"))
    assert settings.migration_database_clusters == (("c2", "postgresql://owner@db2/s"),)
