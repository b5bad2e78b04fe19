"""Look-up key for API keys, and a composite foreign key keeping a key's branch in its tenant."""

from salonkeep.tenants.raw_migrations import sql_migration

ID = "2026-11-23T09:44:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "api key prefix index and same-tenant branch key"

BOTH = ["CREATE UNIQUE INDEX api_key_tenant_prefix ON api_key (tenant_id, prefix)"]
POSTGRES_ONLY = [
    "ALTER TABLE api_key ADD CONSTRAINT api_key_branch_same_tenant "
    "FOREIGN KEY (tenant_id, branch_id) REFERENCES branch (tenant_id, id)",
]


forwards = sql_migration(
    migration_id=ID, app_name="apikeys", description=DESCRIPTION, both=BOTH, postgres_only=POSTGRES_ONLY
)
