"""Per-tenant backup and restore (`salonkeep backup` / `salonkeep restore`).

Backup → drop the tenant → restore gives the same rows in every tenant table (found from the
piccolo apps) and the audit chain still verifies against its signed head; a restore into a
second PostgreSQL database works; an altered archive, or one signed by another installation,
is refused with exit 2 and writes nothing."""

from __future__ import annotations

import base64
import json
import subprocess
import uuid

import pytest

from salonkeep.core import database
from salonkeep.core.apps import all_tables
from salonkeep.core.audit import chain
from salonkeep.core.clients.service import ClientInput, create_client, get_client
from salonkeep.core.keys import master
from salonkeep.core.tenant_backup import tenant_tables
from salonkeep.tenants import db, scoped
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.tables import Tenant

from ..conftest import APP_ROLE, POSTGRES_URL, _settings, _with_db, _with_user, make_tenant, run_cli
from .privacy_helpers import owner_sql
from .test_audit_tamper import run_cli as cli


async def seed(world) -> list[uuid.UUID]:
    """Clients with health fields (encrypted, with their keys), visits of the audit kind."""
    owner = TenantContext(tenant_id=world.ctx.tenant_id, role="owner", actor_label="test")
    ids = []
    with tenant_scope(owner):
        for i in range(3):
            view = await create_client(
                ClientInput(
                    branch_id=world.branch_id,
                    first_name=f"Aino {i}",
                    phone=f"+35840123456{i}",
                    allergies="latex",
                    health_notes=f"note {i}",
                )
            )
            ids.append(view.id)
        for client_id in ids:
            await get_client(client_id)  # an audited view of health data
    return ids


async def snapshot(ctx: TenantContext) -> dict[str, list[dict]]:
    """Every row of the tenant, table by table, plus its directory row."""
    with tenant_scope(ctx):
        async with unit_of_work(ctx):
            rows = {t._meta.tablename: await scoped.rows(t, "*", order_by="id") for t in tenant_tables()}
            rows["tenant"] = await Tenant.select().where(Tenant.id == ctx.tenant_id)
    return rows


async def drop_tenant(backend, tenant_id: uuid.UUID) -> None:
    """Delete the tenant and all its rows as the table owner (children first)."""
    for table in reversed(tenant_tables()):
        await owner_sql(
            backend, tenant_id, f"delete from {table._meta.tablename} where tenant_id = $1", tenant_id
        )
    await owner_sql(backend, tenant_id, "delete from tenant where id = $1", tenant_id)


