"""No module outside ``tenants/`` writes the tenant filter by hand: tenant data is read and
written through :mod:`salonkeep.tenants.scoped`, which adds it from the unit of work.

The test walks the syntax tree of every source file of the application and its plugins
(migrations excepted) and fails on:

* a string that looks like SQL and mentions ``tenant_id`` (``"… where tenant_id = {} …"``);
* a piccolo condition on a tenant column (``Client.tenant_id == …``, ``.is_in``, ``!=`` …);
* a table row built with ``tenant_id=`` (``Visit(tenant_id=…, …)``: use ``scoped.new``);
* a piccolo query started on a tenant table itself (``Client.objects()``, ``Visit.update(…)``,
  ``Touchpoint.insert(…)``…) instead of through ``scoped``;
* the unscoped ``fetch_objects`` of ``tenants.db`` (``scoped.fetch`` is its tenant-scoped form).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from salonkeep.core.apps import all_tables
from salonkeep.tenants.isolation import tenant_tables

ROOT = Path(__file__).resolve().parents[2]
#: The application's and plugins' sources; ``tenants/`` is where the filter is written, once.
WALKED = ("core", "web", "workers", "plugins", "examples")
TABLE_NAMES = frozenset(t.__name__ for t in all_tables())
TENANT_TABLE_NAMES = frozenset(t.__name__ for t in tenant_tables(all_tables()))
#: piccolo's query starters: on a tenant table they go through ``scoped`` instead.
QUERY_METHODS = frozenset({"objects", "select", "update", "delete", "insert", "count", "exists", "raw"})
_SQL = re.compile(
    r"\b(select|insert|update|delete|where|from|join)\b|\{\}|\$\d|\btenant_id\s*(=|<|>|!|in\b|is\b)",
    re.IGNORECASE,
)
_MENTIONS_TENANT = re.compile(r"\btenant_id\b")


def _sources() -> list[Path]:
    files = []
    for top in WALKED:
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "piccolo_migrations" in parts or ".venv" in parts or "build" in parts:
                continue
            files.append(path)
    return files


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes (prose may name ``tenant_id``)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _called_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _is_tenant_column(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "tenant_id" and _names_a_table(node.value)


def _names_a_table(node: ast.AST, names: frozenset[str] = TABLE_NAMES) -> bool:
    """``Client`` or ``tables.Client`` (a table class, not a row or a context)."""
    if isinstance(node, ast.Name):
        return node.id in names
    return isinstance(node, ast.Attribute) and node.attr in names


def hand_written_filters(source: str) -> Iterator[tuple[int, str]]:
    """(line, what) for every hand-written tenant filter in ``source``."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            text = node.value
            if _MENTIONS_TENANT.search(text) and _SQL.search(text):
                yield node.lineno, f"SQL naming tenant_id: {text.strip()[:60]!r}"
        elif isinstance(node, ast.Name | ast.Attribute | ast.alias):
            name = (
                node.id
                if isinstance(node, ast.Name)
                else node.attr
                if isinstance(node, ast.Attribute)
                else node.name
            )
            if name == "fetch_objects":
                yield getattr(node, "lineno", 0), "fetch_objects: use scoped.fetch"
        if isinstance(node, ast.Compare):
            if any(_is_tenant_column(side) for side in (node.left, *node.comparators)):
                yield node.lineno, "a condition on a table's tenant_id column"
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and _is_tenant_column(func.value):
                yield node.lineno, f"a condition on a table's tenant_id column (.{func.attr})"
            if (
                isinstance(func, ast.Attribute)
                and func.attr in QUERY_METHODS
                and _names_a_table(func.value, TENANT_TABLE_NAMES)
            ):
                yield node.lineno, f"a query on a tenant table without scoped (.{func.attr}())"
            if _called_name(node) in TABLE_NAMES and any(k.arg == "tenant_id" for k in node.keywords):
                yield node.lineno, f"{_called_name(node)}(tenant_id=…): use scoped.new"


def test_the_walk_sees_the_sources() -> None:
    files = _sources()
    assert len(files) > 50
    assert {"Client", "Touchpoint", "AuditEvent", "ProductWarranty"} <= TABLE_NAMES


def test_no_hand_written_tenant_filter_outside_tenants() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in _sources()
        for line, what in hand_written_filters(path.read_text())
    ]
    assert not found, "use salonkeep.tenants.scoped instead:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        'rows = await execute("select * from visit where tenant_id = {} and id = {}", a, b)',
        'where = "tenant_id = {} and client_id = {}"',
        'sql = f"delete from {name} where tenant_id = {{}}"',
        "rows = await Client.objects().where(Client.tenant_id == ctx.tenant_id)",
        "q = Visit.select().where((Visit.id == x) & (tables.Visit.tenant_id != y))",
        "q = Client.objects().where(Client.tenant_id.is_in(ids))",
        "row = Visit(tenant_id=ctx.tenant_id, client_id=c)",
        "row = tables.Visit(tenant_id=ctx.tenant_id)",
        "rows = await Client.objects().where(Client.id == client_id)",
        "await Touchpoint.update({Touchpoint.missed: True}).where(Touchpoint.id == x)",
        "await tables.Visit.insert(row)",
        "n = await Sale.count()",
        "from salonkeep.tenants.db import fetch_objects",
        'rows = await db.fetch_objects(Visit, "id = {}", x)',
    ],
)
def test_the_walk_finds_each_kind_of_hand_written_filter(source: str) -> None:
    assert list(hand_written_filters(source)), source


@pytest.mark.parametrize(
    "source",
    [
        '"""Rows are filtered by ``tenant_id`` in scoped."""',
        "ctx = TenantContext(tenant_id=tenant.id, actor_label='cli')",
        "same = row.tenant_id == ctx.tenant_id",
        'key = f"client-key:{ctx.tenant_id}:{client_id}"',
        'rows = await scoped.fetch(Visit, "client_id = {}", client_id)',
        "rows = await scoped.objects(Client).where(Client.id == client_id)",
        "tenants = await Tenant.objects().order_by(Tenant.slug)",
    ],
)
def test_the_walk_leaves_alone_what_is_not_a_tenant_filter(source: str) -> None:
    assert not list(hand_written_filters(source)), source
