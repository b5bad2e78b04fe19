"""The web app in a uvicorn process of its own, for browser and HTTP tests.

One helper for every test that needs a real server: a free port, the health check polled until it
answers (with a deadline generous enough for a machine busy with other test processes), and a
failure that says why when the process exits first.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

START_DEADLINE_SECONDS = 180.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def web_server(env: dict[str, str]) -> Iterator[str]:
    """Run ``python -m salonkeep.web`` with ``env`` on top of this environment; yield its base URL."""
    port = free_port()
    full_env = {
        **os.environ,
        "SALONKEEP_HOST": "127.0.0.1",
        "SALONKEEP_LOG_LEVEL": "warning",
        **env,
        "SALONKEEP_PORT": str(port),
    }
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "salonkeep.web"],
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_healthy(process, base, log)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_healthy(process: subprocess.Popen[bytes], base: str, log: object) -> None:
    deadline = time.monotonic() + START_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    log.seek(0)  # type: ignore[attr-defined]
    output = log.read().decode(errors="replace")[-4000:]  # type: ignore[attr-defined]
    state = f"exited with {process.returncode}" if process.poll() is not None else "never answered"
    raise RuntimeError(f"the web server {state}:\n{output}")
