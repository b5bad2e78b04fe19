"""Dates and times shown to a person: the one formatting helper (Babel).

Every date or time a person reads (staff pages, printable receipts, the client's access
report and export, the command line, texts the plugins write) goes through this module:

- a moment (an aware ``datetime``, stored in UTC) is shown in a time zone: the branch's where
  the record belongs to a branch, else the tenant's;
- a calendar date derived from a moment is the date *in that zone* (a sale at 22:30 UTC on
  25 November is a sale of 26 November in Helsinki), never the UTC date;
- the format is the reader's locale's (Babel's CLDR patterns: ``26.11.2026`` in Finnish,
  ``2026年11月26日`` in Chinese);
- where readers compare times (audit trail, consent history, access report, exports) the zone
  is named next to the time (``UTC+02:00``) and the page names the zone once
  (``Europe/Helsinki``).

The zone and locale come from the caller, or from the display scope the edge opens for the
request or command (:func:`display_scope`): the web guard opens it with the tenant's zone and
the person's language, the CLI with the tenant's zone and default locale.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

#: Babel's named widths: ``short`` (26.11.2026 0.30), ``medium`` (default), ``long``, ``full``.
Width = Literal["short", "medium", "long", "full"]

DEFAULT_ZONE = "UTC"
DEFAULT_LOCALE = "en"


@dataclass(frozen=True)
class Display:
    """The zone and locale dates are shown in when the caller names neither."""

    zone: str = DEFAULT_ZONE
    locale: str = DEFAULT_LOCALE


_OUTSIDE_ANY_SCOPE = Display()
_display: contextvars.ContextVar[Display] = contextvars.ContextVar(
    "salonkeep_display", default=_OUTSIDE_ANY_SCOPE
)


@contextmanager
def display_scope(zone: str | None = None, locale: str | None = None) -> Iterator[Display]:
    """Show dates in ``zone`` and ``locale`` inside the block (``None`` keeps the outer one)."""
    outer = _display.get()
    token = _display.set(Display(zone or outer.zone, _babel_locale(locale) if locale else outer.locale))
    try:
        yield _display.get()
    finally:
        _display.reset(token)


def display() -> Display:
    """The zone and locale of the current display scope."""
    return _display.get()


def _babel_locale(locale: str) -> str:
    """``fi-FI`` → ``fi_FI`` (Babel's spelling)."""
    return locale.replace("-", "_")


def _zone(zone: str | None) -> ZoneInfo:
    return ZoneInfo(zone or _display.get().zone)


def _locale(locale: str | None) -> str:
    return _babel_locale(locale) if locale else _display.get().locale


def local_moment(value: datetime, zone: str | None = None) -> datetime:
    """``value`` as wall-clock time in ``zone``. A naive value is taken as UTC (how SQLite
    returns stored moments)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(_zone(zone))


def local_date(value: datetime | date, zone: str | None = None) -> date:
    """The calendar date of ``value`` in ``zone``: a moment's local date; a date unchanged."""
    if isinstance(value, datetime):
        return local_moment(value, zone).date()
    return value


def zone_offset(value: datetime, zone: str | None = None) -> str:
    """The zone's offset from UTC at that moment, e.g. ``UTC+02:00`` (``UTC+03:00`` in
    summer in Helsinki, ``UTC`` for UTC itself)."""
    offset = local_moment(value, zone).utcoffset() or timedelta(0)
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def zone_name(zone: str | None = None) -> str:
    """The IANA name of the zone times are shown in (``Europe/Helsinki``)."""
    return zone or _display.get().zone


def format_datetime(
    value: datetime | None,
    zone: str | None = None,
    locale: str | None = None,
    *,
    width: Width = "medium",
    show_zone: bool = False,
) -> str:
    """A moment as date and time in ``zone`` for ``locale`` (empty for ``None``); with
    ``show_zone`` the zone's offset follows (``26.11.2026 0.30.00 (UTC+02:00)``)."""
    if value is None:
        return ""
    local = local_moment(value, zone)
    text = babel_dates.format_datetime(local, width, tzinfo=local.tzinfo, locale=_locale(locale))
    return f"{text} ({zone_offset(value, zone)})" if show_zone else text


def format_date(
    value: datetime | date | None,
    zone: str | None = None,
    locale: str | None = None,
    *,
    width: Width = "medium",
) -> str:
    """A calendar date for ``locale`` (empty for ``None``); a moment gives its date in ``zone``."""
    if value is None:
        return ""
    return babel_dates.format_date(local_date(value, zone), width, locale=_locale(locale))


def input_date(value: datetime | None, zone: str | None = None) -> str:
    """The value of an ``<input type="date">`` for a moment: its ``YYYY-MM-DD`` date in
    ``zone`` (a machine format; empty for ``None``)."""
    if value is None:
        return ""
    return local_date(value, zone).isoformat()


def format_time(
    value: datetime | time | None,
    zone: str | None = None,
    locale: str | None = None,
    *,
    width: Width = "short",
    show_zone: bool = False,
) -> str:
    """A time of day for ``locale`` (empty for ``None``); a moment gives its time in ``zone``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        text = _moment_time(value, zone or _display.get().zone, _locale(locale), width)
        return f"{text} ({zone_offset(value, zone)})" if show_zone else text
    return babel_dates.format_time(value, width, locale=_locale(locale))


@functools.lru_cache(maxsize=4096)
def _moment_time(value: datetime, zone: str, locale: str, width: Width) -> str:
    # A calendar shows thousands of times on a handful of distinct moments (a 15- or 30-minute
    # grid), and Babel's formatting is the slow part of the page: each is formatted once.
    local = value.astimezone(ZoneInfo(zone))
    return babel_dates.format_time(local, width, tzinfo=local.tzinfo, locale=locale)


def weekday_name(weekday: int, locale: str | None = None) -> str:
    """The name of a weekday (0 = Monday) for ``locale`` ("Monday", "maanantai"…)."""
    return str(babel_dates.get_day_names("wide", locale=_locale(locale))[weekday])


def install_filters(env: Environment, fallback_locale: Callable[[], str] | None = None) -> None:
    """Register the date filters on a jinja environment (once, where it is built):

    ``{{ moment|datetime }}``, ``{{ moment|datetime(show_zone=True) }}``, ``{{ moment|date }}``,
    ``{{ day|date }}``, ``{{ moment|time }}`` and ``{{ zone_name() }}``. The zone is the
    filter's ``zone`` argument, else the template's ``time_zone`` variable, else the display
    scope's; the locale is the template's ``lang``, else ``fallback_locale()``, else the scope's.
    """

    def zone_of(context: Context, zone: str | None) -> str | None:
        return zone or context.get("time_zone") or None

    def locale_of(context: Context) -> str | None:
        return context.get("lang") or (fallback_locale() if fallback_locale else None)

    @pass_context
    def datetime_filter(
        context: Context,
        value: datetime | None,
        zone: str | None = None,
        show_zone: bool = False,
        width: Width = "medium",
    ) -> str:
        return format_datetime(
            value, zone_of(context, zone), locale_of(context), width=width, show_zone=show_zone
        )

    @pass_context
    def date_filter(
        context: Context, value: datetime | date | None, zone: str | None = None, width: Width = "medium"
    ) -> str:
        return format_date(value, zone_of(context, zone), locale_of(context), width=width)

    @pass_context
    def time_filter(
        context: Context,
        value: datetime | time | None,
        zone: str | None = None,
        show_zone: bool = False,
        width: Width = "short",
    ) -> str:
        return format_time(
            value, zone_of(context, zone), locale_of(context), width=width, show_zone=show_zone
        )

    @pass_context
    def zone_name_global(context: Context, zone: str | None = None) -> str:
        return zone_name(zone_of(context, zone))

    @pass_context
    def weekday_name_global(context: Context, weekday: int) -> str:
        return weekday_name(weekday, locale_of(context))

    env.filters.update({"datetime": datetime_filter, "date": date_filter, "time": time_filter})
    env.globals["zone_name"] = zone_name_global
    env.globals["weekday_name"] = weekday_name_global


__all__ = [
    "Display",
    "display",
    "display_scope",
    "format_date",
    "format_datetime",
    "format_time",
    "install_filters",
    "local_date",
    "local_moment",
    "weekday_name",
    "zone_name",
    "zone_offset",
]
