"""What the host does with the changes a programme asks for to its own touchpoints, and how
programmes that handle a catalogue tag or category make the generic ones stand back.

A hook returns :class:`~salonkeep.core.plugins.api.HoldTouchpoints`,
:class:`~salonkeep.core.plugins.api.ResumeTouchpoints`,
:class:`~salonkeep.core.plugins.api.CancelTouchpoints` or
:class:`~salonkeep.core.plugins.api.RescheduleTouchpoint` among its planned touchpoints; the
host applies them in the same unit of work, to the programme's own open (or held)
touchpoints of the client only, audits each change and passes resumed or moved contacts
through the consent gate again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from salonkeep.core import audit, events
from salonkeep.core.aftercare import consent_gate
from salonkeep.core.aftercare.tables import Touchpoint
from salonkeep.core.plugins.api import (
    SERVICE,
    HoldTouchpoints,
    Plan,
    Programme,
    RescheduleTouchpoint,
    ResumeTouchpoints,
    TouchpointChange,
)
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import TenantContext, current_or_none

#: Touchpoints a programme may still change: not yet done, sent or given up.
OPEN = ("planned", "queued")
HELD = "held"


def split(items: Sequence[Any]) -> tuple[list[Any], list[TouchpointChange]]:
    """``items`` a hook returned, as (new touchpoints, changes to existing ones)."""
    changes = [item for item in items if isinstance(item, TouchpointChange)]
    return [item for item in items if not isinstance(item, TouchpointChange)], changes


def event_marks(event: events.DomainEvent) -> frozenset[str]:
    """The catalogue tags and category an event carries (empty for other events)."""
    tags = tuple(getattr(event, "tags", ()) or ())
    category = getattr(event, "category", "")
    return frozenset((*tags, category) if category else tags)


def stand_back(
    planned: Sequence[Any], event: events.DomainEvent, plan: Plan, programmes: dict[str, Programme]
) -> list[Any]:
    """``planned`` without what generic programmes planned for an event whose tag or
    category an enabled programme declares it :attr:`~Programme.handles`."""
    marks = event_marks(event)
    if not marks:
        return list(planned)
    handlers = {
        name for name, p in programmes.items() if plan.enabled(name) and marks.intersection(p.handles)
    }
    if not handlers:
        return list(planned)
    return [item for item in planned if item.programme in handlers]


async def _rows(programme: str, client_id: UUID, prefix: str, statuses: Sequence[str]) -> list[Touchpoint]:
    """The client's touchpoints of ``programme`` in ``statuses`` whose key starts with
    ``prefix`` (a client has few of one programme: filtered here, no LIKE to escape)."""
    where = (
        (Touchpoint.client_id == client_id)
        & (Touchpoint.programme == programme)
        & Touchpoint.status.is_in(list(statuses))
    )
    start = f"{programme}:{client_id}:{prefix}"
    return [row for row in await scoped.objects(Touchpoint).where(where) if row.dedupe_key.startswith(start)]


def _reopened(row: Touchpoint) -> str:
    return "queued" if row.kind == "message" else "planned"


async def _set(row: Touchpoint, status: str, due_at: datetime | None = None) -> None:
    values: dict[Any, Any] = {Touchpoint.status: status}
    if status == "cancelled":
        values[Touchpoint.completed_at] = clock.now()
    if due_at is not None:
        values[Touchpoint.due_at] = due_at
        if row.kind == "message":
            values[Touchpoint.next_attempt_at] = due_at
    await scoped.update(Touchpoint, values).where(Touchpoint.id == row.id)


async def _allowed(row: Touchpoint) -> bool:
    purpose = row.purpose or SERVICE
    return row.kind == "task" or await consent_gate.allows(row.client_id, purpose)


async def apply(changes: Sequence[TouchpointChange], plan: Plan, known: dict[str, Programme]) -> int:
    """Apply ``changes`` for ``plan.client`` (inside the unit of work that planned them);
    returns how many touchpoints changed. Each change is audited (subject ``touchpoint``)."""
    now = clock.now()
    changed = 0
    ctx = current_or_none() or TenantContext(tenant_id=plan.tenant_id, actor_label="plugin host")
    for change in changes:
        if change.programme not in known:
            raise ValueError(f"{change.programme}: no plugin declares this programme")
        client_id = change.client_id or plan.client.id
        rows: list[tuple[Touchpoint, str, datetime | None]]
        if isinstance(change, RescheduleTouchpoint):
            if change.due_at.tzinfo is None:
                raise ValueError(f"{change.programme}:{change.key}: due_at needs a time zone")
            found = [
                row
                for row in await _rows(change.programme, client_id, change.key, (*OPEN, HELD))
                if row.dedupe_key == f"{change.programme}:{client_id}:{change.key}"[:255]
            ]
            rows = [(row, row.status, change.due_at) for row in found]
        elif isinstance(change, HoldTouchpoints):
            found = await _rows(change.programme, client_id, change.key_prefix, OPEN)
            rows = [(row, HELD, None) for row in found]
        elif isinstance(change, ResumeTouchpoints):
            found = await _rows(change.programme, client_id, change.key_prefix, (HELD,))
            due = change.due_at or now
            rows = [(row, _reopened(row), due if row.due_at < due else None) for row in found]
        else:
            found = await _rows(change.programme, client_id, change.key_prefix, (*OPEN, HELD))
            rows = [(row, "cancelled", None) for row in found]
        for row, status, due_at in rows:
            if status in OPEN and not await _allowed(row):
                status, due_at = "cancelled", None  # the consent gate: no longer allowed
            await _set(row, status, due_at)
            await audit.record(
                audit.AuditAction.UPDATE,
                client_id=client_id,
                subject="touchpoint",
                subject_id=row.id,
                fields=["status"] + (["due_at"] if due_at is not None else []),
                reason=f"{type(change).__name__} by {change.programme}",
                ctx=ctx,
            )
            changed += 1
    return changed
