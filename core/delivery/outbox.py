"""The outbox: message touchpoints claimed in batches, and what became of them.

A claim is one statement (:func:`salonkeep.tenants.scoped.claim_rows`): due ``queued`` rows, and
``sending`` rows whose lease has expired (their worker died), become ``sending`` with this
claim's token and a lease. Every later write of the batch is guarded by the token, so a
worker that lost its lease (it was too slow, another one took the rows over) changes nothing.

All the outcomes of a batch are written with a handful of statements (one per kind of
outcome), never one per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from salonkeep.core.aftercare.tables import Touchpoint
from salonkeep.tenants import db, scoped

DUE = (
    "kind = 'message' and ((status = 'queued' and next_attempt_at <= {}) "
    "or (status = 'sending' and lease_until <= {}))"
)
CLAIM = "status = 'sending', lease_until = {}, claimed_by = {}, claim_recovered = (status = 'sending')"


@dataclass(frozen=True, slots=True)
class Claimed:
    """A claimed message: the touchpoint columns delivery reads (a plain object: building a
    piccolo row per message was the largest cost of a batch)."""

    id: UUID
    tenant_id: UUID
    client_id: UUID
    branch_id: UUID
    programme: str
    purpose: str
    channel: str | None
    title: str
    script: str
    template: str | None
    template_vars: Any
    attempts: int
    claim_recovered: bool
    claimed_by: str | None


_CLAIMED = tuple(Claimed.__dataclass_fields__)


async def claim(token: str, now: datetime, lease_seconds: int, limit: int) -> list[Claimed]:
    """Claim up to ``limit`` due messages of the current tenant for ``token`` (inside a unit of
    work); oldest first."""
    lease = now + timedelta(seconds=lease_seconds)
    rows = await scoped.claim_rows(
        Touchpoint, CLAIM, (lease, token), DUE, now, now, order_by="next_attempt_at, id", limit=limit
    )
    return [Claimed(*(row[name] for name in _CLAIMED)) for row in rows]  # type: ignore[arg-type]


def _marks(count: int) -> str:
    return ", ".join(["{}"] * count)


_TIMESTAMP = "timestamptz"


def _case(ids: Sequence[UUID], values: Sequence[object], cast: str = "") -> tuple[str, list[object]]:
    """``case id when {} then {} … end`` and its arguments (values cast on PostgreSQL, which
    cannot infer a parameter's type there)."""
    then = f"{{}}::{cast}" if cast and db.is_postgres(db.get_engine()) else "{}"
    parts = " ".join(f"when {{}} then {then}" for _ in ids)
    args: list[object] = []
    for id_, value in zip(ids, values, strict=True):
        args += [id_, value]
    return f"case id {parts} end", args


@dataclass(frozen=True)
class Outcome:
    """What to write for one claimed row."""

    id: UUID
    status: str  # sent | suppressed | failed | retry | deferred | to_call
    reason: str = ""
    channel: str | None = None
    provider_ref: str = ""
    next_attempt_at: datetime | None = None
    possible_duplicate: bool = False


async def _update(
    ids: Sequence[UUID], token: str, assignments: str, assignment_args: Sequence[object]
) -> None:
    if not ids:
        return
    where = f"claimed_by = {{}} and status = 'sending' and id in ({_marks(len(ids))})"
    await scoped.update_rows(
        Touchpoint, assignments, where, token, *ids, assignment_args=tuple(assignment_args)
    )


async def finish(token: str, now: datetime, outcomes: Iterable[Outcome]) -> None:
    """Write the outcomes of a batch claimed with ``token`` (inside a unit of work)."""
    groups: dict[tuple[str, str, str | None], list[Outcome]] = defaultdict(list)
    timed: dict[str, list[Outcome]] = defaultdict(list)
    duplicates: list[UUID] = []
    calls: list[UUID] = []
    for outcome in outcomes:
        if outcome.possible_duplicate:
            duplicates.append(outcome.id)
        if outcome.status in ("retry", "deferred"):
            timed[outcome.status].append(outcome)
        elif outcome.status == "to_call":
            calls.append(outcome.id)
        else:
            groups[(outcome.status, outcome.reason, outcome.channel)].append(outcome)
    if duplicates:
        # Before the status changes: the guard below needs the row still "sending".
        await _update(duplicates, token, "possible_duplicates = possible_duplicates + 1", ())
    if calls:
        # The client prefers a call: the message becomes a call due now (its text the script).
        becomes_call = (
            "kind = 'call', status = 'planned', due_at = {}, channel = null, last_error = '', "
            "lease_until = null, claimed_by = null, claim_recovered = false"
        )
        await _update(calls, token, becomes_call, [now])
    for (status, reason, channel), items in groups.items():
        ids = [o.id for o in items]
        refs = [o.provider_ref for o in items]
        assignments = (
            "status = {}, last_error = {}, channel = coalesce({}, channel), completed_at = {}, "
            "lease_until = null, claimed_by = null, claim_recovered = false"
        )
        args: list[object] = [status, reason, channel, now]
        if any(refs):
            case, case_args = _case(ids, refs)
            assignments += f", provider_ref = {case}"
            args += case_args
        await _update(ids, token, assignments, args)
    for status, items in timed.items():
        ids = [o.id for o in items]
        when, when_args = _case(ids, [o.next_attempt_at for o in items], cast=_TIMESTAMP)
        why, why_args = _case(ids, [o.reason for o in items])
        bump = ", attempts = attempts + 1" if status == "retry" else ""
        assignments = (
            f"status = 'queued', next_attempt_at = {when}, last_error = {why}, "
            f"lease_until = null, claimed_by = null, claim_recovered = false{bump}"
        )
        await _update(ids, token, assignments, [*when_args, *why_args])


async def extend(token: str, until: datetime) -> None:
    """Extend the lease of the rows still held by the claim ``token`` (inside a unit of work)."""
    held = "claimed_by = {} and status = 'sending'"
    await scoped.update_rows(Touchpoint, "lease_until = {}", held, token, assignment_args=(until,))


async def counts_by_status() -> Mapping[str, int]:
    """How many messages of the current tenant are in each status."""
    rows = await scoped.rows(Touchpoint, "status, count(*) as n", "kind = 'message'", group_by="status")
    return {str(r["status"]): int(r["n"]) for r in rows}
