"""What the privacy screens share: id and date parsing from forms."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Request

from salonkeep.tenants import validation
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.web.auth.guard import signed
from salonkeep.web.i18n import gettext as _


def optional_uuid(value: str, field: str) -> UUID | None:
    """A UUID from a form field (empty: ``None``); ValidationFailed naming ``field`` otherwise."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return UUID(value)
    except ValueError:
        raise ValidationFailed({field: _("not a valid id")}) from None


def tenant_zone(request: Request[Any, Any, Any]) -> ZoneInfo:
    """The signed-in tenant's time zone."""
    return ZoneInfo(signed(request).tenant.time_zone)


def start_of_day(request: Request[Any, Any, Any], value: str, field: str) -> datetime | None:
    """The start of a ``YYYY-MM-DD`` day in the tenant's time zone (empty: ``None``)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed({field: _("use the form YYYY-MM-DD")}) from None
    validation.plausible_year(day, field)
    return datetime.combine(day, time.min, tzinfo=tenant_zone(request))


def local_moment(request: Request[Any, Any, Any], value: str, field: str) -> datetime | None:
    """A ``YYYY-MM-DDTHH:MM`` moment (a datetime-local field) in the tenant's time zone, or a
    ``YYYY-MM-DD`` day's start (empty: ``None``); ValidationFailed naming ``field`` otherwise."""
    value = (value or "").strip()
    if not value:
        return None
    if "T" not in value:
        return start_of_day(request, value, field)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationFailed({field: _("use the form YYYY-MM-DD HH:MM")}) from None
    validation.plausible_year(moment.date(), field)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tenant_zone(request))
    return moment
