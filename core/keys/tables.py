"""Key tables: per-tenant key-encryption keys and per-client data keys (wrapped, never clear)."""

from __future__ import annotations

from typing import ClassVar

from piccolo.columns import UUID, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from salonkeep.core.clients.tables import Client
from salonkeep.tenants.tables import Tenant


class TenantKey(Table, tablename="tenant_key"):
    """A version of a tenant's key-encryption key, wrapped by the master key.

    ``state`` is ``active`` (wraps new client keys), ``retiring`` (still wraps some client
    keys while a rotation runs) or ``retired`` (its material destroyed: nothing uses it).
    """

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    version = Integer(required=True)
    wrapped = Text(default="")
    master_key_id = Varchar(length=16, default="")
    state = Varchar(length=16, default="active")
    created_at = Timestamptz()
    retired_at = Timestamptz(null=True, default=None)


class ClientKey(Table, tablename="client_key"):
    """A client's data key, wrapped by a version of the tenant key. Erasure deletes it (shred)."""

    #: Key material is never part of a client's data export.
    export_excluded: ClassVar[bool] = True

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    client_id = ForeignKey(references=Client, null=False, on_delete=OnDelete.cascade)
    tenant_key_version = Integer(required=True)
    wrapped = Text(required=True)
    created_at = Timestamptz()
