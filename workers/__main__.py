"""``python -m salonkeep.workers``: one arq worker for SALONKEEP_REDIS_URL."""

import sys

from arq.worker import run_worker

from salonkeep.tenants.settings import load_settings
from salonkeep.workers.settings import WorkerSettings, redis_settings


def main() -> None:
    """Run a worker until SIGINT/SIGTERM."""
    settings = load_settings()
    if not settings.redis_url:
        sys.exit("error: set SALONKEEP_REDIS_URL (or use `salonkeep up`, which starts Redis)")
    run_worker(WorkerSettings, redis_settings=redis_settings(settings.redis_url))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
