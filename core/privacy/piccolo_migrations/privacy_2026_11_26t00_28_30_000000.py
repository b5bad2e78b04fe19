"""Indexes and same-tenant keys of the break-glass grants, alerts and breach register."""

from salonkeep.tenants.raw_migrations import sql_migration

ID = "2026-11-26T00:28:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "break-glass, alerts and breach indexes and same-tenant keys"

BOTH = [
    "CREATE INDEX break_glass_grant_open ON break_glass_grant (tenant_id, client_id, staff_id, expires_at)",
    "CREATE UNIQUE INDEX privacy_alert_dedupe ON privacy_alert (tenant_id, dedupe_key)",
    "CREATE INDEX privacy_alert_board ON privacy_alert (tenant_id, acknowledged_at, raised_at)",
    "CREATE INDEX breach_found ON breach (tenant_id, found_at)",
]
POSTGRES_ONLY = [
    "ALTER TABLE break_glass_grant ADD CONSTRAINT break_glass_grant_client_same_tenant "
    "FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id)",
]


forwards = sql_migration(
    migration_id=ID, app_name="privacy", description=DESCRIPTION, both=BOTH, postgres_only=POSTGRES_ONLY
)
