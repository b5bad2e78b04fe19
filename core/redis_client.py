"""Connections to Redis: one URL, or a master found through Redis Sentinel.

``SALONKEEP_REDIS_URL`` names the server (``redis://host:6379/0``). With
``SALONKEEP_REDIS_SENTINELS`` set, the master is asked of the sentinels under
``SALONKEEP_REDIS_SENTINEL_MASTER`` on every (re)connection, so a failover promotes a replica
and every web and worker process follows it; the URL then gives only the database number and
the password (its host is not used).
"""

from __future__ import annotations

import redis
import redis.asyncio
from arq.connections import RedisSettings
from redis.asyncio.sentinel import Sentinel as AsyncSentinel
from redis.sentinel import Sentinel

from salonkeep.tenants.settings import Settings

Sentinels = tuple[tuple[str, int], ...]


def _db_and_password(url: str) -> tuple[int, str | None]:
    settings = RedisSettings.from_dsn(url)
    return settings.database, settings.password


def arq_settings(url: str, sentinels: Sentinels = (), master: str = "mymaster") -> RedisSettings:
    """arq connection settings for ``url``, or for the master the ``sentinels`` name."""
    if not sentinels:
        return RedisSettings.from_dsn(url)
    database, password = _db_and_password(url)
    return RedisSettings(
        host=list(sentinels), sentinel=True, sentinel_master=master, database=database, password=password
    )


def arq_settings_for(settings: Settings) -> RedisSettings:
    """arq connection settings of this installation (``SALONKEEP_REDIS_*``)."""
    return arq_settings(settings.redis_url or "", settings.redis_sentinels, settings.redis_sentinel_master)


def async_client(settings: Settings) -> redis.asyncio.Redis:
    """A ``redis.asyncio`` client (web sessions, rate limits) for this installation."""
    url = settings.redis_url or ""
    if not settings.redis_sentinels:
        return redis.asyncio.Redis.from_url(url)
    database, password = _db_and_password(url)
    sentinel = AsyncSentinel(list(settings.redis_sentinels), socket_timeout=5)
    return sentinel.master_for(settings.redis_sentinel_master, db=database, password=password)


def sync_client(settings: Settings, socket_timeout: float = 5) -> redis.Redis:
    """A blocking client (health checks) for this installation."""
    url = settings.redis_url or ""
    if not settings.redis_sentinels:
        return redis.Redis.from_url(url, socket_timeout=socket_timeout)
    database, password = _db_and_password(url)
    sentinel = Sentinel(list(settings.redis_sentinels), socket_timeout=socket_timeout)
    return sentinel.master_for(
        settings.redis_sentinel_master, db=database, password=password, socket_timeout=socket_timeout
    )
