"""Aftercare tables (tenant tables): touchpoints (the outbox), call log, programme settings.

A touchpoint is one planned contact: a staff ``call`` (lands on the branch's call list when
due), a ``message`` to the client (the delivery outbox: queued until the workers send it,
see :mod:`salonkeep.core.delivery`) or a staff
``task``. ``dedupe_key`` is unique per tenant, so a re-delivered event plans nothing twice.
"""

from __future__ import annotations

from piccolo.columns import JSON, UUID, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from salonkeep.core.clients.tables import Client
from salonkeep.tenants.tables import Branch, StaffMember, Tenant

KINDS = ("call", "message", "task")
#: calls, tasks: planned → done | cancelled | failed
#: messages (the delivery outbox): queued → sending → sent | suppressed | failed | cancelled
STATUSES = ("planned", "queued", "sending", "sent", "suppressed", "done", "cancelled", "failed")
#: Statuses of a message that may still be sent.
OPEN_MESSAGE_STATUSES = ("queued", "sending")
URGENCIES = ("normal", "urgent")


class Touchpoint(Table, tablename="touchpoint"):
    """One planned contact with a client, written in the unit of work of its cause."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    client_id = ForeignKey(references=Client, null=False, on_delete=OnDelete.cascade)
    branch_id = ForeignKey(references=Branch, null=False, on_delete=OnDelete.restrict)
    programme = Varchar(length=64, required=True)
    kind = Varchar(length=16, required=True)
    due_at = Timestamptz()
    title = Varchar(length=200, default="")
    script = Text(default="")
    #: Staff-written text carried from the touchpoint's cause (the note of the call that
    #: reported an abnormal reaction): encrypted, see :mod:`salonkeep.core.aftercare.notes`.
    detail = Text(default="")
    purpose = Varchar(length=32, default="service")
    status = Varchar(length=16, default="planned")
    urgency = Varchar(length=16, default="normal")
    assigned_role = Varchar(length=32, null=True, default=None)
    assigned_staff_id = ForeignKey(references=StaffMember, null=True, on_delete=OnDelete.set_null)
    dedupe_key = Varchar(length=255, required=True)
    attempts = Integer(default=0)
    outcome = Varchar(length=32, null=True, default=None)
    #: The note of the last outcome recorded (encrypted, like ``call_log.note``).
    note = Text(default="")
    completed_by = ForeignKey(references=StaffMember, null=True, on_delete=OnDelete.set_null)
    completed_at = Timestamptz(null=True, default=None)
    miss_after = Timestamptz(null=True, default=None)
    missed = Boolean(default=False)
    created_at = Timestamptz()
    # --- delivery (messages only; see salonkeep.core.delivery) ---------------------------
    #: ``email`` / ``sms`` / ``letter`` / a plugin channel; ``None``: chosen at send time.
    channel = Varchar(length=16, null=True, default=None)
    #: When the workers may next try (the due time, moved by quiet hours and back-off).
    next_attempt_at = Timestamptz(null=True, default=None)
    #: A claim: the worker that holds the row in ``sending`` and until when.
    lease_until = Timestamptz(null=True, default=None)
    claimed_by = Varchar(length=64, null=True, default=None)
    #: True when the last claim took the row over from a worker whose lease expired.
    claim_recovered = Boolean(default=False)
    #: Sends after a crash through a channel that cannot deduplicate (may have arrived twice).
    possible_duplicates = Integer(default=0)
    last_error = Text(default="")
    provider_ref = Varchar(length=128, default="")
    #: The message template (``programme/name``) rendered at send time in the client's
    #: language, and its values; ``None``: the planned title and text are sent as they are.
    template = Varchar(length=100, null=True, default=None)
    template_vars = JSON(default="{}")


class CallLogEntry(Table, tablename="call_log"):
    """One recorded outcome of a call (or task): who, when, what happened, a note."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    touchpoint_id = ForeignKey(references=Touchpoint, null=False, on_delete=OnDelete.cascade)
    client_id = ForeignKey(references=Client, null=False, on_delete=OnDelete.cascade)
    staff_id = ForeignKey(references=StaffMember, null=True, on_delete=OnDelete.set_null)
    programme = Varchar(length=64, required=True)
    outcome = Varchar(length=32, required=True)
    #: What staff wrote (may carry health information): encrypted under the client's key.
    note = Text(default="")
    recorded_at = Timestamptz()


class ProgrammeSetting(Table, tablename="programme_setting"):
    """A tenant's choice for one programme: enabled or not, and its edited settings."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    programme = Varchar(length=64, required=True)
    enabled = Boolean(default=True)
    settings = JSON(default="{}")
    updated_at = Timestamptz()


class CallPreference(Table, tablename="call_preference"):
    """How a client prefers to be contacted: when to be called (free text shown on the call
    list, e.g. "evenings") and the channel for each message purpose."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    client_id = ForeignKey(references=Client, null=False, on_delete=OnDelete.cascade)
    preferred_time = Varchar(length=100, default="")
    updated_at = Timestamptz()
    #: A JSON object: message purpose (``service``, ``greetings``…) → the channel the client
    #: prefers for it (``email``, ``sms``, ``letter`` or ``call``); the delivery workers use it
    #: for messages planned without a channel (:mod:`salonkeep.core.aftercare.contact`).
    channels = Text(default="")


class Referral(Table, tablename="referral"):
    """A guest referred by a member (a guest is referred once)."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    guest_id = ForeignKey(references=Client, null=False, on_delete=OnDelete.cascade)
    referrer_id = ForeignKey(references=Client, null=False, on_delete=OnDelete.cascade)
    recorded_at = Timestamptz()
