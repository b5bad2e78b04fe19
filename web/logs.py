"""Structured logs of the web process: one JSON object a line, each carrying the request id.

:func:`configure` sets structlog up once (idempotent). Records go through the standard
``logging`` module (logger ``salonkeep``), so uvicorn's process, pytest's ``caplog`` and any
log shipper see them; when nothing else has configured that logger, lines go to stderr.
The request id is bound per request by the edge layer (``structlog.contextvars``), so every
line logged while a request runs names it.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog

LOGGER_NAME = "salonkeep"

_configured = False


def configure(level: str = "info") -> None:
    """Configure structlog (JSON lines through stdlib logging) once per process."""
    global _configured
    if _configured:
        return
    _configured = True
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    root = logging.getLogger(LOGGER_NAME)
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        root.addHandler(handler)
    if root.level == logging.NOTSET:
        root.setLevel(level.upper())


def logger(name: str = "web") -> Any:
    """A structlog logger under ``salonkeep.<name>``."""
    return structlog.get_logger(f"{LOGGER_NAME}.{name}")
