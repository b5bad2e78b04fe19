"""The tamper-evident audit trail: who did what with which client's data, when and from where.

Services call :func:`record` (one plain INSERT in the caller's unit of work); sealing hashes
the rows into a per-tenant chain in batches (:mod:`salonkeep.core.audit.chain`).
"""

from salonkeep.core.audit.service import (
    AuditAction,
    AuditItem,
    FieldChange,
    changes_between,
    client_history,
    field_change,
    is_secret,
    latest_client_events,
    record,
    record_many,
    search_events,
)

__all__ = [
    "AuditAction",
    "AuditItem",
    "FieldChange",
    "changes_between",
    "client_history",
    "field_change",
    "is_secret",
    "latest_client_events",
    "record",
    "record_many",
    "search_events",
]
