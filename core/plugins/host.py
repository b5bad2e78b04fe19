"""The plugin host: hands domain events and outcomes to the plugins and writes what they plan.

:func:`install` subscribes :func:`on_event` to the domain events once per process (called by
``salonkeep.core.database.start``, which web, worker and CLI all run). Everything happens
inside the unit of work of the service that published the event, so planned touchpoints
commit or roll back with their cause.

Rules applied to whatever a plugin returns (plugins need not remember them):
- the programme must exist and be enabled for the tenant, else the item is dropped;
- a message whose purpose is not ``service`` needs the client's consent for that purpose;
- ``(programme, client, key)`` is planned at most once (``dedupe_key`` unique per tenant).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Any
from uuid import UUID, uuid4

from salonkeep.core import events
from salonkeep.core.aftercare import consent_gate, notes
from salonkeep.core.aftercare.programmes import tenant_programmes
from salonkeep.core.aftercare.referrals import referrer_of
from salonkeep.core.aftercare.tables import Touchpoint
from salonkeep.core.clients.tables import Client, client_row
from salonkeep.core.plugins import touchpoint_changes
from salonkeep.core.plugins.api import (
    MESSAGE_PURPOSES,
    STAFF_ROLES,
    ClientFacts,
    Plan,
    Planned,
    PlannedCall,
    PlannedMessage,
    PlannedTask,
    TouchpointChange,
    TouchpointFact,
    VisitFact,
)
from salonkeep.core.plugins.manager import get_plugins
from salonkeep.core.visits.tables import Visit
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import TenantContext, current_or_none
from salonkeep.tenants.errors import NoTenantContext, NotFound
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.tables import Branch, StaffBranch


def to_fact(row: Touchpoint, note: str = "") -> TouchpointFact:
    """The plugin-facing view of a touchpoint row, with its note in clear text (``row.note``
    is ciphertext)."""
    return TouchpointFact(
        id=row.id,
        client_id=row.client_id,
        branch_id=row.branch_id,
        programme=row.programme,
        kind=row.kind,
        key=row.dedupe_key,
        title=row.title,
        due_at=row.due_at,
        status=row.status,
        outcome=row.outcome,
        note=note,
        attempts=row.attempts,
        missed=row.missed,
        assigned_staff_id=row.assigned_staff_id,
    )


def _facts(client: Client) -> ClientFacts:
    return ClientFacts(
        id=client.id,
        branch_id=client.branch_id,
        first_name=client.first_name,
        kind=client.kind,
        date_of_birth=client.date_of_birth,
        created_at=client.created_at,
        preferred_locale=client.preferred_locale,
    )


async def build_plan(
    client_id: UUID, branch_id: UUID | None = None, *, shown_to_person: bool = False
) -> Plan:
    """The :class:`Plan` for a client of the current tenant (call inside a unit of work).
    ``shown_to_person``: the plan feeds panels a person reads, so the notes it decrypts are
    audited as that person's view; otherwise it serves planning, which no one reads."""
    tenant_id = scoped.tenant_id()
    tenant = await get_tenant(tenant_id)
    client = await client_row(client_id)
    branch = await scoped.rows(Branch, "time_zone", "id = {}", branch_id or client.branch_id)
    zone = str((branch[0]["time_zone"] if branch else None) or tenant.time_zone)
    states = await tenant_programmes()

    async def visits() -> list[VisitFact]:
        rows = await scoped.rows(
            Visit,
            "service, category, performed_at, is_procedure, tags",
            "client_id = {}",
            client_id,
            order_by="performed_at",
        )
        return [
            VisitFact(
                str(r["service"]),
                str(r["category"]),
                r["performed_at"],
                bool(r["is_procedure"]),
                tuple(t for t in str(r["tags"] or "").split(",") if t),
            )
            for r in rows
        ]

    async def touchpoints() -> list[TouchpointFact]:
        rows = await scoped.fetch(Touchpoint, "client_id = {}", client_id, order_by="due_at")
        # Notes in clear only when the acting role may read them (plugin panels are shown).
        ctx = current_or_none() or TenantContext(tenant_id=tenant_id)
        facts = []
        for r in rows:
            note = await notes.reveal(
                ctx, client_id, "touchpoint", "note", r.id, r.note, audited=shown_to_person
            )
            facts.append(to_fact(r, note.text))
        return facts

    async def consent(purpose: str) -> bool:
        return await consent_gate.allows(client_id, purpose)

    async def referrer() -> ClientFacts | None:
        referrer_id = await referrer_of(client_id)
        if referrer_id is None:
            return None
        try:
            return _facts(await client_row(referrer_id))
        except NotFound:
            return None

    return Plan(
        tenant_id=tenant_id,
        country=tenant.country,
        time_zone=zone,
        client=_facts(client),
        now=clock.now(),
        settings_by_programme={s.programme.name: s.settings for s in states},
        enabled_programmes=frozenset(s.programme.name for s in states if s.enabled),
        _visits=visits,
        _touchpoints=touchpoints,
        _consent=consent,
        _referrer=referrer,
        locale=tenant.default_locale,
        salon_name=tenant.name,
    )


