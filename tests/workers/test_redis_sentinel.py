"""Redis through Sentinel: arq, the web's client and the health check find the master by asking
the sentinels, and follow it when a failover promotes the replica.

Private processes only: a master, a replica and one sentinel, each a real ``redis-server`` on a
free port of its own (the shared Redis is never touched).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from arq import create_pool

from salonkeep.core import redis_client
from salonkeep.tenants.settings import SettingsError, load_settings

from ..burst_worker import burst_worker

REDIS_SERVER = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(REDIS_SERVER is None, reason="no redis-server binary")


def _free_ports(count: int) -> list[int]:
    """``count`` distinct free ports (all probes stay open until each is chosen, so no repeats)."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [int(probe.getsockname()[1]) for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def _wait(check: Any, what: str, attempts: int = 300) -> None:
    for _ in range(attempts):
        try:
            if check():
                return
        except (redis.RedisError, OSError, KeyError):
            # KeyError: the server answers but is not (yet) a replica with a link to report.
            pass
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


@dataclass
class Cluster:
    """A master, a replica and a sentinel watching them as ``mymaster``."""

    master_port: int
    replica_port: int
    sentinel_port: int

    def client(self, port: int) -> redis.Redis:
        return redis.Redis(port=port, socket_timeout=5)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    master, replica, sentinel = _free_ports(3)
    processes: list[subprocess.Popen[bytes]] = []

    def start(*args: str) -> None:
        processes.append(
            subprocess.Popen(
                [str(REDIS_SERVER), *args],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )

    common = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    start("--port", str(master), "--dir", str(tmp_path), *common)
    start("--port", str(replica), "--dir", str(tmp_path), "--replicaof", "127.0.0.1", str(master), *common)
    conf = tmp_path / "sentinel.conf"
    conf.write_text(
        f"port {sentinel}\nbind 127.0.0.1\ndir {tmp_path}\n"
        f"sentinel monitor mymaster 127.0.0.1 {master} 1\n"
        "sentinel down-after-milliseconds mymaster 1000\n"
        "sentinel failover-timeout mymaster 5000\n"
    )
    start(str(conf), "--sentinel")
    found = Cluster(master, replica, sentinel)
    try:
        _wait(lambda: found.client(replica).info("replication")["master_link_status"] == "up", "the replica")
        sentinel_client = found.client(sentinel)
        _wait(
            lambda: sentinel_client.sentinel_master("mymaster")["num-slaves"] >= 1,
            "the sentinel to see the replica",
        )
        yield found
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def _settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cluster: Cluster, database: int = 3) -> Any:
    monkeypatch.setenv("SALONKEEP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SALONKEEP_REDIS_URL", f"redis://ignored-host/{database}")
    monkeypatch.setenv("SALONKEEP_REDIS_SENTINELS", f"127.0.0.1:{cluster.sentinel_port}")
    monkeypatch.setenv("SALONKEEP_REDIS_SENTINEL_MASTER", "mymaster")
    return load_settings()


async def _nothing(ctx: dict[str, Any]) -> None:
    return None


async def _double(ctx: dict[str, Any], value: int) -> int:
    return value * 2


async def test_arq_and_the_clients_reach_the_master_through_the_sentinel(cluster, monkeypatch, tmp_path):
    settings = _settings(monkeypatch, tmp_path, cluster)
    assert settings.redis_sentinels == (("127.0.0.1", cluster.sentinel_port),)
    pool = await create_pool(redis_client.arq_settings_for(settings), default_queue_name="arq:test:sentinel")
    try:
        job = await pool.enqueue_job("_double", 21, _job_id="sentinel-1")
        assert job is not None
        worker = burst_worker(
            pool,
            "arq:test:sentinel",
            functions=[_double],
            on_startup=_nothing,
            on_shutdown=_nothing,
            keep_result=60,
        )
        await worker.main()
        assert worker.jobs_complete == 1
        assert await job.result(timeout=5) == 42
    finally:
        await pool.aclose()
    web = redis_client.async_client(settings)
    try:
        await web.set("salonkeep:test:sentinel", "through-sentinel")
    finally:
        await web.aclose()
    # It landed on the master, in the database the URL names.
    assert redis.Redis(port=cluster.master_port, db=3).get("salonkeep:test:sentinel") == b"through-sentinel"
    assert redis_client.sync_client(settings).get("salonkeep:test:sentinel") == b"through-sentinel"


async def test_after_a_failover_the_clients_follow_the_new_master(cluster, monkeypatch, tmp_path):
    settings = _settings(monkeypatch, tmp_path, cluster, database=0)
    sentinel = cluster.client(cluster.sentinel_port)

    def failover() -> bool:
        # Until the sentinel has polled the replica itself it answers NOGOODSLAVE: ask again.
        try:
            sentinel.execute_command("SENTINEL", "FAILOVER", "mymaster")
        except redis.exceptions.ResponseError as exc:
            if "NOGOODSLAVE" in str(exc):
                return False
            raise
        return True

    _wait(failover, "a replica the sentinel may promote")
    # The failover is over when the sentinel's own state of the master (what clients ask for)
    # names the promoted replica.
    _wait(lambda: int(sentinel.sentinel_master("mymaster")["port"]) == cluster.replica_port, "the failover")
    _wait(lambda: cluster.client(cluster.replica_port).info("replication")["role"] == "master", "promotion")
    pool = await create_pool(redis_client.arq_settings_for(settings), default_queue_name="arq:test:sentinel2")
    try:
        await pool.set("salonkeep:test:after-failover", "yes")
    finally:
        await pool.aclose()
    assert cluster.client(cluster.replica_port).get("salonkeep:test:after-failover") == b"yes"
    client = redis_client.sync_client(settings)
    assert client.get("salonkeep:test:after-failover") == b"yes"


@pytest.mark.parametrize("value", ["localhost", "host:notaport", "host:70000", ":26379"])
def test_a_malformed_sentinel_list_is_refused_naming_the_variable(monkeypatch, tmp_path, value):
    monkeypatch.setenv("SALONKEEP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SALONKEEP_REDIS_SENTINELS", value)
    with pytest.raises(SettingsError, match="SALONKEEP_REDIS_SENTINELS"):
        load_settings()


def test_without_sentinels_the_url_is_used_as_it_is(monkeypatch, tmp_path):
    monkeypatch.setenv("SALONKEEP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SALONKEEP_REDIS_URL", "redis://cache.internal:6380/4")
    monkeypatch.delenv("SALONKEEP_REDIS_SENTINELS", raising=False)
    arq = redis_client.arq_settings_for(load_settings())
    assert (arq.host, arq.port, arq.database, arq.sentinel) == ("cache.internal", 6380, 4, False)
