"""The per-tenant hash chain over the audit trail: sealing, verification, the signed head.

* **Sealing** (``salonkeep audit seal``, a worker cron job, and before every verification)
  runs as the table owner (the app role may not UPDATE audit rows). Per tenant, under a lock,
  it takes the unsealed rows in (occurred_at, id) order and gives each the next ``seq``,
  ``prev_hash`` and ``hash = sha256(prev_hash || canonical row)``.
* **Verification** walks the chain in ``seq`` order and names the first broken link: an edited
  row (hash mismatch), a deleted row (gap in ``seq``), an inserted row (bad hash, or an
  unsealed row dated inside the already-sealed range).
* **The signed head**: after sealing, ``(tenant, seq, hash)`` is signed with an HMAC key derived
  from the master key and written to ``$DATA_DIR/audit-heads/<tenant>.json``. Someone who
  rewrites the whole table and recomputes every hash still cannot produce a matching head.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from piccolo.engine.base import Engine
from piccolo.querystring import QueryString

from salonkeep.core.keys import master
from salonkeep.tenants import clock, db
from salonkeep.tenants.settings import Settings

GENESIS = "0" * 64
#: Rows committed this much later than their timestamp are still sealed in order; older
#: unsealed rows inside the sealed range are reported as inserted.
SEAL_TOLERANCE = timedelta(minutes=5)
BATCH = 2000
CHAIN_FIELDS = (
    "id",
    "tenant_id",
    "occurred_at",
    "actor_id",
    "actor_label",
    "role",
    "branch_id",
    "ip",
    "action",
    "subject",
    "subject_id",
    "client_id",
    "fields",
    "reason",
)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return str(value)


def _when(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def canonical(row: dict[str, Any], seq: int) -> bytes:
    """The bytes that are hashed for one row: its audited columns and its ``seq``, as JSON."""
    body = {name: _text(row.get(name)) for name in CHAIN_FIELDS}
    if body["occurred_at"] is not None:
        body["occurred_at"] = _text(_when(row["occurred_at"]))
    body["seq"] = str(seq)
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link_hash(prev_hash: str, row: dict[str, Any], seq: int) -> str:
    """``sha256(prev_hash || canonical(row))`` in hex."""
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical(row, seq)).hexdigest()


async def _q(engine: Engine, sql: str, *args: Any) -> list[dict[str, Any]]:
    rows = await engine.run_querystring(QueryString(sql, *args))
    return [dict(r) for r in rows or []]


@asynccontextmanager
async def owner_engine(settings: Settings) -> AsyncIterator[Engine]:
    """An engine connected as the table owner (the bound engine when the URLs are the same)."""
    if settings.migration_database_url == settings.database_url:
        yield db.get_engine()
        return
    yield db.make_engine(settings.migration_database_url)


async def _tenant_ids(engine: Engine) -> list[UUID]:
    return [UUID(str(r["id"])) for r in await _q(engine, "select id from tenant order by slug")]


@dataclass(frozen=True)
class ChainHead:
    """The last sealed link of a tenant's chain."""

    tenant_id: UUID
    seq: int
    hash: str
    sealed_at: str

    def signed(self) -> dict[str, Any]:
        """The head as JSON, with its HMAC."""
        body = {
            "tenant_id": str(self.tenant_id),
            "seq": self.seq,
            "hash": self.hash,
            "sealed_at": self.sealed_at,
        }
        return {**body, "mac": _mac(body)}


def _mac(body: dict[str, Any], master_key: bytes | None = None) -> str:
    key = master.derive("salonkeep:audit-head", master_key)
    message = f"{body['tenant_id']}|{body['seq']}|{body['hash']}|{body['sealed_at']}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def head_path(settings: Settings, tenant_id: UUID) -> Path:
    """Where the signed chain head of a tenant is kept."""
    return settings.data_dir / "audit-heads" / f"{tenant_id}.json"


def read_signed_head(settings: Settings, tenant_id: UUID) -> dict[str, Any] | None:
    """The signed head last written for the tenant, or ``None``."""
    path = head_path(settings, tenant_id)
    if not path.exists():
        return None
    return dict(json.loads(path.read_text()))


def _write_head(settings: Settings, head: ChainHead) -> None:
    path = head_path(settings, head.tenant_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(head.signed(), indent=2) + "\n")
    tmp.replace(path)


async def _last_link(engine: Engine, tenant_id: UUID) -> dict[str, Any] | None:
    rows = await _q(
        engine,
        "select seq, hash, occurred_at from audit_event where tenant_id = {} and seq is not null "
        "order by seq desc limit 1",
        tenant_id,
    )
    return rows[0] if rows else None


