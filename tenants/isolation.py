"""Row-level security for PostgreSQL: policies, the app role and the checks on them.

Run by ``salonkeep migrate`` (as the table owner) after the migrations, idempotently, so a
table added by any piccolo app (a plugin's included) is covered as soon as it exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from piccolo.engine.base import Engine
from piccolo.table import Table

#: Tables that hold no tenant data and so have no ``tenant_id``: the tenant directory itself.
DIRECTORY_TABLES = frozenset({"tenant"})
#: The setting that the unit of work sets per transaction and the policies read.
TENANT_SETTING = "salonkeep.tenant_id"
POLICY_NAME = "tenant_isolation"
#: The directory's policies: everyone may read it (sign-in resolves a slug before any tenant
#: is set), but a row is added or changed only by the unit of work of that very tenant.
DIRECTORY_POLICIES = {
    "directory_read": "FOR SELECT USING (true)",
    "directory_insert": "FOR INSERT WITH CHECK ({own})",
    "directory_update": "FOR UPDATE USING ({own}) WITH CHECK ({own})",
}
#: What the app role may do to the directory (no DELETE: a tenant is never removed by the app).
DIRECTORY_PRIVILEGES = "SELECT, INSERT, UPDATE"
#: A table class with ``append_only = True`` is granted SELECT and INSERT only to the app role
#: (ledgers such as the audit trail and the consent ledger: history cannot be rewritten).
APPEND_ONLY_ATTRIBUTE = "append_only"
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def tenant_tables(tables: Iterable[type[Table]]) -> list[type[Table]]:
    """The tables that hold tenant data (every table but the directory)."""
    return [t for t in tables if t._meta.tablename not in DIRECTORY_TABLES]


def is_append_only(table: type[Table]) -> bool:
    """True for tables the app role may only read and append to."""
    return bool(getattr(table, APPEND_ONLY_ATTRIBUTE, False))


def app_privileges(table: type[Table]) -> str:
    """The table privileges granted to the app role."""
    return "SELECT, INSERT" if is_append_only(table) else "SELECT, INSERT, UPDATE, DELETE"


def policy_expression(column: str = "tenant_id") -> str:
    """The SQL condition rows must meet: ``column`` is the tenant set for the transaction;
    fail closed when no tenant is set."""
    return f"{column} = nullif(current_setting('{TENANT_SETTING}', true), '')::uuid"


async def _secure_directory(engine: Engine, name: str, role: AppRole | None) -> None:
    """Row-level security on the directory: readable by all, writable only for its own row."""
    await engine.run_ddl(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
    await engine.run_ddl(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
    own = policy_expression("id")
    for policy, rule in DIRECTORY_POLICIES.items():
        await engine.run_ddl(f"DROP POLICY IF EXISTS {policy} ON {name}")
        await engine.run_ddl(f"CREATE POLICY {policy} ON {name} {rule.format(own=own)}")
    if role is not None:
        await engine.run_ddl(f"REVOKE ALL ON TABLE {name} FROM {role.name}")
        await engine.run_ddl(f"GRANT {DIRECTORY_PRIVILEGES} ON TABLE {name} TO {role.name}")


@dataclass(frozen=True)
class AppRole:
    """The role the application connects as (taken from its database URL)."""

    name: str
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> AppRole:
        """The role named by a ``postgresql://user:password@host/db`` URL."""
        parts = urlsplit(url)
        name = unquote(parts.username or "")
        if not _IDENTIFIER.match(name):
            raise ValueError(
                "the app database URL must name a role in lower-case letters, digits and "
                f"underscores (got {name!r})"
            )
        return cls(name=name, password=unquote(parts.password) if parts.password else None)


def _quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def secure_database(engine: Engine, tables: Iterable[type[Table]], role: AppRole | None) -> None:
    """Force RLS with a tenant policy on every tenant table and the directory policies on the
    directory; create and grant the app role.

    ``role`` is ``None`` when the app connects as the owner itself (not recommended: the
    policies still apply, as RLS is forced, but the owner could switch them off).
    """
    if role is not None:
        password = f" PASSWORD {_quote_literal(role.password)}" if role.password else ""
        exists = await engine.run_ddl(
            f"SELECT 1 FROM pg_roles WHERE rolname = {_quote_literal(role.name)}"  # noqa: S608
        )
        if not exists:
            await engine.run_ddl(
                f"CREATE ROLE {role.name} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE{password}"
            )
        await engine.run_ddl(f"GRANT USAGE ON SCHEMA public TO {role.name}")
    condition = policy_expression()
    for table in tables:
        name = table._meta.tablename
        await engine.run_ddl(f"REVOKE ALL ON TABLE {name} FROM PUBLIC")
        if name in DIRECTORY_TABLES:
            await _secure_directory(engine, name, role)
            continue
        await engine.run_ddl(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
        await engine.run_ddl(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
        await engine.run_ddl(f"DROP POLICY IF EXISTS {POLICY_NAME} ON {name}")
        await engine.run_ddl(
            f"CREATE POLICY {POLICY_NAME} ON {name} USING ({condition}) WITH CHECK ({condition})"
        )
        if role is not None:
            await engine.run_ddl(f"REVOKE ALL ON TABLE {name} FROM {role.name}")
            await engine.run_ddl(f"GRANT {app_privileges(table)} ON TABLE {name} TO {role.name}")
