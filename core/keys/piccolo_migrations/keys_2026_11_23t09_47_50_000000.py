"""Key tables: one version number and one client key per tenant, same-tenant client keys."""

from salonkeep.tenants.raw_migrations import sql_migration

ID = "2026-11-23T09:47:50:000000"
VERSION = "1.38.0"
DESCRIPTION = "key uniqueness and same-tenant client keys"

BOTH = [
    "CREATE UNIQUE INDEX tenant_key_version ON tenant_key (tenant_id, version)",
    "CREATE UNIQUE INDEX client_key_client ON client_key (tenant_id, client_id)",
    "CREATE INDEX client_key_version ON client_key (tenant_id, tenant_key_version)",
]
POSTGRES_ONLY = [
    "ALTER TABLE client_key ADD CONSTRAINT client_key_client_same_tenant "
    "FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id) ON DELETE CASCADE",
]


forwards = sql_migration(
    migration_id=ID, app_name="keys", description=DESCRIPTION, both=BOTH, postgres_only=POSTGRES_ONLY
)
