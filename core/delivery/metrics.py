"""Prometheus metrics of delivery (``prometheus-client``), served on ``/metrics`` by the web
process and on ``SALONKEEP_WORKER_METRICS_PORT`` by a worker."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

OUTCOMES = Counter(
    "salonkeep_delivery_messages_total", "Messages by channel and outcome", ["channel", "outcome"]
)
SEND_SECONDS = Histogram("salonkeep_delivery_send_seconds", "Time a channel took for one batch", ["channel"])
SWEEP_SECONDS = Histogram("salonkeep_delivery_sweep_seconds", "Time one sweep took to fan out tenant jobs")
QUEUE_DEPTH = Gauge("salonkeep_delivery_queue_depth", "Messages due now and not yet sent (at the last sweep)")
LAST_SWEEP = Gauge("salonkeep_delivery_last_sweep_timestamp", "When the last sweep ran (Unix time)")
