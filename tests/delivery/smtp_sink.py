"""A real SMTP server for tests: aiosmtpd storing every message in a Maildir."""

from __future__ import annotations

import email
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port}")


class SmtpSink:
    """``python -m aiosmtpd -n -l 127.0.0.1:PORT -c aiosmtpd.handlers.Mailbox DIR``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                f"127.0.0.1:{self.port}",
                "-c",
                "aiosmtpd.handlers.Mailbox",
                str(folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def message_ids(self) -> Counter[str]:
        """How many copies of each Message-ID arrived."""
        found: Counter[str] = Counter()
        for path in (self.folder / "new").glob("*"):
            parsed = email.message_from_bytes(path.read_bytes())
            found[str(parsed["Message-ID"]).strip()] += 1
        return found

    def messages(self) -> list[email.message.Message]:
        return [email.message_from_bytes(p.read_bytes()) for p in sorted((self.folder / "new").glob("*"))]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class MessageIdSink:
    """A real aiosmtpd server whose handler (``smtp_id_log.MessageIdLog``) writes one line per
    accepted message: its Message-ID. For the exactly-once test, which counts 10,000."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.port = free_port()
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                f"127.0.0.1:{self.port}",
                "-c",
                "smtp_id_log.MessageIdLog",
                str(path),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def message_ids(self) -> Counter[str]:
        """How many copies of each Message-ID the server accepted."""
        if not self.path.exists():
            return Counter()
        return Counter(line for line in self.path.read_text().splitlines() if line)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
