"""Start, stop and migrate the database for a process (web, worker, CLI)."""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from salonkeep.core.apps import all_tables
from salonkeep.core.audit import partitions, signing
from salonkeep.core.keys import master
from salonkeep.core.plugins import host
from salonkeep.tenants import db
from salonkeep.tenants.isolation import AppRole, secure_database
from salonkeep.tenants.settings import Settings

#: Called with every new PostgreSQL connection of the pool (e.g. a statement counter for tests
#: and benchmarks: ``connection.add_query_logger(...)``).
ConnectionHook = Callable[[Any], Awaitable[None]]
_connection_hooks: list[ConnectionHook] = []


def add_connection_hook(hook: ConnectionHook) -> None:
    """Run ``hook(connection)`` on every PostgreSQL connection opened from now on."""
    if hook not in _connection_hooks:
        _connection_hooks.append(hook)


def remove_connection_hook(hook: ConnectionHook) -> None:
    """Stop running ``hook`` on new connections."""
    if hook in _connection_hooks:
        _connection_hooks.remove(hook)


async def _init_connection(connection: Any) -> None:
    for hook in list(_connection_hooks):
        await hook(connection)


def connect(settings: Settings) -> Engine:
    """Make the app engine for ``settings`` and bind every table to it."""
    engine = db.make_engine(settings.database_url)
    db.bind(engine, all_tables())
    return engine


async def start(settings: Settings) -> Engine:
    """Connect, open the connection pool on PostgreSQL, and start the plugin host (plugins
    loaded and checked, domain events handed to them)."""
    engine = connect(settings)
    master.configure(settings)
    host.install()
    if isinstance(engine, PostgresEngine):
        await _start_pool(engine, settings)
        db.clear_clusters()
        for name, url in settings.database_clusters:
            cluster = db.make_engine(url)
            await _start_pool(cluster, settings)
            db.add_cluster(name, cluster)
        replica = None
        if settings.database_replica_url:
            replica = db.make_engine(settings.database_replica_url)
            await _start_pool(replica, settings)
        db.bind_replica(replica)
    return engine


async def _start_pool(engine: Engine, settings: Settings) -> None:
    if isinstance(engine, PostgresEngine):
        await engine.start_connection_pool(
            min_size=1, max_size=settings.db_pool_size, reset=_keep_session_state, init=_init_connection
        )


async def _keep_session_state(connection: object) -> None:
    """Pool release without asyncpg's reset query (advisory unlock, CLOSE ALL, UNLISTEN,
    RESET ALL): one round trip less per request. asyncpg still rolls back a transaction left
    open. Nothing here sets session state: the tenant is set with ``set_config(…, true)``,
    local to its transaction, and locks are transaction locks (``pg_advisory_xact_lock``)."""


async def stop(engine: Engine) -> None:
    """Close the pools opened by :func:`start` (the clusters' and the replica's too)."""
    if db.is_postgres(engine):
        await engine.close_connection_pool()
        for cluster in db.clusters().values():
            await cluster.close_connection_pool()
        db.clear_clusters()
        replica = db.replica_engine()
        if replica is not None:
            await replica.close_connection_pool()
            db.bind_replica(None)


async def migrate(settings: Settings) -> None:
    """Run every app's migrations as the table owner, then (on PostgreSQL) enforce RLS."""
    os.environ["PICCOLO_CONF"] = "salonkeep.core.piccolo_conf"
    master.configure(settings, create=True)
    signing.create_signing_key(settings)
    from piccolo.apps.migrations.commands.forwards import run_forwards
    from piccolo.engine import engine_finder

    owner = engine_finder()
    if owner is None:  # pragma: no cover - piccolo_conf always defines DB
        raise RuntimeError("salonkeep.core.piccolo_conf defines no engine")
    if not db.is_postgres(owner):
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        await owner.run_ddl("PRAGMA journal_mode=WAL")
    result = await run_forwards(app_name="all", fake=False)
    if not result.success:
        raise RuntimeError(f"migrations failed: {result.message}")
    if db.is_postgres(owner):
        role = AppRole.from_url(settings.database_url)
        owner_role = AppRole.from_url(settings.migration_database_url)
        if role.name == owner_role.name:
            print(
                "warning: the app connects as the table owner; give SALONKEEP_DATABASE_URL a "
                "role of its own so that it cannot switch row-level security off",
                file=sys.stderr,
            )
        await secure_database(owner, all_tables(), None if role.name == owner_role.name else role)
        await partitions.ensure_partitions(owner)