def without_restore_event(rows: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The restore appends one audit event of its own; everything else must be as it was."""
    audit = rows["audit_event"]
    restored = [r for r in audit if r["action"] == "tenant_restore"]
    assert len(restored) == 1 and restored[0]["seq"] is None
    return {**rows, "audit_event": [r for r in audit if r["action"] != "tenant_restore"]}


async def test_backup_drop_restore_gives_the_same_rows_and_a_verifying_chain(
    backend, tenant_a, tenant_b, monkeypatch, tmp_path
):
    ids = await seed(tenant_a)
    await seed(tenant_b)
    report = await chain.seal(backend.settings, tenant_a.ctx.tenant_id)
    assert report.sealed[tenant_a.ctx.tenant_id] > 0 and not report.refused
    archive = tmp_path / "a.skb"
    made = await cli(backend, monkeypatch, "backup", "-t", tenant_a.slug, "--out", str(archive))
    assert made.exit_code == 0, made.output
    before = await snapshot(tenant_a.ctx)
    assert {"client", "client_key", "tenant_key", "audit_event", "branch", "staff_member"} <= {
        name for name, rows in before.items() if rows
    }
    assert [r for r in before["audit_event"] if r["action"] == "tenant_backup"]  # the backup is audited
    text = archive.read_text()
    assert "Aino" not in text and "latex" not in text  # encrypted
    other_before = await snapshot(tenant_b.ctx)

    await drop_tenant(backend, tenant_a.ctx.tenant_id)
    assert not (await snapshot(tenant_a.ctx))["client"]
    restored = await cli(backend, monkeypatch, "restore", "--file", str(archive))
    assert restored.exit_code == 0, restored.output

    assert without_restore_event(await snapshot(tenant_a.ctx)) == before
    assert await snapshot(tenant_b.ctx) == other_before
    verified = await cli(backend, monkeypatch, "audit", "verify", "-t", tenant_a.slug)
    assert verified.exit_code == 0, verified.output
    assert "extends the signed head" in verified.output
    owner = TenantContext(tenant_id=tenant_a.ctx.tenant_id, role="owner", actor_label="test")
    with tenant_scope(owner):
        assert (await get_client(ids[1])).health_notes == "note 1"  # keys restored, fields readable

    again = await cli(backend, monkeypatch, "restore", "--file", str(archive))
    assert again.exit_code == 2 and "already exists" in again.output


def _tampered(original: bytes, how: str) -> bytes:
    archive = json.loads(original)
    if how == "header":
        archive["header"]["rows"]["client"] = 99
    elif how == "ciphertext":
        raw = bytearray(base64.b64decode(archive["ciphertext"]))
        raw[len(raw) // 2] ^= 1
        archive["ciphertext"] = base64.b64encode(bytes(raw)).decode()
    elif how == "signature":
        archive["signature"] = base64.b64encode(b"\0" * 64).decode()
    else:
        return original[: len(original) // 2]
    return json.dumps(archive).encode()


@pytest.mark.parametrize("how", ["header", "ciphertext", "signature", "truncated"])
async def test_an_altered_archive_is_refused_and_writes_nothing(
    backend, tenant_a, monkeypatch, tmp_path, how
):
    await seed(tenant_a)
    archive = tmp_path / "a.skb"
    assert (
        await cli(backend, monkeypatch, "backup", "-t", tenant_a.slug, "--out", str(archive))
    ).exit_code == 0
    await drop_tenant(backend, tenant_a.ctx.tenant_id)
    archive.write_bytes(_tampered(archive.read_bytes(), how))
    result = await cli(backend, monkeypatch, "restore", "--file", str(archive))
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: ") and len(result.output.strip().splitlines()) == 1
    assert not await Tenant.exists().where(Tenant.id == tenant_a.ctx.tenant_id)
    assert not (await snapshot(tenant_a.ctx))["client"]


@pytest.mark.postgres
async def test_restore_into_a_second_postgres_database(
    postgres_backend, postgres_engine, monkeypatch, tmp_path
):
    """Another installation (its own database and data folder, the same master key) restores
    the archive when given the source's public key; without it the signature is refused."""
    backend = postgres_backend
    db.bind(postgres_engine, all_tables())
    master.configure(backend.settings)
    world = await make_tenant()
    await seed(world)
    archive = tmp_path / "a.skb"
    made = await cli(backend, monkeypatch, "backup", "-t", world.slug, "--out", str(archive))
    assert made.exit_code == 0, made.output
    before = await snapshot(world.ctx)

    name = f"salonkeep_test_{uuid.uuid4().hex[:10]}"
    subprocess.run(
        ["psql", POSTGRES_URL, "-qc", f'CREATE DATABASE "{name}"'], check=True, capture_output=True
    )
    try:
        owner_url = _with_db(POSTGRES_URL, name)
        data_dir = tmp_path / "second"
        data_dir.mkdir()
        (data_dir / "master.key").write_bytes((backend.settings.master_key_file).read_bytes())
        env = {
            "SALONKEEP_DATA_DIR": str(data_dir),
            "SALONKEEP_DATABASE_URL": _with_user(owner_url, APP_ROLE),
            "SALONKEEP_MIGRATION_DATABASE_URL": owner_url,
            "SALONKEEP_REDIS_URL": backend.env["SALONKEEP_REDIS_URL"],
        }
        run_cli("migrate", env=env, check=True)
        refused = run_cli("restore", "--file", str(archive), env=env)
        assert refused.returncode == 2 and "signature" in refused.stderr
        source_key = tmp_path / "source.pub"
        source_key.write_text(run_cli("audit", "public-key", env=backend.env, check=True).stdout)
        done = run_cli("restore", "--file", str(archive), "--public-key", str(source_key), env=env)
        assert done.returncode == 0, done.stderr
        second = _settings(data_dir, env["SALONKEEP_DATABASE_URL"], owner_url, env["SALONKEEP_REDIS_URL"])
        engine = await database.start(second)
        try:
            assert without_restore_event(await snapshot(world.ctx)) == before
            owner = TenantContext(tenant_id=world.ctx.tenant_id, role="owner", actor_label="test")
            with tenant_scope(owner):
                names = sorted(c.first_name for c in [await get_client(i["id"]) for i in before["client"]])
            assert names == ["Aino 0", "Aino 1", "Aino 2"]
        finally:
            await database.stop(engine)
            db.bind(postgres_engine, all_tables())
        assert run_cli("audit", "verify", "-t", world.slug, env=env).returncode == 0
    finally:
        subprocess.run(
            ["psql", POSTGRES_URL, "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'],
            capture_output=True,
        )
