"""``python -m salonkeep.workers [--burst]``: one arq worker for SALONKEEP_REDIS_URL.

``--burst`` processes everything due now (the startup sweep fans out the tenants' delivery
jobs, each queues its next batch) and exits when the queue is empty. With
``SALONKEEP_WORKER_METRICS_PORT`` set, the worker serves Prometheus metrics on that port.
"""

import os
import sys

from arq.worker import run_worker
from prometheus_client import start_http_server

from salonkeep.core.redis_client import arq_settings_for
from salonkeep.tenants.settings import load_settings
from salonkeep.workers.settings import WorkerSettings


def main() -> None:
    """Run a worker until SIGINT/SIGTERM (or, with ``--burst``, until nothing is left)."""
    settings = load_settings()
    if not settings.redis_url:
        sys.exit("error: set SALONKEEP_REDIS_URL (or use `salonkeep up`, which starts Redis)")
    unknown = [arg for arg in sys.argv[1:] if arg != "--burst"]
    if unknown:
        sys.exit(f"error: unknown argument {unknown[0]!r} (only --burst)")
    port = os.environ.get("SALONKEEP_WORKER_METRICS_PORT", "").strip()
    if port:
        if not port.isdigit():
            sys.exit("error: SALONKEEP_WORKER_METRICS_PORT must be a port number")
        start_http_server(int(port), addr=settings.host)
    burst = "--burst" in sys.argv[1:]
    run_worker(
        WorkerSettings,  # type: ignore[arg-type]
        redis_settings=arq_settings_for(settings),
        burst=burst,
        poll_delay=0.1 if burst else 0.5,
    )


if __name__ == "__main__":
    main()
