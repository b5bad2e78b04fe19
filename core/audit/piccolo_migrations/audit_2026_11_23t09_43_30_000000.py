"""Audit indexes: one link per sequence number per tenant, and fast look-ups."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T09:43:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit chain indexes"

BOTH = [
    "CREATE UNIQUE INDEX audit_event_tenant_seq ON audit_event (tenant_id, seq)",
    "CREATE INDEX audit_event_unsealed ON audit_event (tenant_id, occurred_at, id) WHERE seq IS NULL",
    "CREATE INDEX audit_event_client ON audit_event (tenant_id, client_id, occurred_at)",
    "CREATE INDEX audit_event_time ON audit_event (tenant_id, occurred_at)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        for sql in BOTH:
            await engine.run_ddl(sql)

    manager.add_raw(run)
    return manager
