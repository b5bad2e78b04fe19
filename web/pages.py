"""Rendering staff pages: the shared template context and HTMX partial responses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Request
from litestar.response import Template
from litestar.utils.scope.state import ScopeState

from salonkeep.core.access import Action, can
from salonkeep.tenants.context import current_or_none
from salonkeep.web import i18n
from salonkeep.web.navigation import visible_items


def csrf_token(request: Request[Any, Any, Any]) -> str:
    """The CSRF token of this request (rendered into forms and the HTMX headers)."""
    token = ScopeState.from_scope(request.scope).csrf_token
    return token if isinstance(token, str) else ""


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    """True for a request made by htmx."""
    return request.headers.get("hx-request") == "true"


def common_context(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """What every page needs: language, CSRF token, the signed-in person and the navigation."""
    signed = request.scope.get("state", {}).get("signed")
    ctx = current_or_none()
    return {
        "lang": i18n.current_language(),
        "csrf_token": csrf_token(request),
        "signed": signed,
        "nav": visible_items(ctx) if signed is not None and ctx is not None else [],
        "can": (lambda action: ctx is not None and can(ctx, Action(action))),
        "path": request.url.path,
    }


@dataclass
class Page:
    """A page to render: a whole page for links, one block for an htmx request."""

    template: str
    context: dict[str, Any]
    status_code: int = 200


def render(
    request: Request[Any, Any, Any],
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    block: str | None = None,
) -> Template:
    """Render ``template``; only ``block`` when htmx asked for it (full page otherwise)."""
    full = {**common_context(request), **(context or {})}
    headers = {"Cache-Control": "no-store", "Vary": "HX-Request"}
    if block and is_htmx(request):
        return HTMXBlockTemplate(
            template_name=template, block_name=block, context=full, status_code=status_code, headers=headers
        )
    return Template(template, context=full, status_code=status_code, headers=headers)
