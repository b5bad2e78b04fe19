"""The ``/api/v1`` router: API key authentication, strict JSON bodies, the endpoints and their
error mapping."""

from __future__ import annotations

from litestar import Router
from litestar.openapi.spec import SecurityRequirement

from salonkeep.web.api.appointments import AppointmentController, CatalogueController
from salonkeep.web.api.auth import ApiKeyMiddleware
from salonkeep.web.api.bodies import AllowedMethods, JsonBodies
from salonkeep.web.api.booking_requests import BookingRequestController
from salonkeep.web.api.clients import ClientController
from salonkeep.web.api.complaints import ComplaintController
from salonkeep.web.api.errors import API_EXCEPTION_HANDLERS

API_PATH = "/api/v1"
#: The OpenAPI security scheme name the router's endpoints require.
SECURITY_SCHEME = "ApiKey"


def api_router() -> Router:
    """A fresh router (litestar routers are bound to one app)."""
    security: list[SecurityRequirement] = [{SECURITY_SCHEME: []}]
    return Router(
        path=API_PATH,
        route_handlers=[
            ClientController,
            CatalogueController,
            AppointmentController,
            BookingRequestController,
            ComplaintController,
        ],
        # OPTIONS needs no key; then the key (401 before anything else is said), then the body
        # (415, strict 422).
        middleware=[AllowedMethods(), ApiKeyMiddleware(), JsonBodies()],
        exception_handlers=API_EXCEPTION_HANDLERS,
        security=security,
        tags=["api"],
    )
