"""Quiet hours: no message reaches a client between (by default) 21:00 and 09:00 local time.

The window is local wall-clock time in the branch's (else the tenant's) time zone, so it
follows DST changes; a window may wrap midnight (21:00 to 09:00) or not (12:00 to 13:00).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from salonkeep.core.plugins.api import local_at


def _inside(at: time, start: time, end: time) -> bool:
    if start == end:
        return False
    if start < end:
        return start <= at < end
    return at >= start or at < end


def next_allowed(moment: datetime, window: tuple[time, time] | None, zone: str) -> datetime:
    """``moment`` itself when it lies outside the quiet ``window`` in ``zone``, else the end
    of the window (the next local ``end`` time), in UTC."""
    if window is None:
        return moment
    start, end = window
    local = moment.astimezone(ZoneInfo(zone))
    if not _inside(local.time().replace(tzinfo=None), start, end):
        return moment
    day = local.date()
    if start > end and local.time() >= start:
        day += timedelta(days=1)
    return local_at(day, end, zone).astimezone(UTC)
