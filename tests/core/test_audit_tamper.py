"""Security review finding 1: the audit chain must not re-sign a forged history.

The attacker edits the table by direct SQL as its owner. Deleting the newest 50 links, or
rewriting link 100 and recomputing every later hash, must be caught by ``audit verify`` and by
``audit verify --against`` an exported head; verification writes nothing (and runs on a
read-only PostgreSQL session); sealing refuses with exit 1, logs an error and keeps an alert.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import sqlite3
import threading
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import asyncpg
import pytest
from typer.testing import CliRunner

from salonkeep.core.apps import all_tables
from salonkeep.core.audit import chain, export, heads, signing
from salonkeep.core.audit.tables import AuditEvent
from salonkeep.core.cli.main import app
from salonkeep.tenants import clock, db
from salonkeep.tenants.db import unit_of_work
from salonkeep.workers.privacy_jobs import seal_audit_chains

from .privacy_helpers import owner_sql

ROWS = 160


async def add_events(world, n: int) -> None:
    """``n`` audit rows of the tenant, one microsecond apart (a plain append, as the app does)."""
    start = clock.now()
    async with unit_of_work(world.ctx):
        await AuditEvent.insert(
            *[
                AuditEvent(
                    id=uuid.uuid4(),
                    tenant_id=world.ctx.tenant_id,
                    occurred_at=start + timedelta(microseconds=i),
                    action="view",
                    subject="client",
                    fields="first_name",
                    reason=f"event {i}",
                )
                for i in range(n)
            ]
        )


@pytest.fixture
async def sealed_chain(backend, tenant_a):
    """A tenant whose chain has ROWS sealed links; its head is exported (the seal job's work)."""
    await add_events(tenant_a, ROWS)
    report = await chain.seal(backend.settings, tenant_a.ctx.tenant_id)
    assert report.sealed == {tenant_a.ctx.tenant_id: ROWS} and not report.refused
    exported = export.exported_path(backend.settings, tenant_a.ctx.tenant_id, ROWS)
    assert exported.exists()
    return exported


def cli(backend, monkeypatch, *args: str, env: dict[str, str] | None = None):
    """Run ``salonkeep ARGS`` in-process (typer's CliRunner, in a thread of its own since the
    command runs its own event loop), then give the test its engine back."""
    for name, value in {**backend.env, **(env or {})}.items():
        monkeypatch.setenv(name, value)
    engine = db.get_engine()
    try:
        return CliRunner().invoke(app, list(args))
    finally:
        db.bind(engine, all_tables())


async def run_cli(backend, monkeypatch, *args: str, env: dict[str, str] | None = None):
    return await asyncio.to_thread(cli, backend, monkeypatch, *args, env=env)


async def state(backend, tid) -> dict[str, object]:
    """Everything verification must leave alone: the rows, their seal, the files of sealing."""
    rows = await owner_sql(
        backend,
        tid,
        "select count(*) as n, count(seq) as sealed, max(seq) as top, max(sealed_at) as at "
        "from audit_event where tenant_id = $1",
        tid,
    )
    files = sorted(
        (str(p), p.read_bytes())
        for folder in (backend.settings.data_dir / "audit-heads", backend.settings.audit_head_dir / str(tid))
        if folder.exists()
        for p in folder.iterdir()
        if str(tid) in str(p)
    )
    return {**rows[0], "files": files}


async def truncate_tail(backend, tid) -> None:
    """Delete the newest 50 links."""
    await owner_sql(backend, tid, "delete from audit_event where tenant_id = $1 and seq > $2", tid, ROWS - 50)


async def rewrite_from_100(backend, tid) -> None:
    """Rewrite link 100 and recompute the hash of every later link (signing nothing)."""
    rows = await owner_sql(
        backend, tid, "select * from audit_event where tenant_id = $1 and seq >= 100 order by seq", tid
    )
    prev = rows[0]["prev_hash"]
    rows[0]["reason"] = "nothing to see here"
    updates = []
    for row in rows:
        digest = chain.link_hash(prev, row, row["seq"])
        updates.append((row["reason"], prev, digest, row["id"]))
        prev = digest
    sql = "update audit_event set reason = $1, prev_hash = $2, hash = $3 where id = $4"
    if backend.name == "postgres":
        conn = await asyncpg.connect(backend.owner_url)
        try:
            async with conn.transaction():
                await conn.execute("select set_config('salonkeep.tenant_id', $1, true)", str(tid))
                await conn.executemany(sql, updates)
        finally:
            await conn.close()
        return
    with sqlite3.connect(backend.settings.sqlite_path) as conn:
        conn.executemany(re.sub(r"\$\d+", "?", sql), [(r, p, h, str(i)) for r, p, h, i in updates])


TAMPERING = {"tail truncation": truncate_tail, "full rewrite": rewrite_from_100}


@pytest.mark.parametrize("tamper", TAMPERING)
async def test_tampering_is_caught_and_sealing_refuses(
    backend, tenant_a, sealed_chain, monkeypatch, caplog, tamper
):
    tid, slug = tenant_a.ctx.tenant_id, tenant_a.slug
    assert (await run_cli(backend, monkeypatch, "audit", "verify", "-t", slug)).exit_code == 0
    args = ("audit", "verify", "-t", slug, "--against", str(sealed_chain))
    assert (await run_cli(backend, monkeypatch, *args)).exit_code == 0

    await TAMPERING[tamper](backend, tid)
    await add_events(tenant_a, 3)  # life goes on: new rows wait to be sealed
    before = await state(backend, tid)

    verified = await run_cli(backend, monkeypatch, "audit", "verify", "-t", slug)
    assert verified.exit_code == 1 and "BROKEN" in verified.stderr
    assert "signed chain head" in verified.stderr
    against = await run_cli(
        backend, monkeypatch, "audit", "verify", "-t", slug, "--against", str(sealed_chain)
    )
    assert against.exit_code == 1 and "the exported head" in against.stderr
    expected = "were deleted" if tamper == "tail truncation" else "link 160 differs"
    assert expected in verified.stderr and expected in against.stderr
    assert await state(backend, tid) == before  # verification wrote nothing
    assert heads.read_alert(backend.settings, tid) is None

    sealed = await run_cli(backend, monkeypatch, "audit", "seal", "-t", slug)
    assert sealed.exit_code == 1 and "NOT sealed" in sealed.stderr and expected in sealed.stderr
    assert any(r.levelname == "ERROR" and "sealing refused" in r.getMessage() for r in caplog.records)
    alert = heads.read_alert(backend.settings, tid)
    assert alert is not None and expected in alert["problem"]
    after = await state(backend, tid)
    assert {k: v for k, v in after.items() if k != "files"} == {
        k: v for k, v in before.items() if k != "files"
    }  # nothing sealed on top of the forgery
    assert heads.read_signed_head(backend.settings, tid)["seq"] == ROWS  # nor signed
    # The seal cron job refuses the same way (and goes on with the other tenants).
    caplog.clear()
    await seal_audit_chains({"settings": backend.settings})
    assert any(str(tid) in r.getMessage() and r.levelname == "ERROR" for r in caplog.records)
    assert await state(backend, tid) == after


async def test_a_stolen_key_re_signing_the_local_head_is_caught_by_an_exported_head(
    backend, tenant_a, sealed_chain, monkeypatch
):
    """A host attacker (who can read the signing key and write the data folder) can make the
    local head agree with a truncated table; a head exported earlier still catches it."""
    tid, slug = tenant_a.ctx.tenant_id, tenant_a.slug
    await truncate_tail(backend, tid)
    last = (
        await owner_sql(
            backend, tid, "select hash from audit_event where tenant_id = $1 and seq = $2", tid, 110
        )
    )[0]
    forged = signing.sign_head(
        signing.private_key(backend.settings), str(tid), 110, last["hash"], "2026-01-01"
    )
    heads.write_signed_head(backend.settings, tid, forged)
    assert (await run_cli(backend, monkeypatch, "audit", "verify", "-t", slug)).exit_code == 0
    against = await run_cli(
        backend, monkeypatch, "audit", "verify", "-t", slug, "--against", str(sealed_chain)
    )
    assert against.exit_code == 1 and "links 111 to 160 were deleted" in against.stderr


async def test_an_exported_head_signed_by_another_key_or_another_tenant_is_refused(
    backend, tenant_a, tenant_b, sealed_chain, monkeypatch, tmp_path
):
    other_key = signing.Ed25519PrivateKey.generate()
    head = json.loads(sealed_chain.read_text())
    forged = tmp_path / "forged.json"
    forged.write_text(
        json.dumps(signing.sign_head(other_key, head["tenant_id"], head["seq"], head["hash"], "x"))
    )
    refused = await run_cli(
        backend, monkeypatch, "audit", "verify", "-t", tenant_a.slug, "--against", str(forged)
    )
    assert refused.exit_code == 1 and "was signed by key" in refused.stderr
    # The public key printed by `audit public-key` is the one that checks the heads.
    printed = await run_cli(backend, monkeypatch, "audit", "public-key")
    assert printed.exit_code == 0 and "BEGIN PUBLIC KEY" in printed.stdout
    pem = tmp_path / "audit.pem"
    pem.write_text(printed.stdout)
    args = ("audit", "verify", "-t", tenant_a.slug, "--against", str(sealed_chain), "--public-key")
    assert (await run_cli(backend, monkeypatch, *args, str(pem))).exit_code == 0
    other_pem = tmp_path / "other.pem"
    other_pem.write_text(signing.public_pem(other_key.public_key()))
    assert (await run_cli(backend, monkeypatch, *args, str(other_pem))).exit_code == 1
    # Another tenant's head proves nothing about this one.
    wrong = await run_cli(
        backend, monkeypatch, "audit", "verify", "-t", tenant_b.slug, "--against", str(sealed_chain)
    )
    assert wrong.exit_code == 1 and "another tenant" in wrong.stderr
    for bad in (tmp_path / "missing.json", pem):
        answer = await run_cli(
            backend, monkeypatch, "audit", "verify", "-t", tenant_a.slug, "--against", str(bad)
        )
        assert answer.exit_code == 2 and answer.stderr.startswith("error: against:")


async def test_verify_reads_only_even_on_a_read_only_app_connection(
    backend, tenant_a, sealed_chain, monkeypatch
):
    tid = tenant_a.ctx.tenant_id
    await add_events(tenant_a, 7)
    before = await state(backend, tid)
    env = {}
    if backend.name == "postgres":
        # The app role, in sessions where every transaction is READ ONLY, and no owner URL.
        env["SALONKEEP_DATABASE_URL"] = read_only = backend.app_url + "?default_transaction_read_only=on"
        conn = await asyncpg.connect(read_only)
        try:
            with pytest.raises(asyncpg.exceptions.ReadOnlySQLTransactionError):
                await conn.execute("create temporary table proof (a int)")
        finally:
            await conn.close()
        monkeypatch.delenv("SALONKEEP_MIGRATION_DATABASE_URL", raising=False)
        backend = dataclasses.replace(
            backend, env={k: v for k, v in backend.env.items() if k != "SALONKEEP_MIGRATION_DATABASE_URL"}
        )
    result = await run_cli(
        backend, monkeypatch, "audit", "verify", "-t", tenant_a.slug, "--against", str(sealed_chain)
    )
    assert result.exit_code == 0, result.output
    assert f"{ROWS} links" in result.stdout and "7 rows not sealed yet" in result.stdout
    assert await state(backend, tid) == before


class _Receiver(BaseHTTPRequestHandler):
    """A webhook endpoint: records each POSTed body; answers 500 while ``failures`` lasts."""

    bodies: list[dict] = []
    failures = 0

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if type(self).failures > 0:
            type(self).failures -= 1
            self.send_response(500)
        else:
            type(self).bodies.append(json.loads(body))
            self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    receiver = type("Receiver", (_Receiver,), {"bodies": [], "failures": 0})
    server = ThreadingHTTPServer(("127.0.0.1", 0), receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/audit-heads", receiver
    server.shutdown()
    server.server_close()


async def test_each_new_head_goes_to_the_folder_and_the_webhook(backend, tenant_a, webhook, tmp_path, caplog):
    url, receiver = webhook
    settings = dataclasses.replace(
        backend.settings, audit_head_webhook=url, audit_head_folder=tmp_path / "heads"
    )
    tid = tenant_a.ctx.tenant_id
    await add_events(tenant_a, 5)
    receiver.failures = 1  # the first delivery fails: logged, retried by the next run
    await chain.seal(settings, tid)
    assert receiver.bodies == [] and "webhook" in caplog.text
    await chain.seal(settings, tid)
    first = heads.read_signed_head(settings, tid)
    assert receiver.bodies == [first]
    await chain.seal(settings, tid)  # no new head: nothing sent again
    assert len(receiver.bodies) == 1
    await add_events(tenant_a, 2)
    await chain.seal(settings, tid)
    second = heads.read_signed_head(settings, tid)
    assert receiver.bodies == [first, second] and second["seq"] > first["seq"]
    public = signing.public_key(settings)
    assert all(signing.signature_problem(body, public) is None for body in receiver.bodies)
    folder = tmp_path / "heads" / str(tid)
    assert sorted(p.name for p in folder.iterdir()) == [
        f"{first['seq']:012d}.json",
        f"{second['seq']:012d}.json",
    ]
    exported = json.loads((folder / f"{first['seq']:012d}.json").read_text())
    assert exported == first
    result = await chain.verify(settings, tid, against=exported)
    assert result.ok and result.against_seq == first["seq"] and result.signed_seq == second["seq"]


async def test_a_seal_that_finds_the_chain_whole_again_clears_the_alert(backend, tenant_a, sealed_chain):
    """Restoring the rows from a backup (here: putting the deleted link back) ends the alert."""
    tid = tenant_a.ctx.tenant_id
    row = (
        await owner_sql(
            backend, tid, "select * from audit_event where tenant_id = $1 and seq = $2", tid, ROWS
        )
    )[0]
    await owner_sql(backend, tid, "delete from audit_event where id = $1", row["id"])
    assert (await chain.seal(backend.settings, tid)).refused
    assert heads.read_alert(backend.settings, tid) is not None
    columns = ", ".join(row)
    params = ", ".join(f"${i}" for i in range(1, len(row) + 1))
    values = [
        v.isoformat() if backend.name == "sqlite" and hasattr(v, "isoformat") else v for v in row.values()
    ]
    await owner_sql(backend, tid, f"insert into audit_event ({columns}) values ({params})", *values)
    assert not (await chain.seal(backend.settings, tid)).refused
    assert heads.read_alert(backend.settings, tid) is None
    assert (await chain.verify(backend.settings, tid)).ok


def test_the_signing_key_is_made_by_migrate_with_its_public_half(sqlite_backend):
    settings = sqlite_backend.settings
    key_file = settings.audit_signing_key_file
    assert key_file.parent == settings.data_dir and key_file.stat().st_mode & 0o077 == 0
    assert signing.public_key_file(settings).read_text() == signing.public_pem(
        signing.private_key(settings).public_key()
    )
    assert not signing.create_signing_key(settings)  # kept, never replaced


def test_head_export_settings(monkeypatch, tmp_path):
    from salonkeep.tenants.settings import SettingsError, load_settings

    monkeypatch.setenv("SALONKEEP_DATA_DIR", str(tmp_path))
    defaults = load_settings()
    assert defaults.audit_head_dir == tmp_path / "audit-head-export"
    assert defaults.audit_signing_key_file == tmp_path / "audit-signing.key"
    monkeypatch.setenv("SALONKEEP_AUDIT_HEAD_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("SALONKEEP_AUDIT_SIGNING_KEY_FILE", str(tmp_path / "keys" / "audit.key"))
    monkeypatch.setenv("SALONKEEP_AUDIT_HEAD_WEBHOOK", "https://heads.example/in")
    configured = load_settings()
    assert configured.audit_head_dir == tmp_path / "elsewhere"
    assert configured.audit_signing_key_file == tmp_path / "keys" / "audit.key"
    assert configured.audit_head_webhook == "https://heads.example/in"
    monkeypatch.setenv("SALONKEEP_AUDIT_HEAD_WEBHOOK", "ftp://heads.example/in")
    with pytest.raises(SettingsError, match="SALONKEEP_AUDIT_HEAD_WEBHOOK"):
        load_settings()


async def test_an_operator_accepts_the_current_chain_on_the_record(
    backend, tenant_a, sealed_chain, monkeypatch
):
    """After the incident is investigated: the chain is signed as it is, the acceptance is an
    audit event in the chain, and the heads exported before still show the break."""
    tid, slug = tenant_a.ctx.tenant_id, tenant_a.slug
    await truncate_tail(backend, tid)
    assert (await chain.seal(backend.settings, tid)).refused
    accept = ("audit", "seal", "-t", slug, "--accept-current-chain")
    for incomplete in (accept, ("audit", "seal", "--accept-current-chain", "--reason", "x")):
        answer = await run_cli(backend, monkeypatch, *incomplete)
        assert answer.exit_code == 2 and answer.stderr.startswith("error: ")
    assert heads.read_alert(backend.settings, tid) is not None
    done = await run_cli(backend, monkeypatch, *accept, "--reason", "rows lost in restore, ticket 42")
    assert done.exit_code == 0, done.output
    assert heads.read_alert(backend.settings, tid) is None
    assert heads.read_signed_head(backend.settings, tid)["seq"] == ROWS - 50 + 1
    event = await owner_sql(
        backend, tid, "select * from audit_event where tenant_id = $1 and seq = $2", tid, 111
    )
    assert event[0]["action"] == chain.ACCEPTED_ACTION and "ticket 42" in event[0]["reason"]
    assert "old head: link 160" in event[0]["reason"] and "were deleted" in event[0]["reason"]
    assert (await run_cli(backend, monkeypatch, "audit", "verify", "-t", slug)).exit_code == 0
    args = ("audit", "verify", "-t", slug, "--against", str(sealed_chain))
    assert (await run_cli(backend, monkeypatch, *args)).exit_code == 1


async def test_a_head_of_the_hmac_era_is_the_starting_point_of_the_next_seal(backend, tenant_a, sealed_chain):
    import hashlib
    import hmac

    from salonkeep.core.keys import master

    tid = tenant_a.ctx.tenant_id
    head = heads.read_signed_head(backend.settings, tid)
    legacy = {k: head[k] for k in ("tenant_id", "seq", "hash", "sealed_at")}
    message = f"{legacy['tenant_id']}|{legacy['seq']}|{legacy['hash']}|{legacy['sealed_at']}".encode()
    mac = hmac.new(master.derive("salonkeep:audit-head"), message, hashlib.sha256).hexdigest()
    heads.write_signed_head(backend.settings, tid, {**legacy, "mac": "0" * 64})
    assert (await chain.seal(backend.settings, tid)).refused  # a forged legacy head is refused
    heads.write_signed_head(backend.settings, tid, {**legacy, "mac": mac})
    assert (await chain.verify(backend.settings, tid)).ok
    assert not (await chain.seal(backend.settings, tid)).refused
    assert heads.read_signed_head(backend.settings, tid)["signature"]  # replaced by a signed head


@pytest.mark.parametrize(
    "edit",
    ["reason = 'edited'", "prev_hash = null", "prev_hash = 'not hex'"],
    ids=["content", "null", "junk"],
)
async def test_an_edit_of_the_signed_link_itself_is_refused(backend, tenant_a, sealed_chain, edit):
    tid = tenant_a.ctx.tenant_id
    await owner_sql(
        backend, tid, f"update audit_event set {edit} where tenant_id = $1 and seq = $2", tid, ROWS
    )
    report = await chain.seal(backend.settings, tid)
    assert "does not match its hash" in report.refused[tid]
    assert not (await chain.verify(backend.settings, tid)).ok
