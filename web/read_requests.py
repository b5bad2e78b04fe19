"""Serving a read-only request (GET, HEAD) of a signed-in person or an API key.

The request runs in one :func:`salonkeep.tenants.read_request.read_request` (one transaction
on PostgreSQL, each row read once, the audit rows of what it showed written at the end), and
its response is held until that transaction has committed: no client data leaves the server
before the audit row saying who saw it is stored. If the commit fails, the person gets an
error instead of the page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from uuid import UUID

from litestar.types import Message, Send

from salonkeep.tenants.db import request_transaction
from salonkeep.tenants.read_request import read_request

READ_METHODS = frozenset({"GET", "HEAD"})


async def serve_read_only(tenant_id: UUID, run: Callable[[Send], Awaitable[None]], send: Send) -> None:
    """Run ``run`` (given a ``send`` that holds the response) in a read request of
    ``tenant_id``; send the held response once the request's transaction has committed."""
    held: list[Message] = []

    async def hold(message: Message) -> None:
        held.append(message)

    async with read_request(tenant_id):
        await run(hold)
    for message in held:
        await send(message)


async def serve_in_one_transaction(
    tenant_id: UUID, run: Callable[[Send], Awaitable[None]], send: Send
) -> None:
    """Run ``run`` (a write request of an API key) in one transaction of ``tenant_id`` on
    PostgreSQL (:func:`salonkeep.tenants.db.request_transaction`): the key check, the reads
    and the writes of every service it calls share one BEGIN/``set_config``/COMMIT, and an
    error rolls all of it back. The response is held until the commit, so a client is never
    told "created" for something that did not commit."""
    held: list[Message] = []

    async def hold(message: Message) -> None:
        held.append(message)

    async with request_transaction(tenant_id):
        await run(hold)
    for message in held:
        await send(message)
