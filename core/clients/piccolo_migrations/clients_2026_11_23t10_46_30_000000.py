"""Search-term index, same-tenant keys, and the terms of the clients that already exist."""

import uuid

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.querystring import QueryString

from salonkeep.core.clients.search import client_terms

ID = "2026-11-23T10:46:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "client search terms: index, same-tenant keys, backfill"

BOTH = [
    "CREATE UNIQUE INDEX client_search_term_unique ON client_search_term (tenant_id, client_id, term)",
]
# Byte order (C collation) makes the prefix range exact; the btree serves the leakproof
# text_ge/text_lt range even under row-level security.
POSTGRES = [
    'ALTER TABLE client_search_term ALTER COLUMN term TYPE varchar(100) COLLATE "C"',
    "CREATE INDEX client_search_term_prefix ON client_search_term (tenant_id, term) INCLUDE (client_id)",
    "ALTER TABLE client_search_term ADD CONSTRAINT client_search_term_same_tenant "
    "FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id) ON DELETE CASCADE",
]
SQLITE = ["CREATE INDEX client_search_term_prefix ON client_search_term (tenant_id, term)"]
BATCH = 500


async def _backfill(engine: object, postgres: bool) -> None:
    """The terms of every existing client, tenant by tenant (row-level security is forced)."""
    tenants = await engine.run_querystring(QueryString("SELECT id FROM tenant"))  # type: ignore[attr-defined]
    for tenant in tenants or []:
        async with engine.transaction():  # type: ignore[attr-defined]
            if postgres:
                await engine.run_querystring(  # type: ignore[attr-defined]
                    QueryString("SELECT set_config('salonkeep.tenant_id', {}, true)", str(tenant["id"]))
                )
            clients = await engine.run_querystring(  # type: ignore[attr-defined]
                QueryString(
                    "SELECT id, first_name, last_name, phone FROM client WHERE tenant_id = {}", tenant["id"]
                )
            )
            rows = [
                (c["id"], term)
                for c in clients or []
                for term in client_terms(c["first_name"] or "", c["last_name"] or "", c["phone"] or "")
            ]
            for start in range(0, len(rows), BATCH):
                batch = rows[start : start + BATCH]
                values = ", ".join("({}, {}, {}, {})" for _ in batch)
                args = [v for client_id, term in batch for v in (uuid.uuid4(), tenant["id"], client_id, term)]
                await engine.run_querystring(  # type: ignore[attr-defined]
                    QueryString(
                        f"INSERT INTO client_search_term (id, tenant_id, client_id, term) VALUES {values}",  # noqa: S608
                        *args,
                    )
                )


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="clients", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        postgres = isinstance(engine, PostgresEngine)
        for sql in BOTH + (POSTGRES if postgres else SQLITE):
            await engine.run_ddl(sql)
        await _backfill(engine, postgres)
        if postgres:
            await engine.run_ddl("ANALYZE client_search_term")

    manager.add_raw(run)
    return manager
