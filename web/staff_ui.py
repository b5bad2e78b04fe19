"""The staff web UI: the public sign-in routes and the /app router behind the staff guard."""

from __future__ import annotations

from litestar import Router, route
from litestar.exceptions import NotFoundException

from salonkeep.web.admin.catalogue import routes as catalogue_routes
from salonkeep.web.admin.routes import routes as admin_routes
from salonkeep.web.admin.staff_import import routes as staff_import_routes
from salonkeep.web.aftercare.routes import routes as aftercare_routes
from salonkeep.web.auth.guard import StaffGuard
from salonkeep.web.auth.routes import public_routes, staff_routes
from salonkeep.web.booking_requests import routes as booking_request_routes
from salonkeep.web.calendar.hours import routes as hours_routes
from salonkeep.web.calendar.routes import routes as calendar_routes
from salonkeep.web.calendar_feeds import routes as calendar_feed_routes
from salonkeep.web.checklist import routes as checklist_routes
from salonkeep.web.client_import import routes as import_routes
from salonkeep.web.complaints_numbers import routes as complaint_number_routes
from salonkeep.web.complaints_staff import routes as complaint_routes
from salonkeep.web.delivery import routes as delivery_routes
from salonkeep.web.pages import STAFF_EXCEPTION_HANDLERS
from salonkeep.web.plugin_screens import DEPENDENCIES, plugin_routes
from salonkeep.web.workspace.routes import routes as workspace_routes


@route("/{rest:path}", http_method=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
async def no_such_page(rest: str) -> None:
    """Any other address under /app (a mistyped URL): behind the guard like every page, so the
    person gets the "not found" page in the layout, with their navigation (not JSON)."""
    raise NotFoundException()


def staff_router() -> Router:
    """Every /app route, behind the staff guard: the core's and the plugins' screens."""
    return Router(
        path="/app",
        route_handlers=[
            *workspace_routes,
            *import_routes,
            *checklist_routes,
            *staff_routes,
            *admin_routes,
            *staff_import_routes,
            *catalogue_routes,
            *calendar_routes,
            *hours_routes,
            *calendar_feed_routes,
            *booking_request_routes,
            *aftercare_routes,
            *delivery_routes,
            *complaint_routes,
            *plugin_routes(),
            *complaint_number_routes,
            no_such_page,
        ],
        dependencies=DEPENDENCIES,
        middleware=[StaffGuard()],
        exception_handlers=STAFF_EXCEPTION_HANDLERS,
    )


__all__ = ["public_routes", "staff_router"]
