"""Indexes for client histories, and same-tenant composite foreign keys."""

from salonkeep.tenants.raw_migrations import sql_migration

ID = "2026-11-23T09:36:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "visit indexes and same-tenant keys"

BOTH = [
    "CREATE INDEX visit_client ON visit (tenant_id, client_id, performed_at)",
    "CREATE INDEX sale_client ON sale (tenant_id, client_id, sold_at)",
    "CREATE INDEX appointment_client ON appointment (tenant_id, client_id, starts_at)",
    "CREATE INDEX appointment_branch_day ON appointment (tenant_id, branch_id, starts_at)",
]
POSTGRES_ONLY = [
    f"ALTER TABLE {table} ADD CONSTRAINT {table}_{column}_same_tenant "
    f"FOREIGN KEY (tenant_id, {column}) REFERENCES {target} (tenant_id, id)"
    + (" ON DELETE CASCADE" if column == "client_id" else "")
    for table in ("visit", "sale", "appointment")
    for column, target in (("client_id", "client"), ("branch_id", "branch"))
]


forwards = sql_migration(
    migration_id=ID, app_name="visits", description=DESCRIPTION, both=BOTH, postgres_only=POSTGRES_ONLY
)
