"""Audit events of settings and staff changes say what changed: ``changes`` holds, as JSON,
each changed non-secret field's value before and after (empty for every other event)."""

from salonkeep.tenants.raw_migrations import sql_migration

ID = "2026-12-03T17:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit_event changes"

# On PostgreSQL the column reaches every partition of the partitioned table.
BOTH = ["ALTER TABLE audit_event ADD COLUMN changes TEXT NOT NULL DEFAULT ''"]

forwards = sql_migration(migration_id=ID, app_name="audit", description=DESCRIPTION, both=BOTH)
