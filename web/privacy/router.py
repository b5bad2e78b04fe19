"""The /app router of the privacy screens, behind the staff guard."""

from __future__ import annotations

from litestar import Router

from salonkeep.web.auth.guard import StaffGuard
from salonkeep.web.pages import STAFF_EXCEPTION_HANDLERS
from salonkeep.web.privacy import (
    alerts_page,
    breach_page,
    break_glass_page,
    obligations_page,
    officer,
    policy_page,
    profile,
)


def privacy_router() -> Router:
    """Every privacy route under /app (importing it registers the panels and the nav entry)."""
    return Router(
        path="/app",
        route_handlers=[
            *profile.routes,
            *break_glass_page.routes,
            *officer.routes,
            *alerts_page.routes,
            *policy_page.routes,
            *breach_page.routes,
            *obligations_page.routes,
        ],
        middleware=[StaffGuard()],
        exception_handlers=STAFF_EXCEPTION_HANDLERS,
    )
