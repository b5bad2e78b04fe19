"""The image's entrypoint run here as plain processes, as the containers would run it:
``migrate`` (a job that exits), ``web`` (answers /healthz) and ``worker`` (writes its
heartbeat), each a separate process against PostgreSQL and Redis; then the image's health
probes (``healthcheck web`` / ``healthcheck worker``) agree."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from redis import Redis

from salonkeep.workers.heartbeat import HEARTBEAT_KEY

from ..conftest import APP_ROLE, POSTGRES_URL, REDIS_URL, _with_db, _with_user

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "deploy" / "container" / "entrypoint.sh"

pytestmark = pytest.mark.postgres


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _psql(sql: str) -> None:
    subprocess.run(["psql", POSTGRES_URL, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True, timeout=60)


@pytest.fixture
def container_env(tmp_path):
    """Environment as the image sets it, against a fresh PostgreSQL database and Redis."""
    if not POSTGRES_URL or not REDIS_URL:
        pytest.skip("needs SALONKEEP_TEST_POSTGRES_URL and SALONKEEP_TEST_REDIS_URL")
    name = f"salonkeep_entry_{uuid.uuid4().hex[:10]}"
    _psql(f'CREATE DATABASE "{name}"')
    owner_url = _with_db(POSTGRES_URL, name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALONKEEP_")}
    env.update(
        {
            # the image puts the salonkeep console script first on PATH
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "SALONKEEP_DATA_DIR": str(tmp_path / "data"),
            "SALONKEEP_HOST": "127.0.0.1",
            "SALONKEEP_PORT": str(_free_port()),
            "SALONKEEP_DATABASE_URL": _with_user(owner_url, APP_ROLE),
            "SALONKEEP_MIGRATION_DATABASE_URL": owner_url,
            "SALONKEEP_REDIS_URL": REDIS_URL,
        }
    )
    try:
        yield env
    finally:
        _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _entrypoint(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ENTRYPOINT), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )


def _start(env: dict[str, str], role: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(ENTRYPOINT), role],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def _wait(condition, process: subprocess.Popen[str], what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{what}: the process exited\n{process.communicate()[0]}")
        if condition():
            return
        time.sleep(0.5)
    process.kill()
    raise AssertionError(f"{what} never happened\n{process.communicate()[0]}")


def _stop(process: subprocess.Popen[str]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def test_migrate_web_and_worker_run_as_separate_processes(container_env):
    env = container_env
    redis = Redis.from_url(REDIS_URL)
    redis.delete(HEARTBEAT_KEY)
    assert _entrypoint(env, "healthcheck", "worker").returncode == 1

    migrated = _entrypoint(env, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "database is up to date" in migrated.stdout
    assert _entrypoint(env, "migrate").returncode == 0  # every deploy runs it again

    assert _entrypoint(env, "healthcheck", "web").returncode == 1  # nothing listens yet
    web = _start(env, "web")
    worker = _start(env, "worker")
    try:
        health_url = f"http://127.0.0.1:{env['SALONKEEP_PORT']}/healthz"

        def healthy() -> bool:
            try:
                with urllib.request.urlopen(health_url, timeout=2) as response:
                    return response.status == 200 and json.loads(response.read())["status"] == "ok"
            except OSError:
                return False

        _wait(healthy, web, "web answering /healthz")
        _wait(lambda: redis.get(HEARTBEAT_KEY) is not None, worker, "worker heartbeat")
        probe_web = _entrypoint(env, "healthcheck", "web")
        assert (probe_web.returncode, probe_web.stdout.strip()) == (0, "healthy"), probe_web.stderr
        assert _entrypoint(env, "healthcheck", "worker").returncode == 0
        # any other command passes through to the CLI (operators' one-off jobs)
        listing = _entrypoint(env, "tenant", "list")
        assert listing.returncode == 0 and "SLUG" in listing.stdout
    finally:
        web_code, worker_code = _stop(web), _stop(worker)
        redis.delete(HEARTBEAT_KEY)
        redis.close()
    assert web_code == 0 or web_code == -signal.SIGTERM
    assert worker_code in (0, -signal.SIGTERM)
