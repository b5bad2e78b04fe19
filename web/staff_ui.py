"""The staff web UI: the public sign-in routes and the /app router behind the staff guard."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router
from litestar.exceptions import NotFoundException
from litestar.response import Template

from salonkeep.core.access import Forbidden
from salonkeep.tenants.errors import Conflict, NotFound, ValidationFailed
from salonkeep.web.admin.routes import routes as admin_routes
from salonkeep.web.aftercare.routes import routes as aftercare_routes
from salonkeep.web.auth.guard import StaffGuard
from salonkeep.web.auth.routes import public_routes, staff_routes
from salonkeep.web.i18n import gettext as _
from salonkeep.web.pages import render
from salonkeep.web.workspace.routes import routes as workspace_routes


def _message(request: Request[Any, Any, Any], message: str, status: int) -> Template:
    return render(request, "app_message.html", {"message": message}, status_code=status)


def _forbidden(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    return _message(request, _("Your role does not allow this."), 403)


def _not_found(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    return _message(request, _("Not found."), 404)


def _invalid(request: Request[Any, Any, Any], exc: ValidationFailed) -> Response[Any]:
    details = "; ".join(f"{field}: {message}" for field, message in exc.errors.items())
    return _message(request, _("Please check the input.") + " " + details, 422)


def _conflict(request: Request[Any, Any, Any], exc: Conflict) -> Response[Any]:
    return _message(request, str(exc), 409)


def staff_router() -> Router:
    """Every /app route, behind the staff guard."""
    return Router(
        path="/app",
        route_handlers=[*workspace_routes, *staff_routes, *admin_routes, *aftercare_routes],
        middleware=[StaffGuard()],
        exception_handlers={
            Forbidden: _forbidden,
            NotFound: _not_found,
            NotFoundException: _not_found,
            ValidationFailed: _invalid,
            Conflict: _conflict,
        },
    )


__all__ = ["public_routes", "staff_router"]
