"""The one way to read and write tenant data: the tenant filter comes from here, never by hand.

Every function reads the tenant of the **open unit of work** (:func:`salonkeep.tenants.db.unit_of_work`),
the same tenant that PostgreSQL row-level security was set to, and adds ``tenant_id = …`` to
the query itself. Outside a unit of work they raise :class:`NoTenantContext` (fail closed). On
the embedded SQLite default (no RLS) this filter is the only guard, so no module outside
``tenants/`` writes ``tenant_id`` into a query (a test walks the sources for it).

Piccolo queries::

    async with unit_of_work(ctx):
        rows = await scoped.objects(Client).where(Client.id == client_id)
        client = await scoped.get(Client, client_id)  # None: no such row for this tenant
        await scoped.update(Client, {Client.phone: "+358…"}).where(Client.id == client_id)
        await scoped.insert(scoped.new(Visit, client_id=client.id, service="Facial"))
        await scoped.update_tenant({Tenant.default_locale: "fi"})  # the tenant's own directory row

Hand-written SQL (hot paths, tables named from the catalog)::

    rows = await scoped.fetch(Touchpoint, "client_id = {}", client_id, order_by="due_at")
    zones = await scoped.rows("branch", "time_zone", "id = {}", branch_id)
    await scoped.update_rows("visit", "notes = ''", "client_id = {}", client_id)
    await scoped.delete_rows("call_preference", "client_id = {}", client_id)
    await scoped.insert_values(AuditEvent, {"id": uuid4(), "action": "view", …})
"""

from __future__ import annotations

import functools
from typing import Any, TypeVar
from uuid import UUID

from piccolo.query.methods.delete import Delete
from piccolo.query.methods.objects import Objects
from piccolo.query.methods.select import Select
from piccolo.query.methods.update import Update
from piccolo.table import Table

from salonkeep.tenants import db
from salonkeep.tenants.errors import NoTenantContext
from salonkeep.tenants.tables import Tenant

TableT = TypeVar("TableT", bound=Table)


def tenant_id() -> UUID:
    """The tenant of the open unit of work; raises :class:`NoTenantContext` outside one."""
    scope = db.current_scope()
    if scope is None:
        raise NoTenantContext()
    return scope


def _column(table: type[Table]) -> Any:
    column = getattr(table, "tenant_id", None)
    if column is None:
        raise TypeError(f"{table.__name__} holds no tenant data (no tenant_id column)")
    return column


def objects(table: type[TableT]) -> Objects[TableT]:
    """``table.objects()`` of the current tenant (chain ``.where(...)`` for more conditions)."""
    return table.objects().where(_column(table) == tenant_id())


async def get(table: type[TableT], row_id: object) -> TableT | None:
    """The current tenant's row of ``table`` with primary key ``row_id`` (``None``: no such row,
    or another tenant's)."""
    primary_key = table._meta.primary_key
    return await objects(table).where(primary_key == row_id).first()


def select(table: type[Table], *columns: Any) -> Select:
    """``table.select(*columns)`` of the current tenant."""
    return table.select(*columns).where(_column(table) == tenant_id())


def update(table: type[Table], values: dict[Any, Any] | None = None, **kwargs: Any) -> Update:
    """``table.update(values)`` limited to the current tenant's rows (``tenant_id`` itself
    cannot be changed through it)."""
    names = {getattr(k, "_meta", None) and k._meta.name for k in (values or {})} | set(kwargs)
    if "tenant_id" in names:
        raise ValueError("a row's tenant cannot be changed")
    _forget_table(table)
    return table.update(values, **kwargs).where(_column(table) == tenant_id())


def update_tenant(values: dict[Any, Any]) -> Update:
    """``Tenant.update(values)`` of the current tenant's own directory row (its settings,
    locale…): on PostgreSQL row-level security lets the app role change no other row."""
    if "id" in {getattr(k, "_meta", None) and k._meta.name for k in values}:
        raise ValueError("a tenant's id cannot be changed")
    forget(Tenant, tenant_id())
    return Tenant.update(values).where(Tenant.id == tenant_id())


def _memo_key(table: type[Table], row_id: object) -> tuple[object, ...]:
    return ("row", tenant_id(), table._meta.tablename, row_id)


def remember(row: Table) -> None:
    """Keep ``row`` (read or written in the open unit of work, for its tenant) for
    :func:`recall` until the unit of work's transaction ends: a service hands on what it
    loaded (the tenant row, the client) instead of the next reader reading it again. An
    :func:`update`, :func:`update_rows`, :func:`delete` or :func:`delete_rows` of the table
    (and :func:`update_tenant`) forgets its rows; a row changed another way (``row.save()``
    of another object) must be remembered again or :func:`forget`-ed."""
    memo = db.unit_memo()
    if memo is not None:
        memo[_memo_key(type(row), getattr(row, row._meta.primary_key._meta.name))] = row


