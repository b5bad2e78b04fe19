"""The staff web UI: the public sign-in routes and the /app router behind the staff guard."""

from __future__ import annotations

from litestar import Router

from salonkeep.web.admin.routes import routes as admin_routes
from salonkeep.web.aftercare.routes import routes as aftercare_routes
from salonkeep.web.auth.guard import StaffGuard
from salonkeep.web.auth.routes import public_routes, staff_routes
from salonkeep.web.delivery import routes as delivery_routes
from salonkeep.web.pages import STAFF_EXCEPTION_HANDLERS
from salonkeep.web.workspace.routes import routes as workspace_routes


def staff_router() -> Router:
    """Every /app route, behind the staff guard."""
    return Router(
        path="/app",
        route_handlers=[*workspace_routes, *staff_routes, *admin_routes, *aftercare_routes, *delivery_routes],
        middleware=[StaffGuard()],
        exception_handlers=STAFF_EXCEPTION_HANDLERS,
    )


__all__ = ["public_routes", "staff_router"]
