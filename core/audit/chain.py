"""The per-tenant hash chain over the audit trail: sealing and verification.

* **Sealing** (``salonkeep audit seal`` and the worker's cron job, nothing else) runs as the
  table owner (the app role may not UPDATE audit rows). Per tenant, under a lock, it first
  checks that the stored chain still **extends the last signed head** (the link at the head's
  ``seq`` still hashes to the head's hash, and every later sealed link continues it). If not,
  it refuses: nothing is sealed or signed, an error is logged and an alert is kept in the data
  folder (shown on staff pages to owners and privacy officers) until a seal finds the chain
  whole again. Otherwise it takes the unsealed rows in (occurred_at, id) order, gives each the
  next ``seq``, ``prev_hash`` and ``hash = sha256(prev_hash || canonical row)``, signs the new
  head with the installation's Ed25519 key (:mod:`salonkeep.core.audit.signing`) and exports
  it (:mod:`salonkeep.core.audit.export`).
* **Verification** only reads. It walks the chain in ``seq`` order from the genesis and names
  the first broken link: an edited row (hash mismatch), a deleted row (gap in ``seq``), an
  inserted row (bad hash, or an unsealed row dated inside the already-sealed range); then it
  checks that the chain extends the signed head kept in the data folder and, with
  ``against``, a head exported earlier: deleting the newest rows, or rewriting a row and
  recomputing every later hash, cannot produce the signed hash at the head's ``seq``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from piccolo.engine.base import Engine
from piccolo.querystring import QueryString

from salonkeep.core.audit import export, heads, signing
from salonkeep.core.audit.service import record
from salonkeep.core.audit.tables import AuditEvent
from salonkeep.tenants import clock, db, scoped
from salonkeep.tenants.context import TenantContext
from salonkeep.tenants.errors import SalonkeepError
from salonkeep.tenants.settings import Settings

log = logging.getLogger("salonkeep.audit")
GENESIS = "0" * 64
#: The audit action written when an operator accepts the chain as it is.
ACCEPTED_ACTION = "audit.chain_accepted"
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


#: Hashed only when not empty, so the links sealed before the column existed still verify
#: (an empty value written into an old row, or a value emptied in a new one, breaks its link).
OPTIONAL_CHAIN_FIELDS = ("changes",)


def canonical(row: dict[str, Any], seq: int) -> bytes:
    """The bytes that are hashed for one row: its audited columns and its ``seq``, as JSON."""
    body = {name: _text(row.get(name)) for name in CHAIN_FIELDS}
    body.update({name: _text(row[name]) for name in OPTIONAL_CHAIN_FIELDS if row.get(name)})
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
async def owner_engine(settings: Settings, cluster: str = "") -> AsyncIterator[Engine]:
    """An engine connected as the table owner of the home database (the bound engine when the
    URLs are the same), or of the cluster named ``cluster``
    (``SALONKEEP_MIGRATION_DATABASE_CLUSTERS``)."""
    if cluster:
        owners = dict(settings.migration_database_clusters)
        if cluster not in owners:
            raise SalonkeepError(
                f"no owner URL for the cluster {cluster!r}: add it to SALONKEEP_MIGRATION_DATABASE_CLUSTERS"
            )
        yield db.make_engine(owners[cluster])
        return
    if settings.migration_database_url == settings.database_url:
        yield db.get_engine()
        return
    yield db.make_engine(settings.migration_database_url)


async def _tenant_clusters(engine: Engine, tenant_id: UUID | None) -> dict[str, list[UUID]]:
    """The tenants of the home directory (or only ``tenant_id``) by the cluster they live on."""
    rows = await _q(engine, "select id, database from tenant order by slug")
    found: dict[str, list[UUID]] = {}
    for row in rows:
        if tenant_id is None or UUID(str(row["id"])) == tenant_id:
            found.setdefault(str(row.get("database") or ""), []).append(UUID(str(row["id"])))
    if tenant_id is not None and not found:
        found[""] = [tenant_id]
    return found


async def _still_here(tenant_id: UUID, cluster: str) -> bool:
    """On PostgreSQL, wait while a move of the tenant runs (its lock, shared) and tell whether
    the tenant still lives on this cluster (sealing an old copy would sign the wrong rows)."""
    await db.execute(db.MOVE_LOCK, str(tenant_id))
    rows = await db.execute("select database from tenant where id = {}", tenant_id)
    return not rows or str(rows[0]["database"] or "") == cluster


# The reads below run in a unit of work of the tenant (on the owner's engine when sealing):
# salonkeep.tenants.scoped adds the tenant filter.


async def _last_link() -> dict[str, Any] | None:
    rows = await scoped.rows(
        AuditEvent, "seq, hash, occurred_at", "seq is not null", order_by="seq desc", limit=1
    )
    return rows[0] if rows else None


async def _row_at(seq: int) -> dict[str, Any] | None:
    rows = await scoped.rows(AuditEvent, "*", "seq = {}", seq)
    return rows[0] if rows else None


async def _links_after(seq: int) -> AsyncIterator[dict[str, Any]]:
    """The sealed links after ``seq``, in order (read in batches)."""
    while True:
        rows = await scoped.rows(
            AuditEvent, "*", "seq is not null and seq > {}", seq, order_by="seq", limit=BATCH
        )
        if not rows:
            return
        for row in rows:
            yield row
        seq = int(rows[-1]["seq"])


def link_problem(row: dict[str, Any], expected_seq: int, prev: str) -> str | None:
    """Why ``row`` is not link ``expected_seq`` following ``prev`` (``None`` when it is)."""
    seq = int(row["seq"])
    if seq != expected_seq:
        return f"link {expected_seq} is missing (deleted): the chain jumps to {seq}"
    if row["prev_hash"] != prev:
        return f"link {seq} does not follow link {seq - 1} (a row was changed)"
    if link_hash(prev, row, seq) != row["hash"]:
        return f"link {seq} does not match its hash (the row was edited or inserted)"
    return None


def head_problem(
    label: str, head_seq: int, head_hash: str, end_seq: int, hash_at_head: str | None
) -> str | None:
    """Why a chain ending at ``end_seq`` (with ``hash_at_head`` at the head's link) does not
    extend the head ``(head_seq, head_hash)``; ``None`` when it does."""
    if end_seq < head_seq:
        return (
            f"the chain ends at link {end_seq}, {label} is at link {head_seq}: "
            f"links {end_seq + 1} to {head_seq} were deleted"
        )
    if hash_at_head != head_hash:
        return f"link {head_seq} differs from {label} (the table was rewritten)"
    return None


class ChainTampered(SalonkeepError):
    """The stored chain no longer extends the tenant's last signed head: sealing refuses."""

    def __init__(self, tenant_id: UUID, problem: str) -> None:
        super().__init__(f"audit chain of tenant {tenant_id}: sealing refused: {problem}")
        self.tenant_id = tenant_id
        self.problem = problem


def _hashes_to_itself(row: dict[str, Any], seq: int) -> bool:
    """True when the row's stored hash is the hash of its content after its stored ``prev_hash``."""
    try:
        return link_hash(str(row["prev_hash"]), row, seq) == row["hash"]
    except ValueError:  # prev_hash is not hex (set by hand)
        return False


async def _check_extends_signed_head(
    settings: Settings, tenant_id: UUID, head: dict[str, Any] | None, public: Ed25519PublicKey
) -> tuple[int, str]:
    """Raise :class:`ChainTampered` unless the stored chain extends ``head``; returns the last
    link ``(seq, hash)`` (``(0, GENESIS)`` for an empty chain).

    Reads the link at the head's ``seq`` and the links after it (usually none), not the
    whole chain: a change anywhere before the head either breaks a link, which verification
    finds, or changes the hash at the head, which is refused here."""
    last = await _last_link()
    end_seq = int(last["seq"]) if last else 0
    if head is None:
        if end_seq:
            raise ChainTampered(
                tenant_id,
                f"the chain has {end_seq} sealed links but there is no signed head "
                f"({heads.head_path(settings, tenant_id)} is missing)",
            )
        return 0, GENESIS
    problem = signing.signature_problem(head, public)
    if problem:
        raise ChainTampered(tenant_id, problem)
    head_seq, head_hash = int(head["seq"]), str(head["hash"])
    row = await _row_at(head_seq)
    if row is not None and not _hashes_to_itself(row, head_seq):
        raise ChainTampered(tenant_id, f"link {head_seq} does not match its hash (the row was edited)")
    problem = head_problem(
        "the signed chain head", head_seq, head_hash, end_seq, None if row is None else str(row["hash"])
    )
    if problem:
        raise ChainTampered(tenant_id, problem)
    seq, prev = head_seq, head_hash
    async for link in _links_after(head_seq):
        problem = link_problem(link, seq + 1, prev)
        if problem:
            raise ChainTampered(tenant_id, f"after the signed head: {problem}")
        seq, prev = seq + 1, str(link["hash"])
    return seq, prev


async def seal_tenant(
    engine: Engine,
    settings: Settings,
    tenant_id: UUID,
    key: Ed25519PrivateKey,
    *,
    accept_current: bool = False,
    cluster: str = "",
) -> int:
    """Seal the tenant's unsealed rows (as the owner) and sign the new head; returns how many
    rows were sealed. Raises :class:`ChainTampered` (sealing nothing) when the stored chain
    no longer extends the last signed head, unless ``accept_current`` (see
    :func:`accept_current_chain`)."""
    sealed = 0
    postgres = db.is_postgres(engine)
    async with db.unit_of_work(TenantContext(tenant_id=tenant_id, actor_label="audit seal"), engine=engine):
        if postgres:
            if not await _still_here(tenant_id, cluster):
                return 0  # moved away while this seal waited: its new cluster's seal runs
            await db.execute("select pg_advisory_xact_lock(hashtext({}))", f"audit:{tenant_id}")
        signed = heads.read_signed_head(settings, tenant_id)
        last = await _last_link()
        if accept_current:
            seq, prev = (int(last["seq"]), str(last["hash"])) if last else (0, GENESIS)
            signed = None
        else:
            seq, prev = await _check_extends_signed_head(settings, tenant_id, signed, key.public_key())
        floor = _when(last["occurred_at"]) - SEAL_TOLERANCE if last else None
        now = clock.now()
        while True:
            where, args = ("seq is null and occurred_at >= {}", [floor]) if floor else ("seq is null", [])
            rows = await scoped.rows(AuditEvent, "*", where, *args, order_by="occurred_at, id", limit=BATCH)
            if not rows:
                break
            updates: list[tuple[str, int, str, str]] = []
            for row in rows:
                seq += 1
                digest = link_hash(prev, row, seq)
                updates.append((str(row["id"]), seq, prev, digest))
                prev = digest
            await _write_links(postgres, updates, now)
            sealed += len(updates)
    already_signed = signed is not None and "signature" in signed and signed["seq"] == seq
    if seq and not already_signed:
        heads.write_signed_head(
            settings, tenant_id, signing.sign_head(key, str(tenant_id), seq, prev, now.isoformat())
        )
    heads.clear_alert(settings, tenant_id)
    return sealed


async def _write_links(postgres: bool, updates: list[tuple[str, int, str, str]], now: datetime) -> None:
    """Write the links, by the ids of rows just read in the tenant's unit of work (row-level
    security set to that tenant applies on PostgreSQL)."""
    if postgres:
        await db.execute(
            "update audit_event a set seq = v.seq, prev_hash = v.prev, hash = v.h, sealed_at = {} "
            "from unnest({}::uuid[], {}::bigint[], {}::text[], {}::text[]) as v(id, seq, prev, h) "
            "where a.id = v.id",
            now,
            [u[0] for u in updates],
            [u[1] for u in updates],
            [u[2] for u in updates],
            [u[3] for u in updates],
        )
        return
    for row_id, row_seq, row_prev, digest in updates:
        await db.execute(
            "update audit_event set seq = {}, prev_hash = {}, hash = {}, sealed_at = {} where id = {}",
            row_seq,
            row_prev,
            digest,
            now,
            row_id,
        )


@dataclass
class SealReport:
    """What a seal run did: rows sealed per tenant, and the tenants whose sealing was refused
    (with the reason)."""

    sealed: dict[UUID, int] = field(default_factory=dict)
    refused: dict[UUID, str] = field(default_factory=dict)


async def seal(settings: Settings, tenant_id: UUID | None = None) -> SealReport:
    """Seal one tenant's chain, or every tenant's, and export each tenant's signed head.

    A tenant whose stored chain no longer extends its signed head is refused: an error is
    logged, the alert is kept (:func:`heads.raise_alert`) and the others are still sealed."""
    key = signing.private_key(settings)
    report = SealReport()
    async with owner_engine(settings) as home:
        placed = await _tenant_clusters(home, tenant_id)
    for cluster, ids in placed.items():
        if cluster and cluster not in dict(settings.migration_database_clusters):
            for tid in ids:
                problem = f"no owner URL for its cluster {cluster!r} (SALONKEEP_MIGRATION_DATABASE_CLUSTERS)"
                log.error("audit chain of tenant %s not sealed: %s", tid, problem)
                report.refused[tid] = problem
            continue
        async with owner_engine(settings, cluster) as engine:
            for tid in ids:
                try:
                    report.sealed[tid] = await seal_tenant(engine, settings, tid, key, cluster=cluster)
                except ChainTampered as exc:
                    log.error("%s", exc)
                    heads.raise_alert(settings, tid, exc.problem)
                    report.refused[tid] = exc.problem
                signed = heads.read_signed_head(settings, tid)
                if signed is not None and "signature" in signed:
                    await export.publish(settings, tid, signed)
    return report


async def accept_current_chain(settings: Settings, tenant_id: UUID, reason: str) -> int:
    """The way out after an incident has been investigated (or the signing key was lost):
    record an ``audit.chain_accepted`` event naming the reason and the standing alert, then
    seal and sign the chain as it is now, without checking it against the old head. Heads
    exported before still tell the story (``verify --against`` one of them fails), and the
    event itself is part of the chain. Returns the number of rows sealed."""
    standing = heads.read_alert(settings, tenant_id) or {}
    old = heads.read_signed_head(settings, tenant_id) or {}
    note = (
        f"{reason.strip()} (old head: link {old.get('seq', '-')}; alert: {standing.get('problem', 'none')})"
    )
    await record(
        ACCEPTED_ACTION,
        subject="audit_chain",
        reason=note,
        ctx=TenantContext(tenant_id=tenant_id, actor_label="cli: audit seal --accept-current-chain"),
    )
    key = signing.private_key(settings)
    async with owner_engine(settings) as home:
        cluster = next(iter(await _tenant_clusters(home, tenant_id)))
    async with owner_engine(settings, cluster) as engine:
        sealed = await seal_tenant(engine, settings, tenant_id, key, accept_current=True, cluster=cluster)
    log.warning("audit chain of tenant %s accepted as it is and signed again: %s", tenant_id, note)
    signed = heads.read_signed_head(settings, tenant_id)
    if signed is not None:
        await export.publish(settings, tenant_id, signed)
    return sealed


@dataclass(frozen=True)
class Verification:
    """The outcome of :func:`verify`. ``broken_seq`` names the first broken link; ``rows`` and
    ``head_*`` describe the sealed chain as far as it was checked."""

    tenant_id: UUID
    ok: bool
    rows: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    problem: str = ""
    signed_head_checked: bool = False
    signed_seq: int | None = None
    against_seq: int | None = None
    unsealed: int = 0


async def verify(
    settings: Settings,
    tenant_id: UUID,
    *,
    against: dict[str, Any] | None = None,
    public: Ed25519PublicKey | None = None,
) -> Verification:
    """Recompute the tenant's chain from the genesis and check that it extends the signed head
    of the data folder and, when given, the exported head ``against`` (signatures checked
    with ``public``, by default the installation's public key). Reads only: the app role's
    SELECT is enough, nothing is sealed, signed or written."""
    public = public or signing.public_key(settings)
    signed = heads.read_signed_head(settings, tenant_id)
    expected_seq = 0
    prev = GENESIS

    def broken(seq: int | None, problem: str) -> Verification:
        return Verification(tenant_id, False, expected_seq, expected_seq, prev, seq, problem)

    checks: list[tuple[str, dict[str, Any] | None]] = [("the signed chain head", signed)]
    if against is not None:
        checks.insert(0, ("the exported head", against))
    for label, head in checks:
        if head is None:
            continue
        problem = signing.signature_problem(head, public, label)
        if problem is None and head.get("tenant_id") != str(tenant_id):
            problem = f"{label} belongs to another tenant ({head.get('tenant_id')})"
        if problem:
            return broken(None, problem)
    wanted = {int(head["seq"]) for _, head in checks if head is not None}
    hashes: dict[int, str] = {}
    last_when: datetime | None = None
    async with db.unit_of_work(TenantContext(tenant_id=tenant_id, actor_label="audit verify")):
        async for row in _links_after(0):
            problem = link_problem(row, expected_seq + 1, prev)
            if problem:
                return broken(expected_seq + 1, problem)
            expected_seq = int(row["seq"])
            prev = str(row["hash"])
            last_when = _when(row["occurred_at"])
            if expected_seq in wanted:
                hashes[expected_seq] = prev
        if last_when is not None:
            stray = await scoped.rows(
                AuditEvent,
                "id, occurred_at",
                "seq is null and occurred_at < {}",
                last_when - SEAL_TOLERANCE,
                order_by="occurred_at",
                limit=1,
            )
            if stray:
                return broken(
                    None,
                    f"row {stray[0]['id']} dated {_text(_when(stray[0]['occurred_at']))} was inserted "
                    "into the sealed range",
                )
        unsealed = await scoped.rows(AuditEvent, "count(*) as n", "seq is null")
    for label, head in checks:
        if head is None:
            continue
        head_seq = int(head["seq"])
        problem = head_problem(label, head_seq, str(head["hash"]), expected_seq, hashes.get(head_seq))
        if problem:
            return broken(min(head_seq, expected_seq + 1), problem)
    if signed is None and expected_seq:
        return broken(
            None,
            f"the chain has {expected_seq} sealed links but there is no signed head "
            f"({heads.head_path(settings, tenant_id)} is missing)",
        )
    return Verification(
        tenant_id,
        True,
        expected_seq,
        expected_seq,
        prev,
        signed_head_checked=signed is not None,
        signed_seq=None if signed is None else int(signed["seq"]),
        against_seq=None if against is None else int(against["seq"]),
        unsealed=int(unsealed[0]["n"]) if unsealed else 0,
    )
