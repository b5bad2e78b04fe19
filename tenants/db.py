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
from contextlib import AsyncExitStack, asynccontextmanager
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
_replica: Engine | None = None
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


class RoutingEngine(PostgresEngine):
    """What the tables are bound to on PostgreSQL: every piccolo query runs on the engine of
    the open unit of work of its task (a read replica's, another cluster's), else on the home
    engine. So one table class serves several databases, and a query always runs inside its
    unit of work's transaction, on the connection where the tenant was set for row-level
    security."""

    def __init__(self, home: PostgresEngine) -> None:
        super().__init__(config=home.config, log_queries=False)
        self.home = home

    def target(self) -> Engine:
        """The engine this task's query runs on."""
        return _engine_of_scope()

    async def run_querystring(self, querystring: QueryString, in_pool: bool = True) -> Any:
        """Run on :meth:`target`."""
        return await self.target().run_querystring(querystring, in_pool=in_pool)

    async def run_ddl(self, ddl: str, in_pool: bool = True) -> Any:
        """Run on :meth:`target`."""
        return await self.target().run_ddl(ddl, in_pool=in_pool)

    def transaction(self, allow_nested: bool = True) -> Any:
        """A transaction on :meth:`target`."""
        return self.target().transaction(allow_nested=allow_nested)

    def atomic(self) -> Any:
        """An atomic block on :meth:`target`."""
        return self.target().atomic()


def bind(engine: Engine, tables: Iterable[type[Table]]) -> None:
    """Make ``engine`` the engine of ``tables`` and of every unit of work in this process (the
    home database: the tenant directory, and every tenant not placed elsewhere)."""
    global _engine
    _engine = engine
    bound: Engine = RoutingEngine(engine) if isinstance(engine, PostgresEngine) else engine
    for table in tables:
        table._meta.db = bound


def bind_replica(engine: Engine | None) -> None:
    """Use ``engine`` (a read replica of the home database, ``None``: none) for
    :func:`replica_unit_of_work`."""
    global _replica
    _replica = engine


def replica_engine() -> Engine | None:
    """The read replica bound by :func:`bind_replica`."""
    return _replica


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


#: The transaction the memo of :func:`unit_memo` belongs to, and the memo.
_memo: contextvars.ContextVar[tuple[object, dict[Any, Any]] | None] = contextvars.ContextVar(
    "salonkeep_unit_memo", default=None
)


def unit_memo() -> dict[Any, Any] | None:
    """A dict that lives as long as the open unit of work's transaction (``None`` outside
    one): rows read once in it and handed on, so the services and the plugin host a request
    calls do not read the same row again (:func:`salonkeep.tenants.scoped.remember`). The
    units of work nested in it share it; a new transaction starts empty."""
    scope = _scoped_transaction.get()
    if scope is None or scope[2].current_transaction.get() is not scope[0]:
        return None
    held = _memo.get()
    if held is None or held[0] is not scope[0]:
        held = (scope[0], {})
        _memo.set(held)
    return held[1]


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


# --- tenants placed on several PostgreSQL clusters -------------------------------------------
#
# The directory row of a tenant (on the home database) names the cluster its data lives on
# (``tenant.database``: ``""`` is the home database, else a name of
# ``SALONKEEP_DATABASE_CLUSTERS``). Every cluster holds a copy of the tenant's directory row
# too (its tenant tables reference it); that copy names the cluster it belongs to while the
# tenant lives there, and the cluster it moved to afterwards.

#: Cluster name → engine, for the clusters other than home (``add_cluster``).
_clusters: dict[str, Engine] = {}
#: Tenant → cluster name, as last read from the home directory.
_placements: dict[UUID, str] = {}
#: The tenant-level advisory lock a move holds exclusively while it copies and switches.
MOVE_LOCK = "select pg_advisory_xact_lock_shared(hashtext('tenant-move:' || {}))"
MAX_REROUTES = 5


class TenantMoved(Exception):
    """The tenant's rows on this cluster are an old copy: it moved (read the directory again)."""


def add_cluster(name: str, engine: Engine) -> None:
    """Register another PostgreSQL cluster tenants may be placed on (``name`` as stored in the
    directory)."""
    _clusters[name] = engine


def clear_clusters() -> None:
    """Forget every cluster and placement (the process stops, or a test ends)."""
    _clusters.clear()
    _placements.clear()


def clusters() -> dict[str, Engine]:
    """The registered clusters other than home, by name."""
    return dict(_clusters)


def cluster_name(engine: Engine) -> str | None:
    """The directory name of ``engine``'s cluster: ``""`` for home, ``None`` for an engine that
    is neither (the read replica, the owner's engine of a maintenance job)."""
    if engine is _engine:
        return ""
    for name, known in _clusters.items():
        if known is engine:
            return name
    return None


def forget_placement(tenant_id: UUID) -> None:
    """Read ``tenant_id``'s cluster from the directory again on its next unit of work."""
    _placements.pop(tenant_id, None)


async def _home_rows(sql: str, *args: object) -> list[dict[str, object]]:
    """Rows of ``sql`` on the home database, whatever unit of work is open."""
    home = get_engine()
    if isinstance(home, PostgresEngine) and home.pool is not None:
        async with home.pool.acquire() as connection:
            return [dict(r) for r in await connection.fetch(_numbered(sql), *args)]
    return [dict(row) for row in await home.run_querystring(QueryString(sql, *args)) or []]


