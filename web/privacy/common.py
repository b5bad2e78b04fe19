"""What the privacy screens share: the form body type, HTML error pages and date parsing."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Request, Response
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template

from salonkeep.core.access import Forbidden
from salonkeep.tenants.errors import Conflict, NotFound, ValidationFailed
from salonkeep.web.auth.guard import signed
from salonkeep.web.i18n import gettext as _
from salonkeep.web.pages import render

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def _message(request: Request[Any, Any, Any], message: str, status: int) -> Template:
    return render(request, "app_message.html", {"message": message}, status_code=status)


def forbidden(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """403 page."""
    return _message(request, _("Your role does not allow this."), 403)


def not_found(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """404 page."""
    return _message(request, _("Not found."), 404)


def invalid(request: Request[Any, Any, Any], exc: ValidationFailed) -> Response[Any]:
    """422 page naming the fields."""
    details = "; ".join(f"{field}: {message}" for field, message in exc.errors.items())
    return _message(request, _("Please check the input.") + " " + details, 422)


def conflict(request: Request[Any, Any, Any], exc: Conflict) -> Response[Any]:
    """409 page."""
    return _message(request, str(exc), 409)


EXCEPTION_HANDLERS: dict[int | type[Exception], Any] = {
    Forbidden: forbidden,
    NotFound: not_found,
    ValidationFailed: invalid,
    Conflict: conflict,
}


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
    return datetime.combine(day, time.min, tzinfo=tenant_zone(request))
