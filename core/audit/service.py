"""Writing and reading audit events.

:func:`record` is the request path: one plain INSERT inside the caller's unit of work (it
reads nothing, so audited requests of one tenant never wait for each other). Hashing into the
chain happens later, in batches (:mod:`salonkeep.core.audit.chain`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from piccolo.columns.combination import Combinable

from salonkeep.core.access import Action, Forbidden, can
from salonkeep.core.audit.tables import AuditEvent
from salonkeep.tenants import clock, read_request, scoped
from salonkeep.tenants.context import TenantContext, current
from salonkeep.tenants.db import current_scope, in_replica_scope, replica_unit_of_work, unit_of_work


class AuditAction(StrEnum):
    """What was done. Free-form strings work too; these are the ones the core writes."""

    VIEW = "view"
    SEARCH = "search"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    EXPORT = "export"
    ERASE = "erase"
    RESTRICT = "restrict"
    CONSENT_GRANT = "consent.grant"
    CONSENT_WITHDRAW = "consent.withdraw"
    MESSAGE_SENT = "message.sent"
    MESSAGE_SUPPRESSED = "message.suppressed"
    MESSAGE_FAILED = "message.failed"
    MESSAGE_STATUS = "message.status"
    DISCLOSURE = "disclosure"
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in.failed"
    SIGN_OUT = "sign_out"
    KEY_ROTATION = "keys.rotate"
    POLICY_PUBLISH = "policy.publish"
    SETTINGS_CHANGE = "settings.change"
    STAFF_CHANGE = "staff.change"
    STAFF_IMPORT = "staff.import"
    STAFF_HOURS = "staff.hours"
    BRANCH_CREATE = "branch.create"
    ACCOUNT_CHANGE = "account.change"
    API_KEY_CREATE = "api_key.create"
    API_KEY_REVOKE = "api_key.revoke"


#: A value kept in :attr:`FieldChange.before` / ``after``: plain JSON, never a secret.
ChangeValue = str | int | float | bool | list[str] | None

#: Words that make a field secret wherever they stand in its name (``smtp_password``,
#: ``api_key``, ``totp_secret``): only the name of such a field is audited, never a value.
SECRET_WORDS = frozenset(
    {"password", "passwd", "secret", "token", "pin", "totp", "key", "credential", "credentials", "hash"}
)
#: Longer text values are cut to this many characters (a message template's wording).
MAX_VALUE_CHARS = 120


def is_secret(field: str) -> bool:
    """True when ``field`` names a secret (see :data:`SECRET_WORDS`): its values are never kept."""
    return any(part in SECRET_WORDS for part in re.split(r"[._/\-]+", field.lower()))


def _plain_value(value: object) -> ChangeValue:
    """``value`` as plain JSON for the trail: text cut to :data:`MAX_VALUE_CHARS`, collections
    as sorted lists of text, anything else as its text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(str(_plain_value(v)) for v in value)
    if isinstance(value, Mapping):
        value = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    text = str(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


@dataclass(frozen=True)
class FieldChange:
    """One changed field of a settings or staff event: its value before and after. Build it
    with :func:`field_change` or :func:`changes_between` (they drop secrets)."""

    field: str
    before: ChangeValue
    after: ChangeValue


def field_change(field: str, before: object, after: object) -> FieldChange | None:
    """The change of ``field`` from ``before`` to ``after`` (``None`` when equal or secret)."""
    if is_secret(field):
        return None
    old, new = _plain_value(before), _plain_value(after)
    return None if old == new else FieldChange(field, old, new)


def changes_between(
    before: Mapping[str, object], after: Mapping[str, object], prefix: str = ""
) -> list[FieldChange]:
    """The changed non-secret keys of two mappings (a missing key counts as ``None``), named
    ``prefix + key``, in key order."""
    found = []
    for key in sorted({*before, *after}):
        change = field_change(f"{prefix}{key}", before.get(key), after.get(key))
        if change is not None:
            found.append(change)
    return found


def _dump_changes(changes: Iterable[FieldChange]) -> str:
    rows = [{"field": c.field, "from": c.before, "to": c.after} for c in changes if not is_secret(c.field)]
    if not rows:
        return ""
    return json.dumps(rows, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def parse_changes(text: str | None) -> tuple[FieldChange, ...]:
    """The changes stored in an event's ``changes`` column (unreadable text: none)."""
    if not text:
        return ()
    try:
        rows = json.loads(text)
    except ValueError:
        return ()
    if not isinstance(rows, list):
        return ()
    return tuple(
        FieldChange(str(r.get("field", "")), r.get("from"), r.get("to")) for r in rows if isinstance(r, dict)
    )


def _clean_fields(fields: Iterable[str]) -> str:
    return ",".join(sorted({f.strip() for f in fields if f and f.strip()}))


async def record(
    action: AuditAction | str,
    *,
    client_id: UUID | None = None,
    subject: str = "client",
    subject_id: UUID | None = None,
    fields: Iterable[str] = (),
    reason: str = "",
    changes: Iterable[FieldChange] = (),
    ctx: TenantContext | None = None,
) -> None:
    """Write one audit event for the current (or given) context: actor, role, branch, IP, time.

    ``fields`` are field *names*; never pass values. A settings or staff change passes
    ``changes`` (:func:`changes_between`, :func:`field_change`): the before and after values
    of its non-secret fields, whose names are added to ``fields``. Call it inside the unit of work of the
    action it audits, so both commit or roll back together (it joins that transaction).
    The web sign-in calls ``record(AuditAction.SIGN_IN, subject="staff", subject_id=staff.id,
    ctx=...)``; a delivery channel calls ``record(AuditAction.MESSAGE_SENT, client_id=...,
    fields=["email"], reason="birthday greeting")``.

    Within a read-only request (a page or an API GET, :mod:`salonkeep.tenants.read_request`)
    the views of one client by the person are merged: one row per client and request, naming
    every field and part (history, touchpoints…) the request showed, written before the
    request's transaction commits and so before the response leaves.
    """
    ctx = ctx or current()
    request = read_request.active()
    about_the_client = client_id is not None and subject_id in (None, client_id)
    if request is not None and str(action) == AuditAction.VIEW and about_the_client:
        assert client_id is not None
        _merge_view(request, ctx, client_id, subject, fields, reason)
        return
    changes = tuple(changes)
    fields = [*fields, *(c.field for c in changes)]
    row = _values(str(action), client_id, subject, subject_id, fields, reason, ctx, clock.now())
    row["changes"] = _dump_changes(changes)
    await _write(ctx, [row])


@dataclass
class _MergedView:
    ctx: TenantContext
    client_id: UUID
    subject: str
    occurred_at: datetime
    fields: set[str]
    reasons: list[str]

    def row(self) -> dict[str, object]:
        """The audit row of this merged view."""
        reason = "; ".join(self.reasons)
        view, subject, client = str(AuditAction.VIEW), self.subject, self.client_id
        return _values(view, client, subject, None, self.fields, reason, self.ctx, self.occurred_at)


#: The request memo key of the merged views still to write.
_PENDING_VIEWS = "audit.views"


async def _write_views(views: list[_MergedView]) -> None:
    """The merged views of a request, with multi-row INSERTs (a calendar shows hundreds of
    clients: one statement per 200 rows, not one per client), grouped by context."""
    by_context: dict[int, list[_MergedView]] = {}
    for view in views:
        by_context.setdefault(id(view.ctx), []).append(view)
    for group in by_context.values():
        await _write(group[0].ctx, [view.row() for view in group])


def _merge_view(
    request: read_request.ReadRequest,
    ctx: TenantContext,
    client_id: UUID,
    subject: str,
    fields: Iterable[str],
    reason: str,
) -> None:
    key = ("audit.view", ctx.tenant_id, ctx.actor_id, ctx.actor_label, ctx.role, client_id)
    merged = request.memo.get(key)
    if merged is None:
        merged = _MergedView(ctx, client_id, subject, clock.now(), set(), [])
        request.memo[key] = merged
        pending: list[_MergedView] = request.memo.setdefault(_PENDING_VIEWS, [])
        if not pending:
            request.before_commit(_PENDING_VIEWS, lambda: _write_views(pending))
        pending.append(merged)
    merged.fields.update(fields)
    if reason and reason not in merged.reasons:
        merged.reasons.append(reason)


def _values(
    action: str,
    client_id: UUID | None,
    subject: str,
    subject_id: UUID | None,
    fields: Iterable[str],
    reason: str,
    ctx: TenantContext,
    occurred_at: datetime,
) -> dict[str, object]:
    return {
        "id": uuid4(),
        "occurred_at": occurred_at,
        "actor_id": ctx.actor_id,
        "actor_label": ctx.actor_label[:200],
        "role": ctx.role,
        "branch_id": ctx.branch_id,
        "ip": (ctx.ip or None) and ctx.ip[:64],
        "action": action,
        "subject": subject,
        "subject_id": subject_id if subject_id is not None else client_id,
        "client_id": client_id,
        "fields": _clean_fields(fields),
        "reason": reason[:200],
    }


async def _write(ctx: TenantContext, rows: list[dict[str, object]]) -> None:
    if current_scope() == ctx.tenant_id and not in_replica_scope():
        # Inside the caller's unit of work (tenant already set for RLS): one INSERT, no more.
        # (A read on the replica writes its audit rows to the primary, in a unit of its own.)
        await _insert_rows(rows)
        return
    async with unit_of_work(ctx):
        await _insert_rows(rows)


async def _insert_rows(rows: list[dict[str, object]]) -> None:
    await scoped.insert_many(AuditEvent, rows)


@dataclass(frozen=True)
class AuditItem:
    """One event of :func:`record_many`."""

    action: str
    client_id: UUID | None
    subject: str = "client"
    subject_id: UUID | None = None
    fields: tuple[str, ...] = ()
    reason: str = ""
    changes: tuple[FieldChange, ...] = ()


async def record_many(
    items: Iterable[AuditItem], *, ctx: TenantContext | None = None, chunk: int = 200
) -> None:
    """Write many audit events of one context with a few multi-row INSERTs (the delivery
    workers audit every message of a batch this way). Call it inside a unit of work."""
    ctx = ctx or current()
    at = clock.now()
    rows: list[dict[str, object]] = [
        {
            "id": uuid4(),
            "occurred_at": at,
            "actor_id": ctx.actor_id,
            "actor_label": ctx.actor_label[:200],
            "role": ctx.role,
            "branch_id": ctx.branch_id,
            "ip": (ctx.ip or None) and ctx.ip[:64],
            "action": str(item.action),
            "subject": item.subject,
            "subject_id": item.subject_id if item.subject_id is not None else item.client_id,
            "client_id": item.client_id,
            "fields": _clean_fields([*item.fields, *(c.field for c in item.changes)]),
            "reason": item.reason[:200],
            "changes": _dump_changes(item.changes),
        }
        for item in items
    ]
    await scoped.insert_many(AuditEvent, rows, chunk=chunk)


@dataclass(frozen=True)
class AuditEntry:
    """An audit event as the privacy officer or owner reads it."""

    id: UUID
    occurred_at: datetime
    actor_label: str
    role: str | None
    branch_id: UUID | None
    ip: str | None
    action: str
    subject: str
    subject_id: UUID | None
    client_id: UUID | None
    fields: tuple[str, ...]
    reason: str
    seq: int | None
    changes: tuple[FieldChange, ...] = ()


def _entry(row: AuditEvent) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        occurred_at=row.occurred_at,
        actor_label=row.actor_label,
        role=row.role,
        branch_id=row.branch_id,
        ip=row.ip,
        action=row.action,
        subject=row.subject,
        subject_id=row.subject_id,
        client_id=row.client_id,
        fields=tuple(f for f in row.fields.split(",") if f),
        reason=row.reason,
        seq=row.seq,
        changes=parse_changes(row.changes),
    )


def _require_reader(ctx: TenantContext) -> None:
    if not (can(ctx, Action.AUDIT_VIEW) or can(ctx, Action.PRIVACY_REQUESTS)):
        raise Forbidden(f"the role {ctx.role!r} may not read the audit trail")


async def search_events(
    *,
    client_id: UUID | None = None,
    actor_id: UUID | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 200,
) -> list[AuditEntry]:
    """Audit events of the current tenant, newest first (privacy officer and owner only)."""
    ctx = current()
    _require_reader(ctx)
    where: list[Combinable] = []
    if client_id is not None:
        where.append(AuditEvent.client_id == client_id)
    if actor_id is not None:
        where.append(AuditEvent.actor_id == actor_id)
    if action:
        where.append(AuditEvent.action == action)
    if since is not None:
        where.append(AuditEvent.occurred_at >= since)
    if until is not None:
        where.append(AuditEvent.occurred_at < until)
    # Read from the replica when there is one: a search a few seconds behind is harmless.
    async with replica_unit_of_work(ctx):
        rows = (
            await scoped.objects(AuditEvent)
            .where(*where)
            .order_by(AuditEvent.occurred_at, ascending=False)
            .limit(max(1, min(limit, 5000)))
        )
    return [_entry(r) for r in rows]


async def latest_client_events(client_id: UUID, limit: int = 20) -> list[AuditEntry]:
    """The ``limit`` newest events about one client, newest first (the profile's panel)."""
    rows = await search_events(client_id=client_id, limit=limit)
    return sorted(rows, key=lambda e: (e.occurred_at, e.seq or 0), reverse=True)


async def client_history(client_id: UUID) -> list[AuditEntry]:
    """ "Who looked at my record and why": every event about one client, oldest first (all
    of them, however many: the client's access report and ``salonkeep audit client``)."""
    ctx = current()
    _require_reader(ctx)
    async with replica_unit_of_work(ctx):  # a report: the replica's few seconds' lag is harmless
        rows = await scoped.fetch(AuditEvent, "client_id = {}", client_id, order_by="occurred_at")
    return sorted((_entry(r) for r in rows), key=lambda e: (e.occurred_at, e.seq or 0))
