"""Privacy tables: the requests board, third-party partners and the disclosure register."""

from __future__ import annotations

from typing import ClassVar

from piccolo.columns import UUID, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from salonkeep.core.clients.tables import Client
from salonkeep.tenants.tables import Tenant

REQUEST_KINDS = ("access", "export", "rectification", "erasure", "restriction", "objection")
REQUEST_STATUSES = ("open", "done", "refused")


class PrivacyRequest(Table, tablename="privacy_request"):
    """A data-subject request on the privacy officer's board (answer within 30 days)."""

    #: Kept on erasure (the law asks to show requests were handled); ``note`` is blanked.
    erasure_keep: ClassVar[tuple[str, ...]] = ("note",)

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    client_id = ForeignKey(references=Client, null=False, on_delete=OnDelete.restrict)
    kind = Varchar(length=24, required=True)
    status = Varchar(length=16, default="open")
    channel = Varchar(length=32, default="")
    note = Text(default="")
    received_at = Timestamptz()
    due_at = Timestamptz()
    closed_at = Timestamptz(null=True, default=None)
    handled_by = Varchar(length=200, default="")


class Partner(Table, tablename="partner"):
    """A vetted third party, under a contract that limits what it may use data for."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    name = Varchar(length=200, required=True)
    contract_ref = Varchar(length=100, required=True)
    purposes = Text(default="")
    active = Boolean(default=True)
    created_at = Timestamptz()
    #: The contract clauses that limit the partner's use of the data (data processing terms).
    contract_clauses = Text(default="")
    #: When the partner was vetted, and when its periodic review is due (a reminder then).
    vetted_at = Timestamptz(null=True, default=None)
    review_due_at = Timestamptz(null=True, default=None)
    #: The partner's latest security report: a reference (URL, archive number) and/or the file,
    #: encrypted under the tenant key (``security_report_file``), with its name and date.
    security_report_ref = Varchar(length=500, default="")
    security_report_name = Varchar(length=200, default="")
    security_report_file = Text(default="")
    security_report_at = Timestamptz(null=True, default=None)


class Disclosure(Table, tablename="disclosure"):
    """One disclosure of a client's data to a partner: what, to whom, when, under which consent."""

    append_only: ClassVar[bool] = True
    erasure_keep: ClassVar[tuple[str, ...]] = ()

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    client_id = ForeignKey(references=Client, null=False, on_delete=OnDelete.restrict)
    partner_id = ForeignKey(references=Partner, null=False, on_delete=OnDelete.restrict)
    fields = Text(default="")
    purpose = Varchar(length=100, required=True)
    consent_event_id = UUID(required=True)
    disclosed_at = Timestamptz()
    recorded_by_id = UUID(null=True, default=None)
    recorded_by = Varchar(length=200, default="")


class BreakGlassGrant(Table, tablename="break_glass_grant"):
    """A staff member's time-limited access to a client's health fields outside their normal
    scope, opened with a reason (see :mod:`salonkeep.core.privacy.break_glass`)."""

    #: Kept on erasure (it shows who opened the record and why); the free text is blanked.
    erasure_keep: ClassVar[tuple[str, ...]] = ("note",)

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    client_id = ForeignKey(references=Client, null=False, on_delete=OnDelete.restrict)
    staff_id = UUID(required=True)
    staff_label = Varchar(length=200, default="")
    role = Varchar(length=32, default="")
    reason = Varchar(length=32, required=True)
    note = Text(default="")
    opened_at = Timestamptz()
    expires_at = Timestamptz()


class PrivacyAlert(Table, tablename="privacy_alert"):
    """Something the privacy officer must look at (a break-glass opening, an unusual access
    pattern), with the audit rows that show it; acknowledged with a note."""

    #: Kept on erasure; the summary (a break-glass note is free text) is blanked.
    erasure_keep: ClassVar[tuple[str, ...]] = ("summary",)

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    kind = Varchar(length=32, required=True)
    dedupe_key = Varchar(length=200, required=True)
    raised_at = Timestamptz()
    staff_id = UUID(null=True, default=None)
    staff_label = Varchar(length=200, default="")
    client_id = UUID(null=True, default=None)
    summary = Text(default="")
    evidence = Text(default="")
    acknowledged_at = Timestamptz(null=True, default=None)
    acknowledged_by = Varchar(length=200, default="")
    note = Text(default="")


class Breach(Table, tablename="breach"):
    """A personal-data breach on the register: what happened, when it was found (the 72-hour
    notification deadline runs from then), decisions and actions."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    summary = Text(required=True)
    found_at = Timestamptz()
    opened_at = Timestamptz()
    opened_by = Varchar(length=200, default="")
    status = Varchar(length=16, default="open")
    window_from = Timestamptz(null=True, default=None)
    window_to = Timestamptz(null=True, default=None)
    staff_id = UUID(null=True, default=None)
    api_key_id = UUID(null=True, default=None)
    consequences = Text(default="")
    measures = Text(default="")
    decisions = Text(default="")
    authority_notified_at = Timestamptz(null=True, default=None)


class StaffNotice(Table, tablename="staff_notice"):
    """A message to a staff member (the privacy officer's alerts, reminders), queued in the
    same unit of work as its cause and sent by the workers through the e-mail channel;
    ``dedupe_key`` (unique per tenant) makes queuing it again a no-op."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    staff_id = UUID(required=True)
    to_address = Varchar(length=254, required=True)
    to_name = Varchar(length=200, default="")
    subject = Varchar(length=300, required=True)
    body = Text(default="")
    language = Varchar(length=16, default="en")
    dedupe_key = Varchar(length=200, required=True)
    status = Varchar(length=16, default="queued")
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz()
    lease_until = Timestamptz(null=True, default=None)
    claimed_by = Varchar(length=64, null=True, default=None)
    created_at = Timestamptz()
    sent_at = Timestamptz(null=True, default=None)
    last_error = Text(default="")


class PrivacyTraining(Table, tablename="privacy_training"):
    """A privacy training a staff member completed, and when it must be renewed (a reminder
    goes to them and the privacy officer before then)."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    staff_id = UUID(required=True)
    course = Varchar(length=200, required=True)
    completed_at = Timestamptz()
    renew_by = Timestamptz()
    recorded_by = Varchar(length=200, default="")
    recorded_at = Timestamptz()
