"""Complaint tables (tenant tables: each has ``tenant_id`` and an RLS policy).

A complaint's free texts are encrypted under the client's data key when the complaint names a
client (erasure shreds them with the key); rows are kept on erasure for the numbers, their free
texts blanked (``erasure_keep``). Attachments (photos) are always a client's: encrypted, and
deleted on erasure.
"""

from __future__ import annotations

from typing import ClassVar

from piccolo.columns import UUID, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from salonkeep.core.clients.tables import Client
from salonkeep.tenants.tables import Branch, StaffMember, Tenant

CHANNELS = ("in_store", "phone", "email", "social_media", "website")
ABOUT = ("service", "product", "staff", "touchpoint", "data_handling")
CATEGORIES = ("quality", "hygiene", "attitude", "waiting", "price", "damage", "privacy", "other")
STATUSES = ("open", "in_progress", "closed")
COVERAGE = ("", "covered", "not_covered")
#: The programmes a covered complaint opens its claim through: the free correction of the
#: service guarantee, a warranty claim, a return.
COVERED_BY = ("service_guarantee", "warranty", "return")
REMEDIES = ("free_correction", "redo", "repair", "replace", "refund", "compensation", "explanation")
ANSWERS = ("", "accepted", "refused")
STAGES = ("reminder", "manager", "owner")


class Complaint(Table, tablename="complaint"):
    """One complaint: where and how it came in, what it is about, its first-contact deadline
    and where its handling stands."""

    #: Kept on erasure (the statistics); the free texts are blanked.
    erasure_keep: ClassVar[tuple[str, ...]] = (
        "description",
        "contact_name",
        "contact_email",
        "contact_phone",
        "outcome",
    )

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    branch_id = ForeignKey(references=Branch, null=False, on_delete=OnDelete.restrict)
    client_id = ForeignKey(references=Client, null=True, on_delete=OnDelete.restrict)
    channel = Varchar(length=16, required=True)
    about = Varchar(length=16, required=True)
    about_ref = Varchar(length=200, default="")
    category = Varchar(length=16, default="other")
    #: Encrypted (``sk1:``) when the complaint names a client.
    description = Text(default="")
    #: Contact given on the public page (no client named).
    contact_name = Varchar(length=200, default="")
    contact_email = Varchar(length=254, default="")
    contact_phone = Varchar(length=32, default="")
    contact_consent = Boolean(default=False)
    status = Varchar(length=16, default="open")
    assignee_id = ForeignKey(references=StaffMember, null=True, on_delete=OnDelete.set_null)
    received_at = Timestamptz()
    first_contact_due_at = Timestamptz()
    first_contacted_at = Timestamptz(null=True, default=None)
    resolved_at = Timestamptz(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    outcome = Text(default="")
    created_by = Varchar(length=200, default="")


class ComplaintRound(Table, tablename="complaint_round"):
    """One round of handling: investigation notes and cause, whether it is covered, the remedy
    proposed and the client's answer. A refused proposal opens the next round."""

    erasure_keep: ClassVar[tuple[str, ...]] = ("notes", "cause", "remedy_detail")

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    complaint_id = ForeignKey(references=Complaint, null=False, on_delete=OnDelete.cascade)
    client_id = ForeignKey(references=Client, null=True, on_delete=OnDelete.restrict)
    number = Integer(default=1)
    notes = Text(default="")
    cause = Text(default="")
    coverage = Varchar(length=16, default="")
    #: When covered: the programme (one of :data:`COVERED_BY`) that opened the claim.
    covered_by = Varchar(length=24, default="")
    remedy = Varchar(length=24, default="")
    remedy_detail = Text(default="")
    proposed_at = Timestamptz(null=True, default=None)
    answer = Varchar(length=16, default="")
    answered_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class ComplaintAttachment(Table, tablename="complaint_attachment"):
    """A photo of a complaint (checked by its bytes), encrypted under the client's key, or
    under the tenant key when it came with a complaint from the public page (no client)."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    complaint_id = ForeignKey(references=Complaint, null=False, on_delete=OnDelete.cascade)
    client_id = ForeignKey(references=Client, null=True, on_delete=OnDelete.cascade)
    content_type = Varchar(length=32, required=True)
    size = Integer(required=True)
    data = Text(required=True)
    created_at = Timestamptz()
    created_by = Varchar(length=200, default="")


class ComplaintEscalation(Table, tablename="complaint_escalation"):
    """A reminder or escalation sent for a complaint: one per stage (a unique key per tenant,
    complaint and stage, so a worker that runs twice escalates once)."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    complaint_id = ForeignKey(references=Complaint, null=False, on_delete=OnDelete.cascade)
    stage = Varchar(length=16, required=True)
    staff_id = UUID(null=True, default=None)
    created_at = Timestamptz()