def _values(item: Planned, client_id: UUID, branch_id: UUID) -> dict[str, Any]:
    common: dict[str, Any] = {
        "client_id": client_id,
        "branch_id": branch_id,
        "programme": item.programme,
        "due_at": item.due_at,
        "title": item.title[:200],
        "dedupe_key": f"{item.programme}:{client_id}:{item.key}"[:255],
        "created_at": clock.now(),
    }
    if isinstance(item, PlannedCall):
        return {
            **common,
            "kind": "call",
            "script": item.script,
            "detail": item.detail,
            "urgency": item.urgency,
            "assigned_role": item.assigned_role,
            "assigned_staff_id": item.assigned_staff_id,
            "purpose": item.purpose,
            "miss_after": item.miss_after,
        }
    if isinstance(item, PlannedMessage):
        return {
            **common,
            "kind": "message",
            "script": item.body,
            "purpose": item.purpose,
            "status": "queued",
            "channel": item.channel,
            "next_attempt_at": item.due_at,
            "template": item.template,
            "template_vars": json.dumps(dict(item.template_vars), ensure_ascii=False, default=str),
        }
    return {
        **common,
        "kind": "task",
        "script": item.body,
        "detail": item.detail,
        "urgency": item.urgency,
        "assigned_role": item.assigned_role,
        "assigned_staff_id": item.assigned_staff_id,
    }


def _without_private(item: Planned, private: tuple[str, ...]) -> Planned:
    """``item`` with the staff-written ``private`` texts a plugin copied into its title or
    body replaced by "…"; the body as written goes to the (encrypted) ``detail``."""
    body_field = "script" if isinstance(item, PlannedCall) else "body"
    body: str = getattr(item, body_field)
    if not notes.leaks(item.title, private) and not notes.leaks(body, private):
        return item
    changes: dict[str, Any] = {
        "title": notes.redact(item.title, private),
        body_field: notes.redact(body, private),
    }
    if not isinstance(item, PlannedMessage):
        changes["detail"] = "\n".join(text for text in (item.detail, body) if text)
    return replace(item, **changes)


async def write_planned(
    items: Sequence[Planned | TouchpointChange],
    plan: Plan,
    branch_id: UUID,
    *,
    require_enabled: bool = True,
    private: tuple[str, ...] = (),
) -> int:
    """Write ``items`` for ``plan.client`` (filtered by the host's rules) and apply the
    changes to a programme's own touchpoints among them (hold, resume, cancel, reschedule:
    :mod:`salonkeep.core.plugins.touchpoint_changes`); returns how many new touchpoints
    were written. ``require_enabled=False`` is for safety escalations, which
    are written even when the programme was switched off meanwhile. ``private`` are texts
    staff wrote (an outcome's note): never stored in clear, even if a plugin copied them.
    The count includes items whose key was planned before (skipped by the database)."""
    rows: list[Touchpoint] = []
    private = tuple(text for text in private if text)
    known = get_plugins().programmes()
    items, changes = touchpoint_changes.split(items)
    await touchpoint_changes.apply(changes, plan, known)
    for item in items:
        if not isinstance(item, PlannedCall | PlannedMessage | PlannedTask):
            raise TypeError(f"a plugin returned {item!r}, not a PlannedCall/PlannedMessage/PlannedTask")
        if item.due_at.tzinfo is None:
            raise ValueError(f"{item.programme}:{item.key}: due_at needs a time zone")
        if item.programme not in known:
            raise ValueError(f"{item.programme}:{item.key}: no plugin declares this programme")
        if not isinstance(item, PlannedMessage) and item.assigned_role not in (None, *STAFF_ROLES):
            raise ValueError(f"{item.programme}:{item.key}: unknown assigned_role {item.assigned_role!r}")
        if require_enabled and not plan.enabled(item.programme):
            continue
        item = _without_private(item, private) if private else item
        client_id = item.client_id or plan.client.id
        if isinstance(item, PlannedMessage | PlannedCall):
            if item.purpose not in MESSAGE_PURPOSES:
                raise ValueError(f"{item.programme}:{item.key}: unknown purpose {item.purpose!r}")
            if not await consent_gate.allows(client_id, item.purpose):
                continue
        if plan.tenant_id != scoped.tenant_id():
            raise NoTenantContext()  # a plan of another tenant than the unit of work's
        values = _values(item, client_id, branch_id)
        values["id"] = uuid4()
        values["detail"] = await notes.seal(
            TenantContext(tenant_id=plan.tenant_id),
            client_id,
            "touchpoint",
            "detail",
            values["id"],
            values.get("detail", ""),
        )
        rows.append(scoped.new(Touchpoint, **values))
    # One INSERT for everything planned; a key planned before is skipped by the unique
    # (tenant, dedupe_key) index (no read first: events may be re-delivered, rarely).
    await scoped.insert(*rows, skip_duplicates=True)
    written = len(rows)
    return written


