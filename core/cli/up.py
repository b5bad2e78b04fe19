"""``salonkeep up``: everything on one machine, with no server installed beforehand."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from types import FrameType
from typing import NoReturn

import typer

from salonkeep.core import database
from salonkeep.core.cli.runner import fail, settings_or_fail
from salonkeep.core.demo import DEMO_PASSWORD, DEMO_SLUG, STAFF, load_demo
from salonkeep.core.embedded_redis import EmbeddedRedis
from salonkeep.tenants.onboarding import list_tenants
from salonkeep.tenants.settings import Settings


def run_module(module: str, *args: str) -> NoReturn:
    """Replace this process with ``python -m module args…`` (signals then reach it directly)."""
    os.execv(sys.executable, [sys.executable, "-m", module, *args])  # noqa: S606 - our own interpreter


async def _prepare(settings: Settings, with_demo: bool) -> bool:
    """Migrate, load the demo into an empty database if asked; True if the demo chain exists."""
    await database.migrate(settings)
    engine = await database.start(settings)
    try:
        if with_demo and not await list_tenants():
            await load_demo()
        return any(t.slug == DEMO_SLUG for t in await list_tenants())
    finally:
        await database.stop(engine)


def _wait_healthy(url: str, children: list[subprocess.Popen[bytes]], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(child.poll() is not None for child in children):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - own URL
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    return False


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGINT)
    deadline = time.monotonic() + 15
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def up(
    demo: bool = typer.Option(True, help="Load the demo chain when there is no tenant yet."),
    host: str = typer.Option("", help="Listen address (default SALONKEEP_HOST or 127.0.0.1)."),
    port: int = typer.Option(0, help="Port (default SALONKEEP_PORT or 8000)."),
) -> None:
    """Migrate, start the embedded Redis if needed, the web server and one worker."""
    if host:
        os.environ["SALONKEEP_HOST"] = host
    if port:
        os.environ["SALONKEEP_PORT"] = str(port)
    settings = settings_or_fail()
    try:
        has_demo = asyncio.run(_prepare(settings, demo))
    except (OSError, RuntimeError, ValueError) as exc:
        fail(f"cannot prepare the database: {exc}")
    redis = None
    env = dict(os.environ)
    if settings.redis_url is None:
        redis = EmbeddedRedis(settings.embedded_redis_db)
        env["SALONKEEP_REDIS_URL"] = redis.url
    children = [
        subprocess.Popen([sys.executable, "-m", module], env=env)
        for module in ("salonkeep.web", "salonkeep.workers")
    ]
    stopping = False

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        if not _wait_healthy(f"{settings.public_url}/healthz", children, timeout=60):
            if not stopping:
                typer.echo("error: the web server did not become healthy", err=True)
            raise typer.Exit(1)
        typer.echo(f"Salonkeep is running at {settings.public_url}/")
        if has_demo:
            typer.echo(f"Demo chain {DEMO_SLUG!r}: sign in as {STAFF[0][0]} with {DEMO_PASSWORD}")
        typer.echo("Press Ctrl-C to stop.")
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.3)
        if not stopping:
            typer.echo("error: a process stopped unexpectedly; shutting down", err=True)
            raise typer.Exit(1)
    finally:
        _stop(children)
        if redis is not None:
            redis.stop()
        typer.echo("Salonkeep stopped.")
