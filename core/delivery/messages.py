"""Reading and managing the outbox: lists for the CLI and the staff pages, retry and cancel
of failed messages, and the figures of the owner's Reminders page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from salonkeep.core import audit
from salonkeep.core.aftercare.tables import Touchpoint
from salonkeep.core.formatting import local_date
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.tenants.messages import code, codes, field_message

MESSAGE_STATUSES = ("queued", "sending", "sent", "suppressed", "failed", "cancelled")
#: Where the workers' sweep leaves its summary in Redis (the Reminders page reads it).
LAST_SWEEP_KEY = "salonkeep:delivery:last_sweep"


@dataclass(frozen=True)
class MessageRow:
    """One message of the outbox as staff and the CLI see it."""

    id: UUID
    client_id: UUID
    branch_id: UUID
    programme: str
    title: str
    purpose: str
    channel: str | None
    status: str
    due_at: datetime
    next_attempt_at: datetime | None
    completed_at: datetime | None
    attempts: int
    last_error: str
    possible_duplicates: int


def _row(row: Touchpoint) -> MessageRow:
    return MessageRow(
        id=row.id,
        client_id=row.client_id,
        branch_id=row.branch_id,
        programme=row.programme,
        title=row.title,
        purpose=row.purpose,
        channel=row.channel,
        status=row.status,
        due_at=row.due_at,
        next_attempt_at=row.next_attempt_at,
        completed_at=row.completed_at,
        attempts=int(row.attempts or 0),
        last_error=row.last_error or "",
        possible_duplicates=int(row.possible_duplicates or 0),
    )


async def list_messages(status: str | None = None, limit: int = 200) -> list[MessageRow]:
    """The current tenant's messages (of ``status``), newest due first, at most ``limit``."""
    if status is not None and status not in MESSAGE_STATUSES:
        raise ValidationFailed(
            {
                "status": field_message(
                    "use one of {choices}", choices=codes(MESSAGE_STATUSES, "touchpoint_status")
                )
            }
        )
    async with unit_of_work():
        query = scoped.objects(Touchpoint).where(Touchpoint.kind == "message")
        if status:
            query = query.where(Touchpoint.status == status)
        rows = await query.order_by(Touchpoint.due_at, ascending=False).limit(max(1, min(limit, 5000)))
    return [_row(r) for r in rows]


async def get_message(message_id: UUID) -> MessageRow:
    """One of the current tenant's messages; raises NotFound."""
    async with unit_of_work():
        found = await scoped.fetch(Touchpoint, "kind = 'message' and id = {}", message_id)
    if not found:
        raise NotFound("no such message")
    return _row(found[0])


async def _failed(message_id: UUID) -> Touchpoint:
    found = await scoped.fetch(Touchpoint, "kind = 'message' and id = {}", message_id)
    if not found:
        raise NotFound("no such message")
    if found[0].status != "failed":
        raise ValidationFailed(
            {
                "status": field_message(
                    "only a failed message can be changed (this one is {status})",
                    status=code(found[0].status, "touchpoint_status"),
                )
            }
        )
    return found[0]


async def retry(message_id: UUID) -> None:
    """Queue a failed message again, due now, with a fresh count of attempts."""
    async with unit_of_work():
        message = await _failed(message_id)
        await scoped.update_rows(
            Touchpoint,
            "status = 'queued', attempts = 0, last_error = '', next_attempt_at = {}, completed_at = null",
            "id = {}",
            message_id,
            assignment_args=(clock.now(),),
        )
        await _audit(message, "queued")


async def cancel(message_id: UUID) -> None:
    """Give a failed message up for good (status ``cancelled``)."""
    async with unit_of_work():
        message = await _failed(message_id)
        await scoped.update_rows(
            Touchpoint,
            "status = 'cancelled', completed_at = {}",
            "id = {}",
            message_id,
            assignment_args=(clock.now(),),
        )
        await _audit(message, "cancelled")


async def _audit(message: Touchpoint, status: str) -> None:
    """Audit a person's retry or cancel of a failed message of a client (in its unit of work)."""
    await audit.record(
        audit.AuditAction.MESSAGE_STATUS,
        client_id=message.client_id,
        subject="message",
        subject_id=message.id,
        changes=[audit.FieldChange("status", message.status, status)],
    )


@dataclass(frozen=True)
class DeliveryStatus:
    """The Reminders page: queue depth now and outcomes per day and channel."""

    queued_due: int
    queued_later: int
    sending: int
    #: (local day, channel, status) → count, for the last ``days`` days.
    per_day: dict[tuple[date, str, str], int]


async def delivery_status(days: int = 7, zone: str = "UTC") -> DeliveryStatus:
    """The current tenant's delivery figures (four statements); days are dates in ``zone``."""
    now = clock.now()
    async with unit_of_work():
        open_rows = await _open_counts(now)
        done = await scoped.rows(
            Touchpoint,
            "completed_at, channel, status",
            "kind = 'message' and status in ('sent', 'suppressed', 'failed') and completed_at >= {}",
            now - timedelta(days=days),
        )
    per_day: dict[tuple[date, str, str], int] = {}
    for row in done:
        at = row["completed_at"]
        if not isinstance(at, datetime):
            continue
        key = (local_date(at, zone), str(row["channel"] or "-"), str(row["status"]))
        per_day[key] = per_day.get(key, 0) + 1
    return DeliveryStatus(
        queued_due=open_rows.get("due", 0),
        queued_later=open_rows.get("later", 0),
        sending=open_rows.get("sending", 0),
        per_day=per_day,
    )


async def _open_counts(now: datetime) -> dict[str, int]:
    due = await scoped.rows(
        Touchpoint, "count(*) as n", "kind = 'message' and status = 'queued' and next_attempt_at <= {}", now
    )
    later = await scoped.rows(
        Touchpoint, "count(*) as n", "kind = 'message' and status = 'queued' and next_attempt_at > {}", now
    )
    sending = await scoped.rows(Touchpoint, "count(*) as n", "kind = 'message' and status = 'sending'")
    return {
        "due": int(due[0]["n"]),
        "later": int(later[0]["n"]),
        "sending": int(sending[0]["n"]),
    }