async def cancel_open(
    client_id: UUID,
    *,
    programme: str | None = None,
    purpose: str | None = None,
    kinds: tuple[str, ...] = ("call", "message", "task"),
) -> int:
    """Cancel a client's open touchpoints of ``kinds`` (of one programme, or the queued
    messages and planned calls of one purpose), for the current tenant."""
    where = (
        (Touchpoint.client_id == client_id)
        & Touchpoint.status.is_in(["planned", "queued"])
        & Touchpoint.kind.is_in(list(kinds))
    )
    if programme is not None:
        where = where & (Touchpoint.programme == programme)
    if purpose is not None:
        where = where & (Touchpoint.purpose == purpose) & Touchpoint.kind.is_in(["message", "call"])
    rows = await scoped.select(Touchpoint, Touchpoint.id).where(where)
    if rows:
        await scoped.update(
            Touchpoint, {Touchpoint.status: "cancelled", Touchpoint.completed_at: clock.now()}
        ).where(Touchpoint.id.is_in([r["id"] for r in rows]))
    return len(rows)


async def move_open(client_id: UUID, to_branch_id: UUID) -> int:
    """Move a client's open calls, tasks and queued messages to ``to_branch_id`` (the client's
    new home branch), so they appear on that branch's lists; a call assigned to someone who
    does not work there goes back to the role it was planned for."""
    rows = await scoped.select(Touchpoint, Touchpoint.id, Touchpoint.assigned_staff_id).where(
        (Touchpoint.client_id == client_id)
        & Touchpoint.status.is_in(["planned", "queued"])
        & (Touchpoint.branch_id != to_branch_id)
    )
    if not rows:
        return 0
    works_there = scoped.select(StaffBranch, StaffBranch.staff_id)
    staying_rows = await works_there.where(StaffBranch.branch_id == to_branch_id)
    staying = {r["staff_id"] for r in staying_rows}
    ids = [r["id"] for r in rows]
    await scoped.update(Touchpoint, {Touchpoint.branch_id: to_branch_id}).where(Touchpoint.id.is_in(ids))
    leaving = [r["id"] for r in rows if r["assigned_staff_id"] not in (None, *staying)]
    if leaving:
        unassign = {Touchpoint.assigned_staff_id: None}
        await scoped.update(Touchpoint, unassign).where(Touchpoint.id.is_in(leaving))
    return len(ids)


async def withdraw_for_appointment(client_id: UUID, appointment_id: UUID) -> int:
    """Cancel the open touchpoints planned for an appointment: those whose plugin key starts
    with ``appointment:<id>`` (the documented convention). Run when it moves or is cancelled."""
    pattern = f"%:{client_id}:appointment:{appointment_id}%"
    where = Touchpoint.status.is_in(["planned", "queued"]) & Touchpoint.dedupe_key.like(pattern)
    rows = await scoped.select(Touchpoint, Touchpoint.id).where(where)
    if rows:
        await scoped.update(
            Touchpoint, {Touchpoint.status: "cancelled", Touchpoint.completed_at: clock.now()}
        ).where(Touchpoint.id.is_in([r["id"] for r in rows]))
    return len(rows)


async def on_event(event: events.DomainEvent) -> None:
    """Hand ``event`` to the plugins and write what they plan (in the caller's unit of work,
    which must be the event's tenant's)."""
    if event.tenant_id != scoped.tenant_id():
        raise NoTenantContext()
    if isinstance(event, events.ConsentWithdrawn):
        await cancel_open(event.client_id, purpose=event.purpose)
    if isinstance(event, events.ClientMovedBranch):
        await move_open(event.client_id, event.branch_id)
    if isinstance(event, events.AppointmentMoved | events.AppointmentCancelled):
        await withdraw_for_appointment(event.client_id, event.appointment_id)
    plan = await build_plan(event.client_id, event.branch_id)
    planned = await get_plugins().event(event, plan)
    planned = touchpoint_changes.stand_back(planned, event, plan, get_plugins().programmes())
    await write_planned(planned, plan, event.branch_id)


def install() -> None:
    """Subscribe the host to the domain events (idempotent)."""
    events.subscribe(on_event)
