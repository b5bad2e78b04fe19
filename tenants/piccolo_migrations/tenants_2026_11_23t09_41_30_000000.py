"""Index for counting recent sign-in failures (the lockout)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T09:41:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "index of recent sign-in failures"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tenants", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        await engine.run_ddl(
            "CREATE INDEX sign_in_failure_recent ON sign_in_failure (tenant_id, email, failed_at)"
        )

    manager.add_raw(run)
    return manager
