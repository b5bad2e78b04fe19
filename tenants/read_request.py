"""What one read-only request (a GET) shares between the services it calls.

A staff page calls several services that each check the same things: the tenant row, the
client and whether the person may see it, and each writes an audit row for what it showed.
Within one read-only request nothing they read changes, so:

- ``memo`` keeps what was read once (the tenant row, the client as this person may see it);
- work registered with :meth:`ReadRequest.before_commit` runs once, at the end of the request,
  inside its transaction (the audit module merges the views of one client into one row there).

Outside a read request (a form post, a worker job, the CLI) :func:`active` is ``None`` and
every service reads and audits for itself, as before.
"""

from __future__ import annotations

import contextvars
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from salonkeep.tenants.db import read_request_transaction

_active: contextvars.ContextVar[ReadRequest | None] = contextvars.ContextVar(
    "salonkeep_read_request", default=None
)


@dataclass
class ReadRequest:
    """The shared state of one read-only request."""

    memo: dict[Hashable, Any] = field(default_factory=dict)
    _pending: dict[Hashable, Callable[[], Awaitable[None]]] = field(default_factory=dict)

    def before_commit(self, key: Hashable, work: Callable[[], Awaitable[None]]) -> None:
        """Run ``work`` once when the request's work is done, before its transaction commits
        (registering the same ``key`` again keeps the first)."""
        self._pending.setdefault(key, work)

    async def finish(self) -> None:
        """Run the registered work, in the order it was registered."""
        while self._pending:
            key = next(iter(self._pending))
            await self._pending.pop(key)()


def active() -> ReadRequest | None:
    """The read-only request this task serves, or ``None``."""
    return _active.get()


@asynccontextmanager
async def read_request(tenant_id: UUID) -> AsyncIterator[ReadRequest]:
    """Serve one read-only request of ``tenant_id``: one transaction on PostgreSQL (see
    :func:`salonkeep.tenants.db.read_request_transaction`), the shared memo, and the
    registered work run before the commit. If the block fails, nothing registered runs and the
    transaction rolls back."""
    request = ReadRequest()
    token = _active.set(request)
    try:
        async with read_request_transaction(tenant_id):
            yield request
            await request.finish()
    finally:
        _active.reset(token)
