"""The API key table (a tenant table: ``tenant_id`` and an RLS policy)."""

from __future__ import annotations

from piccolo.columns import UUID, ForeignKey, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from salonkeep.tenants.tables import Branch, Tenant


class ApiKey(Table, tablename="api_key"):
    """A key an integration sends as ``Authorization: Bearer sk_…``.

    Only the SHA-256 hash of the random secret is stored; the key is shown once at creation.
    """

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    branch_id = ForeignKey(references=Branch, null=True, on_delete=OnDelete.restrict)
    name = Varchar(length=100, required=True)
    role = Varchar(length=32, required=True)
    prefix = Varchar(length=16, required=True)
    secret_hash = Varchar(length=64, required=True)
    created_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)
