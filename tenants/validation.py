"""Field checks shared by every edge. Each raises ValidationFailed naming the field."""

from __future__ import annotations

import functools
import re
from datetime import date
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import phonenumbers
from babel import Locale, UnknownLocaleError
from email_validator import EmailNotValidError, validate_email

from salonkeep.tenants import clock
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.messages import codes, field_message
from salonkeep.tenants.tables import ROLES

_Day = TypeVar("_Day", bound=date)
SUPPORTED_LOCALES = ("en", "zh", "ru", "fi")
#: Dates and times are refused before this year ...
EARLIEST_YEAR = 1900
#: ... and more than this many years ahead of now.
YEARS_AHEAD = 10
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def slug(value: str, field: str = "slug") -> str:
    """A URL-safe tenant slug: lower-case letters, digits and inner hyphens."""
    value = value.strip()
    if not _SLUG.match(value):
        raise ValidationFailed({field: "use 1-63 lower-case letters, digits and hyphens (not at either end)"})
    return value


def required_text(value: str, field: str, max_length: int = 200) -> str:
    """Non-empty text of at most ``max_length`` characters, stripped."""
    value = (value or "").strip()
    if not value:
        raise ValidationFailed({field: "is required"})
    if len(value) > max_length:
        raise ValidationFailed({field: field_message("must be at most {limit} characters", limit=max_length)})
    return value


def time_zone(value: str, field: str = "time_zone") -> str:
    """An IANA time zone name such as ``Europe/Helsinki``."""
    value = (value or "").strip()
    if value not in available_timezones():
        raise ValidationFailed(
            {field: field_message("unknown time zone {zone!r} (use e.g. Europe/Helsinki)", zone=value)}
        )
    try:
        ZoneInfo(value)
    except ZoneInfoNotFoundError as exc:  # pragma: no cover - listed zones load
        raise ValidationFailed({field: field_message("unknown time zone {zone!r}", zone=value)}) from exc
    return value


def locale(value: str, field: str = "locale") -> str:
    """One of the supported UI languages."""
    value = (value or "").strip()
    try:
        language = Locale.parse(value.replace("-", "_")).language
    except (ValueError, UnknownLocaleError) as exc:
        raise ValidationFailed({field: field_message("unknown locale {locale!r}", locale=value)}) from exc
    if language not in SUPPORTED_LOCALES:
        raise ValidationFailed(
            {
                field: field_message(
                    "{locale!r} is not offered; choose one of {choices}",
                    locale=value,
                    choices=codes(SUPPORTED_LOCALES, "language"),
                )
            }
        )
    return language


def country(value: str, field: str = "country") -> str:
    """An ISO 3166 two-letter country code (upper case)."""
    value = (value or "").strip().upper()
    if phonenumbers.country_code_for_region(value) == 0:
        raise ValidationFailed(
            {field: field_message("unknown country code {country!r} (use e.g. FI, CN)", country=value)}
        )
    return value


#: An ASCII dot-atom local part (RFC 5322 atext separated by single dots), which
#: ``email_validator`` accepts unchanged.
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


@functools.lru_cache(maxsize=4096)
def _domain(domain: str) -> str | None:
    """The normalised domain when ``x@domain`` is valid, else None (imports meet the same few
    domains again and again: checking each once makes a 100,000-row file ten times faster)."""
    try:
        return validate_email(f"x@{domain}", check_deliverability=False).domain
    except EmailNotValidError:
        return None


def email(value: str, field: str = "email") -> str:
    """A syntactically valid e-mail address, normalised to lower case (no DNS look-up)."""
    value = (value or "").strip()
    local, at, domain = value.rpartition("@")
    if at and value.isascii() and len(value) <= 254 and len(local) <= 64 and _PLAIN_LOCAL.fullmatch(local):
        known = _domain(domain)
        if known is not None:
            return f"{local}@{known}".lower()
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed({field: "not a valid e-mail address"}) from exc


def phone(value: str, region: str, field: str = "phone") -> str:
    """A valid phone number in E.164 form; local numbers are read for ``region``."""
    value = (value or "").strip()
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationFailed({field: field_message("not a phone number: {phone!r}", phone=value)}) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationFailed({field: field_message("not a valid phone number: {phone!r}", phone=value)})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def role(value: str, field: str = "role") -> str:
    """One of the staff roles."""
    value = (value or "").strip()
    if value not in ROLES:
        raise ValidationFailed(
            {
                field: field_message(
                    "unknown role {role!r}; choose one of {choices}", role=value, choices=codes(ROLES, "role")
                )
            }
        )
    return value


def plausible_year(value: _Day, field: str) -> _Day:
    """A date (or date and time) from :data:`EARLIEST_YEAR` up to :data:`YEARS_AHEAD` years
    from now: earlier or later ones are typing mistakes (``0990`` for ``1990``)."""
    latest = clock.now().year + YEARS_AHEAD
    if value.year < EARLIEST_YEAR:
        raise ValidationFailed({field: field_message("must be in {year} or later", year=EARLIEST_YEAR)})
    if value.year > latest:
        raise ValidationFailed({field: field_message("must be in {year} or earlier", year=latest)})
    return value
