"""Hand-written SQL migrations: indexes, tenant-scoped unique keys and composite foreign keys.

Each bounded context's piccolo app has an auto-generated migration for its tables and one of
these for what piccolo cannot express. Composite ``(tenant_id, x_id)`` foreign keys are
PostgreSQL only (foreign-key checks bypass row-level security; SQLite has none to protect).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine


def sql_migration(
    *,
    migration_id: str,
    app_name: str,
    description: str,
    both: Sequence[str] = (),
    postgres_only: Sequence[str] = (),
    sqlite_only: Sequence[str] = (),
) -> Callable[[], Awaitable[MigrationManager]]:
    """The ``forwards`` function of a migration that runs ``both`` on every database, then
    ``postgres_only`` on PostgreSQL or ``sqlite_only`` on SQLite (column types differ), in
    order, inside the migration's transaction."""

    async def forwards() -> MigrationManager:
        manager = MigrationManager(migration_id=migration_id, app_name=app_name, description=description)

        async def run() -> None:
            engine = engine_finder()
            if engine is None:
                raise RuntimeError("piccolo found no engine: set PICCOLO_CONF (salonkeep migrate does)")
            own = postgres_only if isinstance(engine, PostgresEngine) else sqlite_only
            statements = [*both, *own]
            for sql in statements:
                await engine.run_ddl(sql)

        manager.add_raw(run)
        return manager

    return forwards
