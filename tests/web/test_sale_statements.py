"""Speed of planning: a sale through the API, counted in SQL statements on PostgreSQL (every
statement the app's connections send, through an asyncpg query logger installed by
:func:`salonkeep.core.database.add_connection_hook`). Planning is handed what the service
already loaded instead of reading it again."""

from __future__ import annotations

import httpx

from salonkeep.core import database
from salonkeep.core.apikeys.service import create_api_key
from salonkeep.core.apps import all_tables
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.tenants import db
from salonkeep.tenants.context import tenant_scope
from salonkeep.web.app import create_app

from ..conftest import make_tenant

#: Every statement of the request, BEGIN/COMMIT and set_config included: 28 before this
#: change (the key check, the catalogue pick and the sale each in a transaction of their own;
#: the tenant read three times, the client twice; an EXISTS before the warranty's INSERT).
#: 15 now: an API write request runs in one transaction, a unit of work reads the tenant
#: and the client once (``scoped.remember``), the warranty is one INSERT … ON CONFLICT. The
#: issue's aim, under 10, is not reached (the rest is listed in docs/performance.md).
MAX_STATEMENTS = 15


async def test_a_sale_through_the_api_runs_few_statements(postgres_backend, postgres_engine, frozen_clock):
    seen: list[str] = []

    async def count(connection: object) -> None:
        connection.add_query_logger(lambda record: seen.append(record.query))  # type: ignore[attr-defined]

    database.add_connection_hook(count)
    engine = await database.start(postgres_backend.settings)
    try:
        world = await make_tenant()
        with tenant_scope(world.ctx):
            client = await create_client(ClientInput(branch_id=world.branch_id, first_name="Helmi"))
            _, key = await create_api_key("till", "reception", "Main street")
        transport = httpx.ASGITransport(app=create_app(postgres_backend.settings))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as api:
            auth = {"Authorization": f"Bearer {key}"}
            body = {"product": "Slim gel", "category": "slimming", "price_cents": 3990}
            warm = await api.post(f"/api/v1/clients/{client.id}/sales", json=body, headers=auth)
            assert warm.status_code == 201, warm.text
            seen.clear()
            sold = await api.post(f"/api/v1/clients/{client.id}/sales", json=body, headers=auth)
            assert sold.status_code == 201, sold.text
    finally:
        database.remove_connection_hook(count)
        await database.stop(engine)
        db.bind(postgres_engine, all_tables())
    print(f"{len(seen)} statements:", *seen, sep="\n  ")
    assert len(seen) <= MAX_STATEMENTS, seen
