"""Move one tenant to another PostgreSQL cluster: copy, verify table by table, switch.

``salonkeep tenant move -t SLUG --to NAME-OR-URL`` runs :func:`move_tenant`:

1. On the source cluster it takes the tenant's move lock exclusively
   (``pg_advisory_xact_lock``). Every unit of work of the tenant takes the same lock shared
   first (:func:`salonkeep.tenants.db.unit_of_work`, when clusters are configured), so the
   move waits for those in flight, and new ones wait for the move: this is the **write pause**;
   it lasts as long as the copy and the check.
2. In one transaction on the target it writes the tenant's directory row (naming the target)
   and every row of every tenant table, parents first, as they are (keys stay in their
   wrapped form, the audit chain's links as sealed).
3. It compares the two sides table by table: the row count and a hash over the rows in id
   order (``md5`` of each row's text, in UTC). Any difference: both transactions roll back
   and nothing changed.
4. It commits the target, then **switches**: the home directory row and the source's copy of
   it name the target. Units of work that waited find their copy moved and open again on the
   target. The source's rows stay as an old copy that nothing reads any more (the directory
   and the copy's flag point away); remove them with the source's owner role once you no
   longer want them (``--drop-old-copy`` is not built).

Every row goes through the app role with the tenant set for row-level security on both sides,
so the move can neither read nor write another tenant's rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import asyncpg
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

from salonkeep.tenants import db
from salonkeep.tenants.errors import SalonkeepError

INSERT_CHUNK = 500


class MoveRefused(SalonkeepError):
    """The tenant cannot be moved (named field and reason)."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name


@dataclass
class MoveReport:
    """What a move copied and checked: rows per table, and the clusters."""

    tenant_id: UUID
    source: str
    target: str
    rows: dict[str, int] = field(default_factory=dict)


def resolve_cluster(to: str, home_url: str, clusters: Sequence[tuple[str, str]]) -> str:
    """The directory name of the cluster ``to`` names (a name of ``SALONKEEP_DATABASE_CLUSTERS``,
    ``home``, or one of their URLs); raises :class:`MoveRefused`."""
    wanted = to.strip()
    if wanted in ("home", home_url):
        return ""
    for name, url in clusters:
        if wanted in (name, url):
            return name
    raise MoveRefused(
        "to",
        "not the home database nor one of SALONKEEP_DATABASE_CLUSTERS (every process must know the cluster)",
    )


def _engine(name: str) -> PostgresEngine:
    engine = db.get_engine() if name == "" else db.clusters().get(name)
    if not isinstance(engine, PostgresEngine) or engine.pool is None:
        raise MoveRefused("to", "tenants can be moved only between PostgreSQL clusters with open pools")
    return engine


def _digest_sql(table: str) -> str:
    # Table names from the table classes; values only as parameters.
    return (
        f"select count(*) as n, coalesce(md5(string_agg(md5(t::text), '' order by t.id::text)), '') as h "  # noqa: S608
        f'from "{table}" t where t.tenant_id = $1'
    )


async def _scope(conn: asyncpg.Connection, tenant_id: UUID) -> None:
    await conn.execute("select set_config('salonkeep.tenant_id', $1, true)", str(tenant_id))
    await conn.execute("set local timezone = 'UTC'")


async def _copy_table(src: asyncpg.Connection, dst: asyncpg.Connection, table: str, tenant_id: UUID) -> int:
    rows = await src.fetch(f'select * from "{table}" where tenant_id = $1', tenant_id)  # noqa: S608
    if not rows:
        return 0
    columns = list(rows[0].keys())
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
    sql = f'insert into "{table}" ({names}) values ({marks})'  # noqa: S608
    for start in range(0, len(rows), INSERT_CHUNK):
        await dst.executemany(sql, [tuple(r) for r in rows[start : start + INSERT_CHUNK]])
    return len(rows)


async def move_tenant(tenant_id: UUID, target: str, tables: Sequence[type[Table]]) -> MoveReport:
    """Move ``tenant_id``'s rows of ``tables`` (every tenant table, parents first) to the
    cluster named ``target`` (``""``: home) and switch the directory; see the module text."""
    home = _engine("")
    directory = await rows_on(home, "select database from tenant where id = $1", tenant_id)
    if not directory:
        raise MoveRefused("tenant", "no such tenant")
    source = str(directory[0]["database"] or "")
    if source == target:
        raise MoveRefused("to", "the tenant already lives there")
    source_engine, target_engine = _engine(source), _engine(target)
    report = MoveReport(tenant_id, source or "home", target or "home")
    assert source_engine.pool is not None and target_engine.pool is not None
    async with (
        source_engine.pool.acquire() as src,
        target_engine.pool.acquire() as dst,
        src.transaction(),
    ):
        await _scope(src, tenant_id)
        # The write pause: wait for the tenant's units of work in flight, hold off new ones.
        await src.execute("select pg_advisory_xact_lock(hashtext('tenant-move:' || $1))", str(tenant_id))
        async with dst.transaction():
            await _scope(dst, tenant_id)
            if await dst.fetchval("select count(*) from tenant where id = $1", tenant_id):
                raise MoveRefused("to", "that cluster still holds a copy of this tenant: remove it first")
            tenant = await src.fetchrow("select * from tenant where id = $1", tenant_id)
            if tenant is None:
                raise MoveRefused("tenant", "the source cluster holds no copy of this tenant")
            values = dict(tenant) | {"database": target}
            names = ", ".join(f'"{c}"' for c in values)
            marks = ", ".join(f"${n}" for n in range(1, len(values) + 1))
            await dst.execute(f"insert into tenant ({names}) values ({marks})", *values.values())  # noqa: S608
            for table in tables:
                name = table._meta.tablename
                report.rows[name] = await _copy_table(src, dst, name, tenant_id)
            for table in tables:
                name = table._meta.tablename
                before = await src.fetchrow(_digest_sql(name), tenant_id)
                after = await dst.fetchrow(_digest_sql(name), tenant_id)
                if tuple(before) != tuple(after):
                    raise MoveRefused(
                        "tables",
                        f"{name}: the copy differs ({before['n']} rows → {after['n']}); nothing was switched",
                    )
        # The copy is committed on the target; now the switch.
        await src.execute("update tenant set database = $1 where id = $2", target, tenant_id)
        if source != "":
            async with home.pool.acquire() as directory_conn, directory_conn.transaction():  # type: ignore[union-attr]
                await _scope(directory_conn, tenant_id)
                await directory_conn.execute(
                    "update tenant set database = $1 where id = $2", target, tenant_id
                )
    db.forget_placement(tenant_id)
    return report


async def rows_on(engine: Engine, sql: str, *args: Any) -> list[dict[str, Any]]:
    """Rows of ``sql`` ($n placeholders) on ``engine``'s pool, outside any unit of work."""
    assert isinstance(engine, PostgresEngine) and engine.pool is not None
    async with engine.pool.acquire() as conn:
        return [dict(r) for r in await conn.fetch(sql, *args)]
