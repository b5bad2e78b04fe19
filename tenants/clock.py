"""The one clock the whole application reads. Tests (and demos) can set it.

Follow-ups and reminders are all about dates, so no module calls ``datetime.now()`` itself.
The clock can be frozen or shifted in-process (:func:`set_clock`) or, for separate processes
such as a browser test's server, through the file named by ``SALONKEEP_CLOCK_FILE``: it holds
an ISO timestamp that the clock returns (advancing with real time from when it was written).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

Now = Callable[[], datetime]


def _system_now() -> datetime:
    return datetime.now(UTC)


def _file_now() -> datetime | None:
    path = os.environ.get("SALONKEEP_CLOCK_FILE")
    if not path:
        return None
    try:
        file = Path(path)
        text = file.read_text().strip()
        written = datetime.fromtimestamp(file.stat().st_mtime, UTC)
    except OSError:
        return None
    if not text:
        return None
    target = datetime.fromisoformat(text)
    if target.tzinfo is None:
        target = target.replace(tzinfo=UTC)
    return target + (_system_now() - written)


_now: Now | None = None


def now() -> datetime:
    """The current time, timezone-aware in UTC."""
    if _now is not None:
        return _now()
    return _file_now() or _system_now()


def get_clock() -> Now | None:
    """The clock set with :func:`set_clock` (``None``: the system clock)."""
    return _now


def set_clock(func: Now | None) -> None:
    """Replace the clock (``None`` restores the system clock)."""
    global _now
    _now = func


class FrozenClock:
    """A settable clock for tests: ``clock = FrozenClock(dt); set_clock(clock)``."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware datetime")
        self.at = at.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by ``delta``."""
        self.at += delta
