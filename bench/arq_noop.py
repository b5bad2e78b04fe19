"""Bare arq for ``bench/delivery.py``: one no-op job per message (the baseline)."""

from __future__ import annotations

from typing import Any


async def noop(ctx: dict[str, Any], n: int) -> None:
    """Does nothing."""
    return None


class NoopSettings:
    functions = [noop]
    keep_result = 0
    max_jobs = 10
    queue_name = "salonkeep:bench:noop"
