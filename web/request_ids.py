"""The request id: taken from a sane incoming ``X-Request-ID`` header (a proxy's), else made
here; it is set by the edge layer on every request and response, bound to every log line of
the request, and shown on error pages and in JSON error bodies."""

from __future__ import annotations

import re
import uuid
from typing import Any

HEADER = "x-request-id"
#: What an incoming id may look like: 8-64 letters, digits, dots, dashes, underscores.
_SANE = re.compile(r"[A-Za-z0-9._-]{8,64}")
_STATE_KEY = "request_id"


def choose(headers: list[tuple[bytes, bytes]]) -> str:
    """The incoming id when it is sane, else a fresh random one."""
    for name, value in headers:
        if name.lower() == HEADER.encode():
            text = value.decode("latin-1")
            if _SANE.fullmatch(text):
                return text
            break
    return uuid.uuid4().hex


def remember(scope: Any, request_id: str) -> None:
    """Store the id in the request's scope state."""
    scope.setdefault("state", {})[_STATE_KEY] = request_id


def of(scope: Any) -> str:
    """The id of the request whose scope (or litestar Request) this is ("" outside the edge)."""
    raw = getattr(scope, "scope", scope)
    value = raw.get("state", {}).get(_STATE_KEY, "")
    return value if isinstance(value, str) else ""