async def seal_tenant(engine: Engine, settings: Settings, tenant_id: UUID) -> int:
    """Seal the tenant's unsealed rows (as the owner); returns how many were sealed."""
    sealed = 0
    postgres = db.is_postgres(engine)
    async with engine.transaction():
        if postgres:
            await _q(engine, "select set_config('salonkeep.tenant_id', {}, true)", str(tenant_id))
            await _q(engine, "select pg_advisory_xact_lock(hashtext({}))", f"audit:{tenant_id}")
        last = await _last_link(engine, tenant_id)
        seq = int(last["seq"]) if last else 0
        prev = str(last["hash"]) if last else GENESIS
        floor = _when(last["occurred_at"]) - SEAL_TOLERANCE if last else None
        now = clock.now()
        while True:
            sql = "select * from audit_event where tenant_id = {} and seq is null"
            args: list[Any] = [tenant_id]
            if floor is not None:
                sql += " and occurred_at >= {}"
                args.append(floor)
            rows = await _q(engine, sql + " order by occurred_at, id limit {}", *args, BATCH)
            if not rows:
                break
            updates: list[tuple[str, int, str, str]] = []
            for row in rows:
                seq += 1
                digest = link_hash(prev, row, seq)
                updates.append((str(row["id"]), seq, prev, digest))
                prev = digest
            if postgres:
                await _q(
                    engine,
                    "update audit_event a set seq = v.seq, prev_hash = v.prev, hash = v.h, sealed_at = {} "
                    "from unnest({}::uuid[], {}::bigint[], {}::text[], {}::text[]) as v(id, seq, prev, h) "
                    "where a.id = v.id and a.tenant_id = {}",
                    now,
                    [u[0] for u in updates],
                    [u[1] for u in updates],
                    [u[2] for u in updates],
                    [u[3] for u in updates],
                    tenant_id,
                )
            else:
                for row_id, row_seq, row_prev, digest in updates:
                    await _q(
                        engine,
                        "update audit_event set seq = {}, prev_hash = {}, hash = {}, sealed_at = {} "
                        "where id = {}",
                        row_seq,
                        row_prev,
                        digest,
                        now,
                        row_id,
                    )
            sealed += len(updates)
    if seq:
        _write_head(settings, ChainHead(tenant_id, seq, prev, now.isoformat()))
    return sealed


async def seal(settings: Settings, tenant_id: UUID | None = None) -> dict[UUID, int]:
    """Seal one tenant's chain, or every tenant's; returns rows sealed per tenant."""
    async with owner_engine(settings) as engine:
        ids = [tenant_id] if tenant_id is not None else await _tenant_ids(engine)
        return {tid: await seal_tenant(engine, settings, tid) for tid in ids}


@dataclass(frozen=True)
class Verification:
    """The outcome of :func:`verify`. ``broken_seq`` names the first broken link."""

    tenant_id: UUID
    ok: bool
    rows: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    problem: str = ""
    signed_head_checked: bool = False


async def verify(settings: Settings, tenant_id: UUID, master_key: bytes | None = None) -> Verification:
    """Recompute the tenant's chain and compare it with the signed head (reads only)."""
    engine = db.get_engine()
    expected_seq = 0
    prev = GENESIS
    last_when: datetime | None = None

    signed = read_signed_head(settings, tenant_id)
    at_head: list[dict[str, Any]] = []

    def broken(seq: int | None, problem: str) -> Verification:
        return Verification(tenant_id, False, expected_seq, expected_seq, prev, seq, problem)

    async with engine.transaction():
        await db.set_tenant_for_rls(tenant_id)
        while True:
            rows = await _q(
                engine,
                "select * from audit_event where tenant_id = {} and seq is not null and seq > {} "
                "order by seq limit {}",
                tenant_id,
                expected_seq,
                BATCH,
            )
            if not rows:
                break
            for row in rows:
                seq = int(row["seq"])
                if seq != expected_seq + 1:
                    return broken(
                        expected_seq + 1,
                        f"link {expected_seq + 1} is missing (deleted): the chain jumps to {seq}",
                    )
                if row["prev_hash"] != prev:
                    return broken(seq, f"link {seq} does not follow link {seq - 1} (a row was changed)")
                if link_hash(prev, row, seq) != row["hash"]:
                    return broken(seq, f"link {seq} does not match its hash (the row was edited or inserted)")
                expected_seq = seq
                prev = str(row["hash"])
                last_when = _when(row["occurred_at"])
        if last_when is not None:
            stray = await _q(
                engine,
                "select id, occurred_at from audit_event where tenant_id = {} and seq is null "
                "and occurred_at < {} order by occurred_at limit 1",
                tenant_id,
                last_when - SEAL_TOLERANCE,
            )
            if stray:
                return broken(
                    None,
                    f"row {stray[0]['id']} dated {_text(_when(stray[0]['occurred_at']))} was inserted "
                    "into the sealed range",
                )
        if signed is not None:
            at_head = await _q(
                engine,
                "select hash from audit_event where tenant_id = {} and seq = {}",
                tenant_id,
                int(signed.get("seq") or 0),
            )
    if signed is not None:
        body = {k: signed.get(k) for k in ("tenant_id", "seq", "hash", "sealed_at")}
        if not hmac.compare_digest(str(signed.get("mac", "")), _mac(body, master_key)):
            return broken(None, "the signed chain head file has a bad signature")
        head_seq = int(signed["seq"])
        if expected_seq < head_seq:
            return broken(
                expected_seq + 1, f"the chain ends at {expected_seq}, the signed head is at {head_seq}"
            )
        if not at_head or at_head[0]["hash"] != signed["hash"]:
            return broken(
                head_seq, f"link {head_seq} differs from the signed chain head (the table was rewritten)"
            )
    return Verification(
        tenant_id, True, expected_seq, expected_seq, prev, signed_head_checked=signed is not None
    )


async def seal_and_verify(settings: Settings, tenant_id: UUID) -> Verification:
    """Seal first (as ``salonkeep audit verify`` does), then verify."""
    await seal(settings, tenant_id)
    return await verify(settings, tenant_id)


async def current_head(settings: Settings, tenant_id: UUID) -> dict[str, Any] | None:
    """The signed head for ``salonkeep audit head`` (after sealing)."""
    await seal(settings, tenant_id)
    return read_signed_head(settings, tenant_id)


async def verify_with_any_master(settings: Settings, tenant_id: UUID) -> Verification:
    """Verify, accepting a head signed by any configured master key (during a key change)."""
    result = await verify(settings, tenant_id)
    if result.ok:
        return result
    for key in master.known_keys().values():
        again = await verify(settings, tenant_id, key)
        if again.ok:
            return again
    return result
