"""The database engine and the tenant-scoped unit of work.

Every unit of work that touches tenant data runs in one transaction whose first statement sets
``salonkeep.tenant_id`` for PostgreSQL row-level security (``set_config(..., true)``: local to
the transaction, so a pooled connection carries nothing to the next tenant). Queries go
through :mod:`salonkeep.tenants.scoped`, which adds the same tenant as a filter: that is what
isolates the embedded SQLite default.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit
from uuid import UUID

from piccolo.columns import Text, Varchar
from piccolo.columns.combination import Where
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString
from piccolo.table import Table

from salonkeep.tenants.context import TenantContext, current

_engine: Engine | None = None
#: The open transaction of this task, the tenant its ``salonkeep.tenant_id`` is set to and its
#: engine, so a unit of work nested in another one for the same tenant costs no extra statement.
_scoped_transaction: contextvars.ContextVar[tuple[object, UUID, Engine] | None] = contextvars.ContextVar(
    "salonkeep_scoped_transaction", default=None
)


def make_engine(url: str) -> Engine:
    """An engine for a ``sqlite:///path`` or ``postgresql://…`` URL."""
    if url.startswith("sqlite"):
        path = Path(urlsplit(url).path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return SQLiteEngine(path=str(path), timeout=30)
    return PostgresEngine(config={"dsn": url}, log_queries=False)


def _transaction(engine: Engine) -> Any:
    """A transaction on ``engine``. On SQLite it takes the write lock at BEGIN (IMMEDIATE): a
    deferred transaction that reads and then writes fails at once with "database is locked"
    when another connection wrote meanwhile, instead of waiting for the busy timeout."""
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


def is_postgres(engine: Engine) -> bool:
    """True for a PostgreSQL engine."""
    return isinstance(engine, PostgresEngine)


def bind(engine: Engine, tables: Iterable[type[Table]]) -> None:
    """Make ``engine`` the engine of ``tables`` and of every unit of work in this process."""
    global _engine
    _engine = engine
    for table in tables:
        table._meta.db = engine


def get_engine() -> Engine:
    """The engine bound by :func:`bind`."""
    if _engine is None:
        raise RuntimeError("no database engine is bound; call salonkeep.core.bootstrap first")
    return _engine


def contains(column: Varchar | Text, pattern: str) -> Where:
    """A case-insensitive LIKE: ILIKE on PostgreSQL, LIKE on SQLite (case-insensitive there)."""
    if is_postgres(get_engine()):
        return column.ilike(pattern)
    return column.like(pattern)


@functools.lru_cache(maxsize=512)
def _numbered(sql: str) -> str:
    """``{}`` placeholders as PostgreSQL's ``$1, $2, …``."""
    parts = sql.split("{}")
    return "".join(part + (f"${n}" if n < len(parts) else "") for n, part in enumerate(parts, start=1))


def _engine_of_scope() -> Engine:
    """The engine of the open unit of work (the table owner's for maintenance jobs such as
    sealing the audit chain), else the bound engine."""
    scope = _scoped_transaction.get()
    if scope is not None and scope[2].current_transaction.get() is scope[0]:
        return scope[2]
    return get_engine()


async def execute(sql: str, *args: object) -> list[dict[str, object]]:
    """Run one SQL statement with ``{}`` placeholders on the engine of the open unit of work
    (else the bound engine), inside its current transaction if any; the rows as dicts.

    On PostgreSQL the statement goes straight to asyncpg (prepared and cached per connection),
    which costs a fraction of building it through piccolo: hot read paths use this.
    """
    engine = _engine_of_scope()
    if isinstance(engine, PostgresEngine):
        transaction = engine.current_transaction.get()
        if transaction is not None:
            records = await transaction.connection.fetch(_numbered(sql), *args)
        elif engine.pool is not None:
            async with engine.pool.acquire() as connection:
                records = await connection.fetch(_numbered(sql), *args)
        else:
            return [dict(row) for row in await engine.run_querystring(QueryString(sql, *args)) or []]
        return [dict(record) for record in records]
    return [dict(row) for row in await engine.run_querystring(QueryString(sql, *args)) or []]


TableT = TypeVar("TableT", bound=Table)


@functools.lru_cache(maxsize=256)
def _select_sql(table: type[Table], where: str, order_by: str) -> str:
    columns = ", ".join(
        f'"{column._meta.db_column_name}" as "{column._meta.name}"' for column in table._meta.columns
    )
    # Identifiers from the table's definition; values only ever as parameters.
    sql = f'select {columns} from "{table._meta.tablename}" where {where}'  # noqa: S608
    return f"{sql} order by {order_by}" if order_by else sql


async def fetch_objects(table: type[TableT], where: str, *args: object, order_by: str = "") -> list[TableT]:
    """Rows of ``table`` as piccolo objects, for a hand-written ``where`` (``{}`` placeholders).

    For the reads every staff page makes (the client, its history, the branches): the same
    objects as ``table.objects().where(…)``, without building the query through piccolo on
    every call, which costs more than the query itself. Tenant data goes through
    :func:`salonkeep.tenants.scoped.fetch`, which adds the tenant filter; this function itself
    is for ``tenants/`` (the directory, and :mod:`scoped`)."""
    rows = await execute(_select_sql(table, where, order_by), *args)
    return [table(_exists_in_db=True, **row) for row in rows]  # type: ignore[arg-type]


def current_scope() -> UUID | None:
    """The tenant the open unit of work of this task is scoped to (``None`` outside one).
    :mod:`salonkeep.tenants.scoped` filters every query by it."""
    scope = _scoped_transaction.get()
    if scope is None:
        return None
    transaction, tenant_id, engine = scope
    if engine.current_transaction.get() is not transaction:
        return None  # the unit of work has ended (a context copied into another task)
    return tenant_id


async def set_tenant_for_rls(tenant_id: object) -> None:
    """Scope the current PostgreSQL transaction to ``tenant_id`` (a no-op on SQLite)."""
    if is_postgres(_engine_of_scope()):
        await execute("select set_config('salonkeep.tenant_id', {}, true)", str(tenant_id))


@asynccontextmanager
async def unit_of_work(
    ctx: TenantContext | None = None, engine: Engine | None = None
) -> AsyncIterator[TenantContext]:
    """One transaction for the current tenant; fails closed with no tenant set.

    ``engine`` is for maintenance jobs that run as the table owner (sealing the audit chain);
    the hand-written SQL of :mod:`salonkeep.tenants.scoped` then runs on it.

    Nested in another unit of work it joins the outer transaction (piccolo's nesting): the
    tenant is set again only when it differs, and the outer tenant is restored afterwards.
    """
    ctx = ctx or current()
    engine = engine or get_engine()
    async with _transaction(engine) as transaction:
        outer = _scoped_transaction.get()
        if outer is not None and outer[0] is transaction and outer[1] == ctx.tenant_id:
            yield ctx
            return
        token = _scoped_transaction.set((transaction, ctx.tenant_id, engine))
        try:
            await set_tenant_for_rls(ctx.tenant_id)
            yield ctx
        finally:
            _scoped_transaction.reset(token)
        if outer is not None and outer[0] is transaction:
            await set_tenant_for_rls(outer[1])


@asynccontextmanager
async def read_request_transaction(tenant_id: UUID) -> AsyncIterator[None]:
    """On PostgreSQL, one transaction for ``tenant_id`` that the units of work of a read-only
    request (GET) join: one BEGIN/``set_config``/COMMIT instead of one per service call.

    Nothing on SQLite: there a statement costs no round trip, and a long transaction that
    reads first and writes (an audit row) late would make concurrent writers fail sooner."""
    if not is_postgres(get_engine()):
        yield
        return
    async with unit_of_work(TenantContext(tenant_id=tenant_id, actor_label="request")):
        yield
