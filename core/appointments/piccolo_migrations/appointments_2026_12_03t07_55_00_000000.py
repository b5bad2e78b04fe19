"""No double-booking on PostgreSQL: an exclusion constraint over each staff member's
buffered intervals (cancelled appointments aside), so two concurrent bookings of one slot
cannot both commit. Same-tenant keys of the working hours."""

from salonkeep.tenants.raw_migrations import sql_migration

ID = "2026-12-03T07:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "appointment no-overlap constraint, working hours keys"

BOTH = [
    "CREATE UNIQUE INDEX working_hours_day ON working_hours (tenant_id, staff_id, branch_id, weekday)",
]
POSTGRES_ONLY = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE appointment ADD CONSTRAINT appointment_no_overlap EXCLUDE USING gist "
    "(tenant_id WITH =, staff_id WITH =, tstzrange(blocked_from, blocked_until, '[)') WITH &&) "
    "WHERE (status <> 'cancelled' AND staff_id IS NOT NULL AND blocked_from < blocked_until)",
    "ALTER TABLE working_hours ADD CONSTRAINT working_hours_staff_same_tenant "
    "FOREIGN KEY (tenant_id, staff_id) REFERENCES staff_member (tenant_id, id) ON DELETE CASCADE",
    "ALTER TABLE working_hours ADD CONSTRAINT working_hours_branch_same_tenant "
    "FOREIGN KEY (tenant_id, branch_id) REFERENCES branch (tenant_id, id) ON DELETE CASCADE",
]

forwards = sql_migration(
    migration_id=ID, app_name="appointments", description=DESCRIPTION, both=BOTH, postgres_only=POSTGRES_ONLY
)
