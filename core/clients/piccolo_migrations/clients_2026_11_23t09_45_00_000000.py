"""Trigram indexes for the client search (``ILIKE '%…%'`` on names and phone), PostgreSQL only.

pg_trgm is a trusted extension: the database owner that runs ``salonkeep migrate`` may create it.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine

ID = "2026-11-23T09:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "trigram indexes for client search"

POSTGRES_ONLY = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX client_first_name_trgm ON client USING gin (first_name gin_trgm_ops)",
    "CREATE INDEX client_last_name_trgm ON client USING gin (last_name gin_trgm_ops)",
    "CREATE INDEX client_phone_trgm ON client USING gin (phone gin_trgm_ops)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="clients", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        if isinstance(engine, PostgresEngine):
            for sql in POSTGRES_ONLY:
                await engine.run_ddl(sql)

    manager.add_raw(run)
    return manager
