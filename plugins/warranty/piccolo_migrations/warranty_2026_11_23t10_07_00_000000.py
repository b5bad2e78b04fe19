"""One receipt counter per tenant and year."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T10:07:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "receipt counter key"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="warranty", description=DESCRIPTION)

    async def run() -> None:
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX warranty_receipt_counter_year ON warranty_receipt_counter (tenant_id, year)"
        )

    manager.add_raw(run)
    return manager
