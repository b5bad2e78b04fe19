"""The audit table (a tenant table, append-only for the app role)."""

from __future__ import annotations

from typing import ClassVar

from piccolo.columns import UUID, BigInt, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from salonkeep.tenants.tables import Tenant


class AuditEvent(Table, tablename="audit_event"):
    """One audited action. Never holds the values of sensitive fields, only their names.

    ``changes`` (JSON, see :func:`salonkeep.core.audit.service.changes_between`) holds the
    before and after values of changed *non-secret* settings and staff fields (a role, an
    idle-lock time), never a secret, a PIN or client data; it is empty for other events.

    ``seq``, ``prev_hash``, ``hash`` and ``sealed_at`` are empty when written and filled by the
    sealing step (run as the table owner); the app role may only SELECT and INSERT.
    """

    append_only: ClassVar[bool] = True
    #: Kept on erasure: it never holds values of personal fields.
    erasure_keep: ClassVar[tuple[str, ...]] = ()

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    occurred_at = Timestamptz()
    actor_id = UUID(null=True, default=None)
    actor_label = Varchar(length=200, default="")
    role = Varchar(length=32, null=True, default=None)
    branch_id = UUID(null=True, default=None)
    ip = Varchar(length=64, null=True, default=None)
    action = Varchar(length=40, required=True)
    subject = Varchar(length=40, default="client")
    subject_id = UUID(null=True, default=None)
    client_id = UUID(null=True, default=None)
    fields = Text(default="")
    reason = Varchar(length=200, default="")
    changes = Text(default="")
    seq = BigInt(null=True, default=None)
    prev_hash = Varchar(length=64, null=True, default=None)
    hash = Varchar(length=64, null=True, default=None)
    sealed_at = Timestamptz(null=True, default=None)