def recall(table: type[TableT], row_id: object) -> TableT | None:
    """The row of ``table`` with primary key ``row_id`` that :func:`remember` kept in the open
    unit of work, else ``None`` (read it)."""
    memo = db.unit_memo()
    found = memo.get(_memo_key(table, row_id)) if memo is not None else None
    return found if isinstance(found, table) else None


def forget(table: type[Table], row_id: object) -> None:
    """Drop what :func:`remember` kept of ``table``'s row ``row_id`` (it is being changed)."""
    memo = db.unit_memo()
    if memo is not None:
        memo.pop(_memo_key(table, row_id), None)


def _forget_table(table: type[Table] | str) -> None:
    """Drop every row of ``table`` :func:`remember` kept (an update or delete of it runs)."""
    memo = db.unit_memo()
    if memo:
        name = _name(table)
        for key in [k for k in memo if isinstance(k, tuple) and k[:1] == ("row",) and k[2] == name]:
            del memo[key]


def delete(table: type[Table]) -> Delete:
    """``table.delete()`` limited to the current tenant's rows."""
    _forget_table(table)
    return table.delete().where(_column(table) == tenant_id())


async def count(table: type[Table], *where: Any) -> int:
    """How many of the current tenant's rows of ``table`` meet ``where``."""
    return int(await table.count().where(_column(table) == tenant_id(), *where))


async def exists(table: type[Table], *where: Any) -> bool:
    """True when one of the current tenant's rows of ``table`` meets ``where``."""
    return bool(await table.exists().where(_column(table) == tenant_id(), *where))


def new(table: type[TableT], **values: Any) -> TableT:
    """A new, unsaved row of ``table`` for the current tenant (save it with :func:`insert`)."""
    if "tenant_id" in values:
        raise ValueError("the tenant of a new row comes from the unit of work")
    _column(table)
    return table(tenant_id=tenant_id(), **values)


async def insert(*rows: Table, skip_duplicates: bool = False) -> None:
    """Insert ``rows`` (of one table, made with :func:`new`); a row of another tenant than the
    unit of work's is refused. ``skip_duplicates``: a row that would break a unique key is
    left out (``ON CONFLICT DO NOTHING``)."""
    if not rows:
        return
    scope = tenant_id()
    for row in rows:
        _column(type(row))
        if getattr(row, "tenant_id", None) != scope:
            raise NoTenantContext()
    query = type(rows[0]).insert(*rows)
    await (query.on_conflict(action="DO NOTHING") if skip_duplicates else query)


@functools.lru_cache(maxsize=128)
def _insert_sql(table: str, columns: tuple[str, ...], count: int = 1) -> str:
    names = ", ".join(f'"{column}"' for column in ("tenant_id", *columns))
    row = "(" + ", ".join("{}" for _ in range(len(columns) + 1)) + ")"
    # Identifiers from the caller's code (checked), values only as parameters.
    return f'insert into "{table}" ({names}) values {", ".join([row] * count)}'  # noqa: S608


async def insert_values(table: type[Table], values: dict[str, object]) -> None:
    """One plain ``INSERT`` of a row of ``table`` for the current tenant, built once and cached:
    for write paths every request takes (the audit trail). ``values`` by column name."""
    await insert_many(table, [values])


async def insert_many(table: type[Table], rows: list[dict[str, object]], chunk: int = 200) -> None:
    """Plain multi-row ``INSERT`` statements (``chunk`` rows each) of ``rows`` of ``table`` for
    the current tenant; every row names the same columns."""
    if not rows:
        return
    columns = tuple(rows[0])
    if "tenant_id" in columns:
        raise ValueError("the tenant of a new row comes from the unit of work")
    _column(table)
    for column in columns:
        _name(column)
    scope, name = tenant_id(), _name(table)
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        if any(tuple(row) != columns for row in part):
            raise ValueError("every row of one insert names the same columns")
        args = [value for row in part for value in (scope, *row.values())]
        await db.execute(_insert_sql(name, columns, len(part)), *args)


def _name(table: type[Table] | str) -> str:
    name = table if isinstance(table, str) else table._meta.tablename
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a table name: {name!r}")
    return name


def _scoped_where(where: str) -> str:
    return f"tenant_id = {{}} and ({where})" if where else "tenant_id = {}"


