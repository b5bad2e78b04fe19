"""Visits of medical-aesthetics services are procedures; appointments by staff member;
the staff member of an appointment is of the same tenant."""

from salonkeep.tenants.raw_migrations import sql_migration

ID = "2026-12-03T07:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "procedures, appointment staff"

BOTH = [
    "UPDATE visit SET is_procedure = true WHERE category = 'medical_aesthetics'",
    "UPDATE appointment SET ends_at = starts_at, blocked_from = starts_at, blocked_until = starts_at "
    "WHERE ends_at IS NULL",
    "CREATE INDEX appointment_staff_time ON appointment (tenant_id, staff_id, blocked_from)",
]
POSTGRES_ONLY = [
    "ALTER TABLE appointment ADD CONSTRAINT appointment_staff_id_same_tenant "
    "FOREIGN KEY (tenant_id, staff_id) REFERENCES staff_member (tenant_id, id) ON DELETE SET NULL (staff_id)",
]

forwards = sql_migration(
    migration_id=ID, app_name="visits", description=DESCRIPTION, both=BOTH, postgres_only=POSTGRES_ONLY
)
