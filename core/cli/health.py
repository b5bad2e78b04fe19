"""``salonkeep healthcheck web|worker``: the container and process-manager health probe.

``web`` asks this host's ``/healthz`` (database and Redis reachable); ``worker`` checks that
Redis answers and that a worker's heartbeat key (written every minute, expiring after three)
is there. Exit 0 when healthy, 1 when not (the one line on stderr says why).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from enum import StrEnum

import typer
from redis.exceptions import RedisError

from salonkeep.core import redis_client
from salonkeep.core.cli.runner import fail, settings_or_fail
from salonkeep.core.heartbeat import HEARTBEAT_KEY
from salonkeep.tenants.settings import Settings

UNHEALTHY = 1


class Role(StrEnum):
    """What the probed process runs."""

    web = "web"
    worker = "worker"


def _web_problem(port: int) -> str | None:
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            if response.status == 200:
                return None
            return f"{url} answered {response.status}"
    except urllib.error.HTTPError as exc:
        return f"{url} answered {exc.code}: {json.dumps(json.loads(exc.read() or b'{}'))}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return f"{url} does not answer: {exc}"


def _worker_problem(settings: Settings) -> str | None:
    try:
        client = redis_client.sync_client(settings)
        try:
            beat = client.get(HEARTBEAT_KEY)
        finally:
            client.close()
    except (RedisError, OSError) as exc:
        return f"Redis does not answer: {exc}"
    return None if beat else f"no worker heartbeat in Redis ({HEARTBEAT_KEY} is missing)"


def healthcheck(role: Role = typer.Argument(..., help="web or worker")) -> None:
    """Exit 0 when this host's web server (or the workers) is healthy, 1 when not."""
    settings = settings_or_fail()
    if role is Role.web:
        problem = _web_problem(settings.port)
    else:
        if not settings.redis_url:
            fail("set SALONKEEP_REDIS_URL")
        problem = _worker_problem(settings)
    if problem:
        typer.echo(f"unhealthy: {problem}", err=True)
        raise typer.Exit(UNHEALTHY)
    typer.echo("healthy")
