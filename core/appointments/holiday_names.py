"""Public holidays of a country with their names in a person's language.

The ``holidays`` package names each country's holidays in the languages it ships for that
country (``supported_languages``; Finland: Finnish, Swedish, English and a few more). A name is
given in the person's language when the package has it for the country, else in the country's
own (default) language, else in English.
"""

from __future__ import annotations

import functools
from datetime import date

import holidays

#: The package's code for English when a country offers no English of its own.
ENGLISH = "en_US"


@functools.lru_cache(maxsize=64)
def _offered(country: str) -> tuple[str | None, tuple[str, ...]]:
    """(default language, supported languages) of ``country``; NotImplementedError when the
    package has no calendar for it."""
    calendar = holidays.country_holidays(country)
    return calendar.default_language, tuple(calendar.supported_languages)


def _match(wanted: str, offered: tuple[str, ...], country: str) -> str | None:
    """The offered code for the language ``wanted`` (``zh``, ``fi``, ``en_GB``…): the same code,
    else the same language as spoken in ``country``, else the first variant of it."""
    code = wanted.replace("-", "_")
    if code in offered:
        return code
    base = code.split("_")[0].lower()
    variants = [o for o in offered if o.split("_")[0].lower() == base]
    local = [o for o in variants if o.endswith(f"_{country.upper()}")]
    found = local or sorted(variants)
    return found[0] if found else None


def language_for(country: str, language: str) -> str | None:
    """The ``holidays`` language code to name ``country``'s holidays for a person reading
    ``language``: theirs if offered, else the country's default, else English (``None``: the
    package has no calendar for the country)."""
    try:
        default, offered = _offered(country)
    except NotImplementedError:
        return None
    for choice in (language, default or "", "en"):
        found = _match(choice, offered, country) if choice else None
        if found:
            return found
    return default or ENGLISH


@functools.lru_cache(maxsize=256)
def _year(country: str, year: int, language: str) -> dict[date, str]:
    calendar = holidays.country_holidays(country, years=year, language=language)
    return {day: str(name) for day, name in calendar.items()}


def holiday_name(day: date, country: str, language: str = "en") -> str | None:
    """The name of the public holiday on ``day`` in ``country``, in ``language`` where the
    package has it (see :func:`language_for`); ``None`` on other days."""
    code = language_for(country, language)
    if code is None:
        return None
    return _year(country, day.year, code).get(day)


def holiday_names_in(country: str, years: range, language: str) -> dict[date, str] | None:
    """``country``'s public holidays in ``years`` by date, named in ``language`` itself; ``None``
    when the package does not name that country's holidays in that language (or has no
    calendar for the country), so the caller picks its own fallback."""
    try:
        _default, offered = _offered(country)
    except NotImplementedError:
        return None
    code = _match(language, offered, country)
    if code is None:
        return None
    return {day: name for year in years for day, name in _year(country, year, code).items()}
