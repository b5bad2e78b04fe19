"""Search indexes, and a composite foreign key keeping a client's branch in its tenant."""

from salonkeep.tenants.raw_migrations import sql_migration

ID = "2026-11-23T09:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "client search indexes and same-tenant branch key"

BOTH = [
    "CREATE INDEX client_tenant_name ON client (tenant_id, last_name, first_name)",
    "CREATE INDEX client_tenant_phone ON client (tenant_id, phone)",
]
POSTGRES_ONLY = [
    "ALTER TABLE client ADD CONSTRAINT client_tenant_id_key UNIQUE (tenant_id, id)",
    "ALTER TABLE client ADD CONSTRAINT client_branch_same_tenant "
    "FOREIGN KEY (tenant_id, branch_id) REFERENCES branch (tenant_id, id)",
]


forwards = sql_migration(
    migration_id=ID, app_name="clients", description=DESCRIPTION, both=BOTH, postgres_only=POSTGRES_ONLY
)
