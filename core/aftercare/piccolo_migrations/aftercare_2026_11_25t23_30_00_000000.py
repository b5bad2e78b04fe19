"""Touchpoints of kind ``message`` become the delivery outbox: channel, next attempt, claim
lease, crash-recovery flag, possible duplicates, last error, the provider's reference and the
message template with its values."""

from salonkeep.tenants.raw_migrations import sql_migration

ID = "2026-11-25T23:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "delivery outbox columns"

_COLUMNS = {
    "postgres": (
        ("channel", "VARCHAR(16) NULL"),
        ("next_attempt_at", "TIMESTAMP WITH TIME ZONE NULL"),
        ("lease_until", "TIMESTAMP WITH TIME ZONE NULL"),
        ("claimed_by", "VARCHAR(64) NULL"),
        ("claim_recovered", "BOOLEAN NOT NULL DEFAULT false"),
        ("possible_duplicates", "INTEGER NOT NULL DEFAULT 0"),
        ("last_error", "TEXT NOT NULL DEFAULT ''"),
        ("provider_ref", "VARCHAR(128) NOT NULL DEFAULT ''"),
        ("template", "VARCHAR(100) NULL"),
        ("template_vars", "JSON NOT NULL DEFAULT '{}'"),
    ),
    "sqlite": (
        ("channel", "VARCHAR(16) NULL"),
        ("next_attempt_at", "TIMESTAMPTZ NULL"),
        ("lease_until", "TIMESTAMPTZ NULL"),
        ("claimed_by", "VARCHAR(64) NULL"),
        ("claim_recovered", "BOOLEAN NOT NULL DEFAULT 0"),
        ("possible_duplicates", "INTEGER NOT NULL DEFAULT 0"),
        ("last_error", "TEXT NOT NULL DEFAULT ''"),
        ("provider_ref", "VARCHAR(128) NOT NULL DEFAULT ''"),
        ("template", "VARCHAR(100) NULL"),
        ("template_vars", "JSON NOT NULL DEFAULT '{}'"),
    ),
}


def _add(kind: str) -> list[str]:
    return [f"ALTER TABLE touchpoint ADD COLUMN {name} {sql}" for name, sql in _COLUMNS[kind]]


_AFTER = [
    "UPDATE touchpoint SET next_attempt_at = due_at WHERE kind = 'message'",
    # The claim query: due queued messages (and expired leases) of one tenant, oldest first.
    "CREATE INDEX touchpoint_outbox ON touchpoint (tenant_id, status, next_attempt_at) "
    "WHERE kind = 'message'",
]

forwards = sql_migration(
    migration_id=ID,
    app_name="aftercare",
    description=DESCRIPTION,
    postgres_only=[*_add("postgres"), *_AFTER],
    sqlite_only=[*_add("sqlite"), *_AFTER],
)
