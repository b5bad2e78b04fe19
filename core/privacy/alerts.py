"""Alerts for the privacy officer: what happened, who did it, and the audit rows that show it.

Raised at once by a break-glass opening (:mod:`salonkeep.core.privacy.break_glass`) and by the
unusual-access scan (:mod:`salonkeep.core.privacy.unusual`); shown on the privacy officer's
board and acknowledged there with a note. An alert's ``dedupe_key`` makes raising it again (the
scan runs every hour over the same day) a no-op.

Messages: every new alert is also queued at once, in the same unit of work, as an e-mail to
each privacy officer (the owners when there is none) through the staff-notice outbox
(:mod:`salonkeep.core.privacy.notices`), which the workers send. The e-mail names the kind, the
time and the staff member, never the free text (it stays on the board, blanked on erasure).
:func:`on_alert` registers further callbacks given every new alert.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from salonkeep.core.access import Action, require
from salonkeep.core.audit.service import AuditEntry, _entry
from salonkeep.core.audit.tables import AuditEvent
from salonkeep.core.privacy import notices
from salonkeep.core.privacy.tables import PrivacyAlert
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import Conflict, NotFound, ValidationFailed
from salonkeep.tenants.messages import field_message


class AlertKind(StrEnum):
    """What raised the alert."""

    BREAK_GLASS = "break_glass"
    VIEW_VOLUME = "view_volume"
    OFF_HOURS_BULK = "off_hours_bulk"
    REPEATED_BREAK_GLASS = "repeated_break_glass"
    FAILED_SIGN_INS = "failed_sign_ins"
    BREACH_DEADLINE = "breach_deadline"
    COMPLAINT_DATA_HANDLING = "complaint_data_handling"


#: Audit rows kept as an alert's evidence (the newest; the count is in the summary).
MAX_EVIDENCE = 100
MAX_NOTE = 2000


@dataclass(frozen=True)
class Alert:
    """An alert as the privacy officer reads it."""

    id: UUID
    kind: str
    raised_at: datetime
    staff_id: UUID | None
    staff_label: str
    client_id: UUID | None
    summary: str
    evidence_ids: tuple[UUID, ...]
    acknowledged_at: datetime | None
    acknowledged_by: str
    note: str


def _alert(row: PrivacyAlert) -> Alert:
    return Alert(
        id=row.id,
        kind=row.kind,
        raised_at=row.raised_at,
        staff_id=row.staff_id,
        staff_label=row.staff_label,
        client_id=row.client_id,
        summary=row.summary,
        evidence_ids=tuple(UUID(x) for x in row.evidence.split(",") if x),
        acknowledged_at=row.acknowledged_at,
        acknowledged_by=row.acknowledged_by,
        note=row.note,
    )


AlertListener = Callable[[Alert], Awaitable[None]]
_listeners: list[AlertListener] = []


def on_alert(listener: AlertListener) -> None:
    """Call ``listener`` with every newly raised alert, inside the unit of work that raises it
    (the hook the delivery workers use to message the privacy officer)."""
    if listener not in _listeners:
        _listeners.append(listener)


async def audit_ids(
    action: str,
    *,
    client_id: UUID | None = None,
    actor_id: UUID | None = None,
    since: datetime | None = None,
) -> list[UUID]:
    """Ids of the current tenant's audit rows of ``action`` (inside a unit of work)."""
    query = scoped.select(AuditEvent, AuditEvent.id).where(AuditEvent.action == action)
    if client_id is not None:
        query = query.where(AuditEvent.client_id == client_id)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if since is not None:
        query = query.where(AuditEvent.occurred_at >= since)
    return [row["id"] for row in await query.limit(MAX_EVIDENCE)]


async def raise_alert(
    kind: AlertKind,
    *,
    dedupe_key: str,
    summary: str,
    evidence: Iterable[UUID],
    staff_id: UUID | None = None,
    staff_label: str = "",
    client_id: UUID | None = None,
) -> Alert | None:
    """Put an alert on the privacy officer's board (inside the caller's unit of work); ``None``
    when an alert with the same ``dedupe_key`` is already there."""
    if await scoped.exists(PrivacyAlert, PrivacyAlert.dedupe_key == dedupe_key[:200]):
        return None
    row = scoped.new(
        PrivacyAlert,
        id=uuid4(),
        kind=kind.value,
        dedupe_key=dedupe_key[:200],
        raised_at=clock.now(),
        staff_id=staff_id,
        staff_label=staff_label[:200],
        client_id=client_id,
        summary=summary,
        evidence=",".join(str(i) for i in list(evidence)[:MAX_EVIDENCE]),
    )
    await scoped.insert(row)
    alert = _alert(row)
    await notices.notify_officers(
        "alert",
        {"kind": alert.kind, "raised_at": alert.raised_at, "staff": alert.staff_label},
        dedupe_key=f"alert:{alert.id}",
    )
    for listener in _listeners:
        await listener(alert)
    return alert


async def list_alerts(*, open_only: bool = True, limit: int = 200) -> list[Alert]:
    """The current tenant's alerts, newest first (privacy officer and owner)."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    async with unit_of_work(ctx):
        query = scoped.objects(PrivacyAlert)
        if open_only:
            query = query.where(PrivacyAlert.acknowledged_at.is_null())
        rows = await query.order_by(PrivacyAlert.raised_at, ascending=False).limit(limit)
    return [_alert(r) for r in rows]


async def get_alert(alert_id: UUID) -> tuple[Alert, list[AuditEntry]]:
    """One alert with its evidence (the audit rows, oldest first)."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    async with unit_of_work(ctx):
        rows = await scoped.objects(PrivacyAlert).where(PrivacyAlert.id == alert_id)
        if not rows:
            raise NotFound("no such alert")
        alert = _alert(rows[0])
        events = []
        if alert.evidence_ids:
            events = await scoped.objects(AuditEvent).where(AuditEvent.id.is_in(list(alert.evidence_ids)))
    entries = sorted((_entry(e) for e in events), key=lambda e: (e.occurred_at, e.seq or 0))
    return alert, entries


async def acknowledge(alert_id: UUID, note: str) -> Alert:
    """Acknowledge an alert with a note saying what was found or done (required)."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed({"note": "say what you found or did"})
    if len(note) > MAX_NOTE:
        raise ValidationFailed({"note": field_message("must be at most {limit} characters", limit=MAX_NOTE)})
    async with unit_of_work(ctx):
        rows = await scoped.objects(PrivacyAlert).where(PrivacyAlert.id == alert_id)
        if not rows:
            raise NotFound("no such alert")
        if rows[0].acknowledged_at is not None:
            raise Conflict("alert", "this alert was already acknowledged")
        now = clock.now()
        await scoped.update(
            PrivacyAlert,
            {
                PrivacyAlert.acknowledged_at: now,
                PrivacyAlert.acknowledged_by: ctx.actor_label[:200],
                PrivacyAlert.note: note,
            },
        ).where(PrivacyAlert.id == alert_id)
        row = rows[0]
        row.acknowledged_at, row.acknowledged_by, row.note = now, ctx.actor_label[:200], note
    return _alert(row)
