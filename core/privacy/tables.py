"""Privacy tables: the requests board, third-party partners and the disclosure register."""

from __future__ import annotations

from typing import ClassVar

from piccolo.columns import UUID, Boolean, ForeignKey, Text, Timestamptz, Varchar
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
