"""The client-import job: runs one confirmed import (see :mod:`salonkeep.core.clients.import_jobs`)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from salonkeep.core.clients import import_jobs, import_progress

#: The import runs in one transaction; a large file takes minutes on a slow machine.
JOB_TIMEOUT = 3600


async def import_clients(ctx: dict[str, Any], tenant_id: str, import_id: str) -> str:
    """Claim and run the import (a second delivery of the job does nothing), reporting the
    progress to Redis and stopping when the owner cancelled. Returns the final state."""
    redis = ctx["redis"]
    job = UUID(import_id)

    async def progress(done: int, total: int) -> None:
        await import_progress.set_progress(redis, job, done, total)
        if await import_progress.cancel_requested(redis, job):
            raise import_jobs.ImportCancelled()

    return await import_jobs.run(UUID(tenant_id), job, progress)
