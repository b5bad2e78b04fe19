"""Index for the latest decision per client and purpose; same-tenant composite key."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine

ID = "2026-11-23T09:46:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "consent indexes and same-tenant keys"

BOTH = [
    "CREATE INDEX consent_event_client ON consent_event (tenant_id, client_id, purpose, recorded_at)",
]
POSTGRES_ONLY = [
    "ALTER TABLE consent_event ADD CONSTRAINT consent_event_client_id_same_tenant "
    "FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id) ON DELETE CASCADE",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="consent", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        statements = BOTH + (POSTGRES_ONLY if isinstance(engine, PostgresEngine) else [])
        for sql in statements:
            await engine.run_ddl(sql)

    manager.add_raw(run)
    return manager
