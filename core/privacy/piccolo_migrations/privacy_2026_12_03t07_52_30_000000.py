"""Keys and indexes of the staff notices and the privacy training records."""

from salonkeep.tenants.raw_migrations import sql_migration

ID = "2026-12-03T07:52:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "staff notice dedupe key and due index, training index"

BOTH = [
    "CREATE UNIQUE INDEX staff_notice_dedupe ON staff_notice (tenant_id, dedupe_key)",
    "CREATE INDEX staff_notice_due ON staff_notice (tenant_id, status, next_attempt_at)",
    "CREATE INDEX privacy_training_renewal ON privacy_training (tenant_id, staff_id, renew_by)",
]


forwards = sql_migration(migration_id=ID, app_name="privacy", description=DESCRIPTION, both=BOTH)
