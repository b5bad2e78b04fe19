"""Live state of a running client import, kept in Redis: progress and the cancel request.

The import writes in one transaction that nobody else sees until it commits, so the worker
reports its progress here after every round and reads here whether the owner asked to
cancel; the web page polls :func:`progress` (htmx) and :func:`request_cancel` sets the flag.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

#: How long the keys live after the last write (seconds).
TTL = 24 * 3600


def _key(import_id: UUID, part: str) -> str:
    return f"salonkeep:client_import:{import_id}:{part}"


async def set_progress(redis: Any, import_id: UUID, done: int, total: int) -> None:
    """Record that ``done`` of ``total`` clients are written."""
    await redis.set(_key(import_id, "progress"), f"{done}/{total}", ex=TTL)


async def progress(redis: Any, import_id: UUID) -> tuple[int, int] | None:
    """(written, total) of a running import, or None before its first report."""
    raw = await redis.get(_key(import_id, "progress")) if redis is not None else None
    if not raw:
        return None
    done, _, total = (raw.decode() if isinstance(raw, bytes) else str(raw)).partition("/")
    return int(done), int(total)


async def request_cancel(redis: Any, import_id: UUID) -> None:
    """Ask the worker running the import to stop (it rolls everything back)."""
    await redis.set(_key(import_id, "cancel"), "1", ex=TTL)


async def cancel_requested(redis: Any, import_id: UUID) -> bool:
    """True once :func:`request_cancel` was called for the import."""
    return bool(await redis.exists(_key(import_id, "cancel")))