async def fetch(table: type[TableT], where: str = "", *args: object, order_by: str = "") -> list[TableT]:
    """The current tenant's rows of ``table`` meeting a hand-written ``where`` (``{}``
    placeholders, values only as ``args``), as piccolo objects. For hot read paths: the SQL is
    built once and cached (see :func:`salonkeep.tenants.db.fetch_objects`)."""
    return await db.fetch_objects(table, _scoped_where(where), tenant_id(), *args, order_by=order_by)


@functools.lru_cache(maxsize=256)
def _sql(verb: str, table: str, body: str, where: str, tail: str) -> str:
    # Table names from table classes or the catalog (checked by _name), values only as
    # parameters.
    scoped_where = _scoped_where(where)
    if verb == "select":
        sql = f'select {body} from "{table}" where {scoped_where}'  # noqa: S608
    elif verb == "update":
        sql = f'update "{table}" set {body} where {scoped_where}'  # noqa: S608
    else:
        sql = f'delete from "{table}" where {scoped_where}'  # noqa: S608
    return f"{sql} {tail}" if tail else sql


async def rows(
    table: type[Table] | str,
    columns: str,
    where: str = "",
    *args: object,
    group_by: str = "",
    order_by: str = "",
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """``select columns from table`` for the current tenant, as dicts (``{}`` placeholders in
    ``where``). ``table`` may be a name read from the catalog (privacy export and erasure)."""
    clauses = (
        group_by and f"group by {group_by}",
        order_by and f"order by {order_by}",
        limit is not None and f"limit {int(limit)}",
    )
    tail = " ".join(part for part in clauses if part)
    return await db.execute(_sql("select", _name(table), columns, where, tail), tenant_id(), *args)


async def update_rows(
    table: type[Table] | str,
    assignments: str,
    where: str = "",
    *args: object,
    assignment_args: tuple[object, ...] = (),
) -> None:
    """``update table set assignments`` on the current tenant's rows meeting ``where``
    (``{}`` placeholders in ``assignments`` take ``assignment_args``, those in ``where``
    take ``args``)."""
    if "tenant_id" in assignments:
        raise ValueError("a row's tenant cannot be changed")
    _forget_table(table)
    sql = _sql("update", _name(table), assignments, where, "")
    await db.execute(sql, *assignment_args, tenant_id(), *args)


async def delete_rows(table: type[Table] | str, where: str = "", *args: object) -> None:
    """``delete from table`` on the current tenant's rows meeting ``where``."""
    _forget_table(table)
    await db.execute(_sql("delete", _name(table), "", where, ""), tenant_id(), *args)


@functools.lru_cache(maxsize=64)
def _claim_sql(table: str, assignments: str, where: str, order_by: str, limit: int, postgres: bool) -> str:
    pick = f'select id from "{table}" where {_scoped_where(where)} order by {order_by} limit {int(limit)}'  # noqa: S608
    if postgres:
        # ``for update skip locked`` lets two workers claim side by side without waiting for
        # (or taking) each other's rows; the CTE is evaluated once (a sub-select in ``in (…)``
        # may run again and lock further rows).
        return (
            f"with picked as ({pick} for update skip locked) "  # noqa: S608
            f'update "{table}" set {assignments} from picked '
            f'where "{table}".id = picked.id and "{table}".tenant_id = {{}} returning "{table}".*'
        )
    # SQLite has one writer at a time: the update itself is the lock.
    return f'update "{table}" set {assignments} where id in ({pick}) and tenant_id = {{}} returning *'  # noqa: S608


async def claim_rows(
    table: type[Table],
    assignments: str,
    assignment_args: tuple[object, ...],
    where: str,
    *args: object,
    order_by: str,
    limit: int,
) -> list[dict[str, object]]:
    """Claim up to ``limit`` of the current tenant's rows meeting ``where`` (oldest by
    ``order_by`` first) in one statement: ``update … set assignments … returning *``, the
    updated rows as dicts by column name (hot paths: no piccolo objects to build).
    Placeholders ``{}`` in ``assignments`` take ``assignment_args``, those in ``where`` take
    ``args``. Rows another transaction holds are skipped on PostgreSQL (``for update skip
    locked``); right-hand sides of ``assignments`` see the row *before* the update
    (``flag = (status = 'sending')``)."""
    if "tenant_id" in assignments:
        raise ValueError("a row's tenant cannot be changed")
    scope = tenant_id()
    postgres = db.is_postgres(db.get_engine())
    sql = _claim_sql(_name(table), assignments, where, order_by, limit, postgres)
    ordered = (scope, *args, *assignment_args, scope) if postgres else (*assignment_args, scope, *args, scope)
    return await db.execute(sql, *ordered)
