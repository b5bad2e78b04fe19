"""``/metrics``: Prometheus metrics of this web process, plus the delivery figures of the
workers' last sweep (read from Redis), so one scrape of the web shows the queue depth."""

from __future__ import annotations

import json
from typing import Any

from litestar import Request, get
from litestar.response import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.exceptions import RedisError

from salonkeep.core.delivery import metrics
from salonkeep.core.delivery.messages import LAST_SWEEP_KEY


@get("/metrics", include_in_schema=False)
async def metrics_endpoint(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The Prometheus text format (no tenant data: counters and gauges only)."""
    redis = getattr(request.app.state, "redis", None)
    if redis is not None:
        try:
            raw = await redis.get(LAST_SWEEP_KEY)
        except (RedisError, OSError):
            raw = None
        if raw:
            summary = json.loads(raw)
            metrics.QUEUE_DEPTH.set(int(summary.get("depth", 0)))
            metrics.LAST_SWEEP.set(float(summary["at"]))
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