async def engine_for(tenant_id: UUID) -> Engine:
    """The engine of the cluster ``tenant_id`` lives on (home when no other cluster is
    registered, or the tenant is not in the directory yet)."""
    if not _clusters:
        return get_engine()
    name = _placements.get(tenant_id)
    if name is None:
        rows = await _home_rows("select database from tenant where id = {}", tenant_id)
        name = str(rows[0]["database"] or "") if rows else ""
        _placements[tenant_id] = name
    if not name:
        return get_engine()
    engine = _clusters.get(name)
    if engine is None:
        raise RuntimeError(
            f"tenant {tenant_id} lives on the cluster {name!r}, which SALONKEEP_DATABASE_CLUSTERS lacks"
        )
    return engine


async def _check_placement(tenant_id: UUID, engine: Engine) -> None:
    """With several clusters: wait while a move of the tenant holds its lock, then raise
    :class:`TenantMoved` when this cluster's copy of the tenant says it lives elsewhere."""
    name = cluster_name(engine)
    if not _clusters or name is None:
        return
    await execute(MOVE_LOCK, str(tenant_id))
    rows = await execute("select database from tenant where id = {}", tenant_id)
    if rows and str(rows[0]["database"] or "") != name:
        raise TenantMoved(str(tenant_id))


@asynccontextmanager
async def _scoped_unit(ctx: TenantContext, engine: Engine) -> AsyncIterator[TenantContext]:
    async with _transaction(engine) as transaction:
        outer = _scoped_transaction.get()
        if outer is not None and outer[0] is transaction and outer[1] == ctx.tenant_id:
            yield ctx
            return
        token = _scoped_transaction.set((transaction, ctx.tenant_id, engine))
        try:
            await set_tenant_for_rls(ctx.tenant_id)
            if outer is None or outer[0] is not transaction:
                await _check_placement(ctx.tenant_id, engine)
            yield ctx
        finally:
            _scoped_transaction.reset(token)
        if outer is not None and outer[0] is transaction:
            await set_tenant_for_rls(outer[1])


@asynccontextmanager
async def unit_of_work(
    ctx: TenantContext | None = None, engine: Engine | None = None
) -> AsyncIterator[TenantContext]:
    """One transaction for the current tenant, on the cluster it lives on; fails closed with no
    tenant set.

    ``engine`` is for maintenance jobs that run as the table owner (sealing the audit chain);
    the hand-written SQL of :mod:`salonkeep.tenants.scoped` then runs on it.

    Nested in another unit of work it joins the outer transaction (piccolo's nesting): the
    tenant is set again only when it differs, and the outer tenant is restored afterwards.

    With several clusters, a unit of work that finds the tenant moved away (a move switched
    while it waited for the move's lock) opens again on the tenant's new cluster.
    """
    ctx = ctx or current()
    async with AsyncExitStack() as stack:
        for _ in range(MAX_REROUTES):
            target = engine or await engine_for(ctx.tenant_id)
            try:
                await stack.enter_async_context(_scoped_unit(ctx, target))
                break
            except TenantMoved:
                forget_placement(ctx.tenant_id)
        else:
            raise RuntimeError(f"tenant {ctx.tenant_id}: its cluster keeps changing")
        yield ctx


def in_replica_scope() -> bool:
    """True inside a :func:`replica_unit_of_work` on the replica (writes must go elsewhere)."""
    scope = _scoped_transaction.get()
    return (
        scope is not None
        and _replica is not None
        and scope[2] is _replica
        and _replica.current_transaction.get() is scope[0]
    )


@asynccontextmanager
async def replica_unit_of_work(ctx: TenantContext | None = None) -> AsyncIterator[TenantContext]:
    """A read-only unit of work on the read replica (``SALONKEEP_DATABASE_REPLICA_URL``), for
    reads where a little staleness is harmless (reports, exports, audit searches, statistics);
    the primary's unit of work when no replica is configured.

    The tenant is set for row-level security on the replica's connection exactly as on the
    primary, and the transaction is ``READ ONLY``: a write in it fails (audit rows about the
    read are written by their own unit of work, which goes to the primary)."""
    ctx = ctx or current()
    replica = _replica
    if replica is None or (await engine_for(ctx.tenant_id)) is not get_engine():
        async with unit_of_work(ctx):
            yield ctx
        return
    outer = _scoped_transaction.get()
    if outer is not None and outer[2] is replica and replica.current_transaction.get() is outer[0]:
        async with unit_of_work(ctx, engine=replica):  # joins the open replica transaction
            yield ctx
        return
    async with replica.transaction() as transaction:
        token = _scoped_transaction.set((transaction, ctx.tenant_id, replica))
        try:
            await execute("set transaction read only")
            await set_tenant_for_rls(ctx.tenant_id)
            yield ctx
        finally:
            _scoped_transaction.reset(token)


@asynccontextmanager
async def request_transaction(tenant_id: UUID) -> AsyncIterator[None]:
    """On PostgreSQL, one transaction for ``tenant_id`` that the units of work of one request
    join: one BEGIN/``set_config``/COMMIT instead of one per service call, and nothing of a
    write request committed unless all of it is.

    Nothing on SQLite: there a statement costs no round trip, and a long transaction that
    reads first and writes (an audit row) late would make concurrent writers fail sooner."""
    if not is_postgres(get_engine()):
        yield
        return
    async with unit_of_work(TenantContext(tenant_id=tenant_id, actor_label="request")):
        yield


@asynccontextmanager
async def read_request_transaction(tenant_id: UUID) -> AsyncIterator[None]:
    """The :func:`request_transaction` of a read-only request (a GET)."""
    async with request_transaction(tenant_id):
        yield
