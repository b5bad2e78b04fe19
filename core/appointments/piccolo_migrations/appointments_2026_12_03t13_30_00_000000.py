"""Booking requests and calendar feeds: the request list's index, one feed per token hash in a
tenant, and same-tenant keys on PostgreSQL (a row can only name a branch, staff member,
service or client of its own tenant)."""

from salonkeep.tenants.raw_migrations import sql_migration

ID = "2026-12-03T13:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "booking request and calendar feed keys"

BOTH = [
    "CREATE INDEX booking_request_branch_status ON booking_request (tenant_id, branch_id, status)",
    "CREATE INDEX calendar_feed_staff ON calendar_feed (tenant_id, staff_id)",
    "CREATE UNIQUE INDEX calendar_feed_token ON calendar_feed (tenant_id, token_hash)",
]
POSTGRES_ONLY = [
    "ALTER TABLE booking_request ADD CONSTRAINT booking_request_branch_same_tenant "
    "FOREIGN KEY (tenant_id, branch_id) REFERENCES branch (tenant_id, id) ON DELETE CASCADE",
    "ALTER TABLE booking_request ADD CONSTRAINT booking_request_staff_same_tenant "
    "FOREIGN KEY (tenant_id, staff_id) REFERENCES staff_member (tenant_id, id)",
    "ALTER TABLE booking_request ADD CONSTRAINT booking_request_client_same_tenant "
    "FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id)",
    "ALTER TABLE calendar_feed ADD CONSTRAINT calendar_feed_staff_same_tenant "
    "FOREIGN KEY (tenant_id, staff_id) REFERENCES staff_member (tenant_id, id) ON DELETE CASCADE",
]

forwards = sql_migration(
    migration_id=ID, app_name="appointments", description=DESCRIPTION, both=BOTH, postgres_only=POSTGRES_ONLY
)
