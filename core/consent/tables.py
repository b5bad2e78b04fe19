"""Consent tables: privacy-policy versions and the append-only consent ledger."""

from __future__ import annotations

from typing import ClassVar

from piccolo.columns import UUID, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from salonkeep.core.clients.tables import Client
from salonkeep.tenants.tables import Tenant


class PolicyVersion(Table, tablename="privacy_policy"):
    """One language of one version of a tenant's privacy policy (the five questions)."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    version = Integer(required=True)
    locale = Varchar(length=16, required=True)
    collected = Text(default="")
    purposes = Text(default="")
    recipients = Text(default="")
    choices = Text(default="")
    complaints = Text(default="")
    published_at = Timestamptz()
    effective_from = Timestamptz()
    published_by = Varchar(length=200, default="")
    notice_overridden = Boolean(default=False)


class ConsentEvent(Table, tablename="consent_event"):
    """A grant or withdrawal, as given: never updated or deleted (the app role may only append).

    The current state of a client's consent is derived from the latest event per purpose.
    """

    append_only: ClassVar[bool] = True
    #: Kept on erasure: it never holds values of personal fields.
    erasure_keep: ClassVar[tuple[str, ...]] = ()

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    client_id = ForeignKey(references=Client, null=False, on_delete=OnDelete.restrict)
    purpose = Varchar(length=40, required=True)
    scope = Varchar(length=64, default="")
    granted = Boolean(required=True)
    policy_version_id = UUID(null=True, default=None)
    channel = Varchar(length=32, required=True)
    wording = Text(required=True)
    recorded_by_id = UUID(null=True, default=None)
    recorded_by = Varchar(length=200, default="")
    occurred_at = Timestamptz()
