"""The audit table partitioned by month on PostgreSQL (existing rows kept); nothing on SQLite."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine

from salonkeep.core.audit.partitions import partition_existing_table

ID = "2026-12-03T07:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit_event partitioned by month"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        if isinstance(engine, PostgresEngine):
            await partition_existing_table(engine)

    manager.add_raw(run)
    return manager
