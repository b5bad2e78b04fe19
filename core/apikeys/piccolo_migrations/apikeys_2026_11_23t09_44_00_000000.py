"""Look-up key for API keys, and a composite foreign key keeping a key's branch in its tenant."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine

ID = "2026-11-23T09:44:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "api key prefix index and same-tenant branch key"

BOTH = ["CREATE UNIQUE INDEX api_key_tenant_prefix ON api_key (tenant_id, prefix)"]
POSTGRES_ONLY = [
    "ALTER TABLE api_key ADD CONSTRAINT api_key_branch_same_tenant "
    "FOREIGN KEY (tenant_id, branch_id) REFERENCES branch (tenant_id, id)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="apikeys", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        statements = BOTH + (POSTGRES_ONLY if isinstance(engine, PostgresEngine) else [])
        for sql in statements:
            await engine.run_ddl(sql)

    manager.add_raw(run)
    return manager
