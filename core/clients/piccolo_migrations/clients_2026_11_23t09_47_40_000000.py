"""Guard before the clear-text health columns are replaced by encrypted ones.

The encrypted columns arrive with the next migration; clear-text values cannot be carried
over inside a migration (the keys app is migrated later), so refuse rather than lose data.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T09:47:40:000000"
VERSION = "1.38.0"
DESCRIPTION = "refuse to drop clear-text health data"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="clients", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        rows = await engine.run_ddl(
            "SELECT count(*) AS n FROM client WHERE allergies <> '' OR health_notes <> ''"
        )
        if rows and rows[0]["n"]:
            raise RuntimeError(
                f"{rows[0]['n']} clients hold clear-text health data; export it before upgrading "
                "and re-enter it afterwards (it will be encrypted at rest)"
            )

    manager.add_raw(run)
    return manager
