"""The heartbeat cron job: proof that a worker is alive, readable by /healthz and operators."""

from __future__ import annotations

from typing import Any

from salonkeep.core.heartbeat import HEARTBEAT_KEY, HEARTBEAT_TTL_SECONDS
from salonkeep.tenants import clock

__all__ = ["HEARTBEAT_KEY", "HEARTBEAT_TTL_SECONDS", "heartbeat"]


async def heartbeat(ctx: dict[str, Any]) -> str:
    """Write the current time under HEARTBEAT_KEY (expires after 3 minutes)."""
    stamp = clock.now().isoformat()
    await ctx["redis"].set(HEARTBEAT_KEY, stamp, ex=HEARTBEAT_TTL_SECONDS)
    return stamp
