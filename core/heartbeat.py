"""Where workers prove they are alive: the Redis key the heartbeat job writes and the health
probe (``salonkeep healthcheck worker``) reads."""

HEARTBEAT_KEY = "salonkeep:worker:heartbeat"
HEARTBEAT_TTL_SECONDS = 180
