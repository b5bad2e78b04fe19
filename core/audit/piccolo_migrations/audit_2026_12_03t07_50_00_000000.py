"""The audit table partitioned by month on PostgreSQL (existing rows kept); nothing on SQLite."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from salonkeep.core.audit.partitions import (
    DEFAULT_PARTITION,
    TABLE,
    query,
    secure_partition,
    create_month,
    is_partitioned,
    month_start,
)

ID = "2026-12-03T07:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit_event partitioned by month"


async def partition_existing_table(engine: Engine) -> None:
    """Turn the plain ``audit_event`` into the partitioned one, keeping every row (the
    migration; run inside its transaction as the table owner)."""
    if await is_partitioned(engine):
        return
    old = f"{TABLE}_unpartitioned"
    for statement in (
        f"ALTER TABLE {TABLE} RENAME TO {old}",
        f"ALTER INDEX {TABLE}_pkey RENAME TO {old}_pkey",
        f"DROP INDEX IF EXISTS {TABLE}_tenant_seq, {TABLE}_unsealed, {TABLE}_client, {TABLE}_time",
        f"CREATE TABLE {TABLE} (LIKE {old} INCLUDING DEFAULTS) PARTITION BY RANGE (occurred_at)",
        # The partition key must be part of the primary key of a partitioned table.
        f"ALTER TABLE {TABLE} ADD PRIMARY KEY (id, occurred_at)",
        f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_tenant_id_fkey FOREIGN KEY (tenant_id) "
        "REFERENCES tenant (id) ON DELETE RESTRICT",
        # Unique per tenant only within a partition is all PostgreSQL offers here: sealing (the
        # one writer of seq, under a per-tenant lock) keeps it unique and `audit verify`
        # reports a repeated seq as a missing link.
        f"CREATE INDEX {TABLE}_tenant_seq ON {TABLE} (tenant_id, seq)",
        f"CREATE INDEX {TABLE}_unsealed ON {TABLE} (tenant_id, occurred_at, id) WHERE seq IS NULL",
        f"CREATE INDEX {TABLE}_client ON {TABLE} (tenant_id, client_id, occurred_at)",
        f"CREATE INDEX {TABLE}_time ON {TABLE} (tenant_id, occurred_at)",
        f"CREATE TABLE {DEFAULT_PARTITION} PARTITION OF {TABLE} DEFAULT",
    ):
        await engine.run_ddl(statement)
    await secure_partition(engine, DEFAULT_PARTITION)
    # Every month that holds rows gets its partition first, then the rows move over.
    months = await query(
        engine,
        f"select distinct date_trunc('month', occurred_at at time zone 'UTC') as m from {old} "  # noqa: S608
        "where occurred_at is not null",
    )
    for row in months:
        await create_month(engine, month_start(row["m"]))
    await engine.run_ddl(f"INSERT INTO {TABLE} SELECT * FROM {old}")  # noqa: S608
    await engine.run_ddl(f"DROP TABLE {old}")


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        if isinstance(engine, PostgresEngine):
            await partition_existing_table(engine)

    manager.add_raw(run)
    return manager
