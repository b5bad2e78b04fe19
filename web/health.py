"""``/healthz``: is this process able to reach the database and Redis?"""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Response
from redis.asyncio import Redis
from redis.exceptions import RedisError

from salonkeep.tenants.db import execute


async def _database_ok() -> bool:
    try:
        rows = await execute("select 1 as ok")
    except Exception:
        return False
    return bool(rows) and rows[0].get("ok") == 1


async def _redis_ok(redis: Redis | None) -> bool:
    if redis is None:
        return False
    try:
        return bool(await redis.ping())
    except (RedisError, OSError):
        return False


@get("/healthz", include_in_schema=False)
async def healthz(request: Request[Any, Any, Any]) -> Response[dict[str, str]]:
    """200 when the database and Redis answer, else 503 naming what failed."""
    checks = {
        "database": await _database_ok(),
        "redis": await _redis_ok(getattr(request.app.state, "redis", None)),
    }
    body = {name: "ok" if ok else "failing" for name, ok in checks.items()}
    status = 200 if all(checks.values()) else 503
    body["status"] = "ok" if status == 200 else "failing"
    return Response(body, status_code=status)
