"""The arq worker runs its heartbeat against a real Redis (embedded or server)."""

from __future__ import annotations

from arq import create_pool

from salonkeep.workers.heartbeat import HEARTBEAT_KEY
from salonkeep.workers.settings import redis_settings

from ..burst_worker import burst_worker, own_queue


async def test_worker_runs_the_heartbeat(backend, frozen_clock, monkeypatch):
    for key, value in backend.env.items():
        monkeypatch.setenv(key, value)
    queue = own_queue("heartbeat")
    pool = await create_pool(redis_settings(backend.settings.redis_url), default_queue_name=queue)
    try:
        await pool.delete(HEARTBEAT_KEY)
        await pool.enqueue_job("heartbeat", _job_id=f"hb-test-{backend.name}")
        worker = burst_worker(pool, queue)
        await worker.main()
        assert worker.jobs_complete == 1 and worker.jobs_failed == 0
        stamp = await pool.get(HEARTBEAT_KEY)
        assert stamp.decode() == frozen_clock().isoformat()
        assert 0 < await pool.ttl(HEARTBEAT_KEY) <= 180
    finally:
        await pool.aclose()
