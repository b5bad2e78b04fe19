"""Consent events: one row per grant or withdrawal (the latest row per purpose wins)."""

from __future__ import annotations

from piccolo.columns import UUID, Boolean, ForeignKey, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from salonkeep.core.clients.tables import Client
from salonkeep.tenants.tables import Tenant


class ConsentEvent(Table, tablename="consent_event"):
    """A client granted or withdrew consent for one purpose."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    client_id = ForeignKey(references=Client, null=False, on_delete=OnDelete.cascade)
    purpose = Varchar(length=32, required=True)
    granted = Boolean(default=False)
    recorded_at = Timestamptz()
