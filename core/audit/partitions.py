"""The audit table partitioned by month (PostgreSQL only).

``audit_event`` is a declaratively partitioned table (``PARTITION BY RANGE (occurred_at)``),
one partition per calendar month in UTC named ``audit_event_yYYYYmMM``, plus
``audit_event_default`` that catches a row no month partition covers yet (so an insert never
fails). :func:`ensure_partitions` creates the partitions from the current month to
``MONTHS_AHEAD`` months ahead; ``salonkeep migrate`` runs it and so does the workers' daily
``audit_partitions`` job, both as the table owner. A month that rows already reached in the
default partition is created by moving those rows into it in the same transaction.

Row-level security: queries through ``audit_event`` are checked by its ``tenant_isolation``
policy (PostgreSQL applies the parent's policies to rows of every partition). The app role is
granted nothing on the partitions themselves, and each partition has RLS forced with the same
policy as well, so reading a partition directly gives nothing either.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from piccolo.engine.base import Engine
from piccolo.querystring import QueryString

from salonkeep.tenants import clock, db
from salonkeep.tenants.isolation import POLICY_NAME, policy_expression

TABLE = "audit_event"
DEFAULT_PARTITION = f"{TABLE}_default"
#: How many months after the current one get their partition in advance.
MONTHS_AHEAD = 3


def month_start(day: date | datetime) -> date:
    """The first day of ``day``'s month."""
    return date(day.year, day.month, 1)


def next_month(first: date) -> date:
    """The first day of the month after ``first``'s."""
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def partition_name(first: date) -> str:
    """``audit_event_y2026m11`` for November 2026."""
    return f"{TABLE}_y{first.year:04d}m{first.month:02d}"


def _bound(first: date) -> str:
    return datetime(first.year, first.month, 1, tzinfo=UTC).isoformat()


async def query(engine: Engine, sql: str, *args: Any) -> list[dict[str, Any]]:
    return [dict(row) for row in await engine.run_querystring(QueryString(sql, *args)) or []]


async def is_partitioned(engine: Engine) -> bool:
    """True when ``audit_event`` is a partitioned table on this PostgreSQL database."""
    if not db.is_postgres(engine):
        return False
    rows = await query(engine, "select relkind from pg_class where relname = {} and relkind = 'p'", TABLE)
    return bool(rows)


async def partitions(engine: Engine) -> list[str]:
    """The names of ``audit_event``'s partitions, in order."""
    rows = await query(
        engine,
        "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid "
        "join pg_class p on p.oid = i.inhparent where p.relname = {} order by c.relname",
        TABLE,
    )
    return [str(row["relname"]) for row in rows]


async def secure_partition(engine: Engine, name: str) -> None:
    """RLS forced with the tenant policy on one partition; nothing granted to anyone."""
    condition = policy_expression()
    await engine.run_ddl(f"REVOKE ALL ON TABLE {name} FROM PUBLIC")
    await engine.run_ddl(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
    await engine.run_ddl(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
    await engine.run_ddl(f"DROP POLICY IF EXISTS {POLICY_NAME} ON {name}")
    await engine.run_ddl(
        f"CREATE POLICY {POLICY_NAME} ON {name} USING ({condition}) WITH CHECK ({condition})"
    )


async def create_month(engine: Engine, first: date) -> bool:
    """Create the partition of ``first``'s month unless it exists (moving that month's rows out
    of the default partition); True when it was created. Run inside a transaction."""
    name = partition_name(first)
    if name in await partitions(engine):
        return False
    low, high = _bound(first), _bound(next_month(first))
    await engine.run_ddl(f"LOCK TABLE {DEFAULT_PARTITION} IN ACCESS EXCLUSIVE MODE")
    await engine.run_ddl(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS)")
    await engine.run_ddl(
        f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE occurred_at >= '{low}' "  # noqa: S608
        f"AND occurred_at < '{high}' RETURNING *) INSERT INTO {name} SELECT * FROM moved"
    )
    await engine.run_ddl(
        f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES FROM ('{low}') TO ('{high}')"
    )
    await secure_partition(engine, name)
    return True


async def ensure_partitions(engine: Engine, months_ahead: int = MONTHS_AHEAD) -> list[str]:
    """Create the missing month partitions from the current month to ``months_ahead`` later
    (and the months of rows waiting in the default partition); the names created. A no-op on
    SQLite or when the table is not partitioned."""
    if not await is_partitioned(engine):
        return []
    months = {month_start(clock.now().astimezone(UTC))}
    for _ in range(months_ahead):
        months.add(next_month(max(months)))
    for row in await query(
        engine,
        f"select distinct date_trunc('month', occurred_at at time zone 'UTC') as m "  # noqa: S608
        f"from {DEFAULT_PARTITION} where occurred_at is not null",
    ):
        months.add(month_start(row["m"]))
    created: list[str] = []
    async with engine.transaction():
        for first in sorted(months):
            if await create_month(engine, first):
                created.append(partition_name(first))
    return created
