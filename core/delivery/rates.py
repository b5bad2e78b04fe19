"""Per-provider send rates, shared by every worker and tenant: a fixed one-second window in
Redis (``INCRBY`` + ``EXPIRE``). ``SALONKEEP_SMS_PROVIDER_PER_SECOND`` /
``SALONKEEP_EMAIL_PROVIDER_PER_SECOND`` (unset: no limit) cap what the SMS provider and the SMTP
server receive from all tenants together; what does not fit waits a second (the per-tenant SMS
rate is a tenant setting, counted in the database)."""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from salonkeep.tenants.settings import SettingsError

#: ``await reserve(channel, wanted)`` → how many of ``wanted`` sends may go now.
Reserve = Callable[[str, int], Awaitable[int]]


def provider_limits() -> dict[str, int]:
    """Per-second limits by channel from the environment."""
    limits = {}
    for channel in ("sms", "email"):
        name = f"SALONKEEP_{channel.upper()}_PROVIDER_PER_SECOND"
        raw = os.environ.get(name, "").strip()
        if raw:
            if not raw.isdigit() or int(raw) < 1:
                raise SettingsError(f"{name} must be a whole number of at least 1 (got {raw!r})")
            limits[channel] = int(raw)
    return limits


def redis_reserve(redis: Any, limits: Mapping[str, int], now: Callable[[], float] = time.time) -> Reserve:
    """A :data:`Reserve` counting in ``redis`` (shared by all workers); ``now`` gives the
    window (seconds since the epoch)."""

    async def reserve(channel: str, wanted: int) -> int:
        limit = limits.get(channel)
        if limit is None or wanted <= 0:
            return wanted
        key = f"salonkeep:delivery:rate:{channel}:{int(now())}"
        used = int(await redis.incrby(key, wanted))
        await redis.expire(key, 5)
        granted = max(0, min(wanted, limit - (used - wanted)))
        if granted < wanted:
            await redis.decrby(key, wanted - granted)  # give back what was not used
        return granted

    return reserve
