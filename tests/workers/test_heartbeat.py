"""The arq worker runs its heartbeat against a real Redis (embedded or server)."""

from __future__ import annotations

from arq import create_pool
from arq.worker import Worker

from salonkeep.workers.heartbeat import HEARTBEAT_KEY
from salonkeep.workers.settings import WorkerSettings, redis_settings


async def test_worker_runs_the_heartbeat(backend, frozen_clock, monkeypatch):
    for key, value in backend.env.items():
        monkeypatch.setenv(key, value)
    queue = f"arq:test:heartbeat:{backend.name}"  # not the queue other tests' workers use
    pool = await create_pool(redis_settings(backend.settings.redis_url), default_queue_name=queue)
    try:
        await pool.delete(HEARTBEAT_KEY)
        await pool.enqueue_job("heartbeat", _job_id=f"hb-test-{backend.name}")
        worker = Worker(
            queue_name=queue,
            functions=WorkerSettings.functions,
            on_startup=WorkerSettings.on_startup,
            on_shutdown=WorkerSettings.on_shutdown,
            redis_pool=pool,
            burst=True,
            poll_delay=0.05,
            keep_result=0,
        )
        await worker.main()
        assert worker.jobs_complete == 1 and worker.jobs_failed == 0
        stamp = await pool.get(HEARTBEAT_KEY)
        assert stamp.decode() == frozen_clock().isoformat()
        assert 0 < await pool.ttl(HEARTBEAT_KEY) <= 180
    finally:
        await pool.aclose()
