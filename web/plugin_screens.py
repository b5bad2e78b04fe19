"""The routes plugins contribute (``salonkeep_web_routes``): mounted in the staff router, with
the ``render_page`` dependency their handlers may ask for.

The web knows no plugin by name: everything comes through the hooks of the plugin manager.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Request
from litestar.di import Provide
from litestar.enums import MediaType

from salonkeep.core.plugins.api import PageRenderer
from salonkeep.core.plugins.manager import get_plugins
from salonkeep.web.pages import render


def provide_render_page(request: Request[Any, Any, Any]) -> PageRenderer:
    """The ``render_page`` a plugin route handler gets: renders for this request, with what
    every staff page has (language, CSRF token, navigation, ``can``)."""

    def render_page(
        template: str,
        context: Mapping[str, Any] | None = None,
        *,
        status_code: int = 200,
        block: str | None = None,
    ) -> Any:
        page = render(request, template, dict(context or {}), status_code=status_code, block=block)
        # Plugin handlers return ``Any``: say HTML, not the handler's default (JSON).
        page.media_type = MediaType.HTML
        return page

    return render_page


#: Dependencies of the staff router that plugin handlers may name as parameters.
DEPENDENCIES = {"render_page": Provide(provide_render_page, sync_to_thread=False)}


def plugin_routes() -> list[Any]:
    """The plugins' route handlers (their navigation entries join the navigation itself)."""
    return get_plugins().web_routes()
