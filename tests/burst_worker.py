"""One way for tests to run the arq worker in burst mode: on a queue of its own.

Redis is shared by the tests of one process, and web requests or other tests may leave jobs on
arq's default queue; a burst worker on that queue would run them too and its job counts would
depend on test order. Every test worker therefore runs on a fresh queue named after the test.
tests/workers/test_burst_worker_walk.py fails when a test builds a burst ``Worker`` elsewhere.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from arq import ArqRedis, create_pool
from arq.worker import Worker

from salonkeep.workers.settings import WorkerSettings, redis_settings

Hook = Callable[[dict[str, Any]], Awaitable[Any]]


def own_queue(label: str = "test") -> str:
    """A queue name no other test uses."""
    return f"arq:test:{label}:{uuid.uuid4().hex}"


def burst_worker(
    pool: ArqRedis,
    queue: str,
    *,
    functions: Sequence[Any] | None = None,
    on_startup: Hook | None = None,
    on_shutdown: Hook | None = None,
    max_jobs: int = 10,
    poll_delay: float = 0.05,
    keep_result: float = 0,
) -> Worker:
    """A burst worker on ``queue`` with the product's functions and hooks unless given others."""
    return Worker(
        queue_name=queue,
        functions=list(functions if functions is not None else WorkerSettings.functions),
        on_startup=on_startup if on_startup is not None else WorkerSettings.on_startup,
        on_shutdown=on_shutdown if on_shutdown is not None else WorkerSettings.on_shutdown,
        redis_pool=pool,
        burst=True,
        poll_delay=poll_delay,
        keep_result=keep_result,
        max_jobs=max_jobs,
    )


async def run_jobs(
    redis_url: str,
    *jobs: str,
    queue: str | None = None,
    on_startup: Hook | None = None,
    max_jobs: int = 10,
) -> Worker:
    """Enqueue ``jobs`` (function names) on a queue of their own and run a burst worker until done.

    Jobs the functions enqueue land on the same queue (it is the pool's default), so a sweep's
    fan-out runs too. Returns the finished worker for its ``jobs_complete``/``jobs_failed``.
    """
    queue = queue or own_queue()
    pool = await create_pool(redis_settings(redis_url), default_queue_name=queue)
    try:
        for function in jobs:
            await pool.enqueue_job(function, _job_id=f"{function}-{uuid.uuid4().hex}")
        worker = burst_worker(pool, queue, on_startup=on_startup, max_jobs=max_jobs)
        await worker.main()
        return worker
    finally:
        await pool.aclose()
