"""Tenant-scoped unique keys, and composite foreign keys so that no row can point at a row
of another tenant (foreign-key checks bypass row-level security)."""

from salonkeep.tenants.raw_migrations import sql_migration

ID = "2026-11-23T09:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "tenant-scoped unique keys and composite foreign keys"

BOTH = [
    "CREATE UNIQUE INDEX branch_tenant_name ON branch (tenant_id, name)",
    "CREATE UNIQUE INDEX staff_member_tenant_email ON staff_member (tenant_id, email)",
    "CREATE UNIQUE INDEX staff_branch_pair ON staff_branch (tenant_id, staff_id, branch_id)",
    "CREATE INDEX staff_member_token ON staff_member (set_password_token_hash)",
]
POSTGRES_ONLY = [
    "ALTER TABLE branch ADD CONSTRAINT branch_tenant_id_key UNIQUE (tenant_id, id)",
    "ALTER TABLE staff_member ADD CONSTRAINT staff_member_tenant_id_key UNIQUE (tenant_id, id)",
    "ALTER TABLE staff_branch ADD CONSTRAINT staff_branch_staff_same_tenant "
    "FOREIGN KEY (tenant_id, staff_id) REFERENCES staff_member (tenant_id, id) ON DELETE CASCADE",
    "ALTER TABLE staff_branch ADD CONSTRAINT staff_branch_branch_same_tenant "
    "FOREIGN KEY (tenant_id, branch_id) REFERENCES branch (tenant_id, id) ON DELETE CASCADE",
]


forwards = sql_migration(
    migration_id=ID, app_name="tenants", description=DESCRIPTION, both=BOTH, postgres_only=POSTGRES_ONLY
)
