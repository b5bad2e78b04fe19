"""Rendering staff pages: the shared template context, HTMX partial responses, the form body
type and the HTML error pages of the staff routers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Request, Response
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body
from litestar.response import Template
from litestar.utils.scope.state import ScopeState

from salonkeep.core.access import Action, AgreementNotSigned, Forbidden, can
from salonkeep.core.audit import heads
from salonkeep.tenants.context import current_or_none
from salonkeep.tenants.errors import Conflict, NotFound, ValidationFailed
from salonkeep.web import i18n, request_ids
from salonkeep.web.i18n import gettext as _
from salonkeep.web.labels import label
from salonkeep.web.navigation import layout, visible_items
from salonkeep.web.service_messages import translate_errors


def csrf_token(request: Request[Any, Any, Any]) -> str:
    """The CSRF token of this request (rendered into forms and the HTMX headers)."""
    token = ScopeState.from_scope(request.scope).csrf_token
    return token if isinstance(token, str) else ""


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    """True for a request made by htmx for part of a page; not when htmx restores a page of
    its history (back, forward) it no longer has: that one needs the whole page."""
    headers = request.headers
    return headers.get("hx-request") == "true" and headers.get("hx-history-restore-request") != "true"


def common_context(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """What every page needs: language, CSRF token, the signed-in person and the navigation."""
    signed = request.scope.get("state", {}).get("signed")
    ctx = current_or_none()
    return {
        "audit_alert": audit_alert(request) if signed is not None else None,
        "lang": i18n.current_language(),
        "csrf_token": csrf_token(request),
        "signed": signed,
        "nav": layout(visible_items(ctx) if signed is not None and ctx is not None else []),
        "can": (lambda action: ctx is not None and can(ctx, Action(action))),
        "path": request.url.path,
    }


def audit_alert(request: Request[Any, Any, Any]) -> dict[str, Any] | None:
    """The tenant's standing audit-chain alert (sealing refused: the chain no longer extends
    its signed head), for the people who answer for the audit trail (``audit.view``)."""
    ctx = current_or_none()
    settings = getattr(request.app.state, "settings", None)
    if ctx is None or ctx.role is None or settings is None or not can(ctx, Action.AUDIT_VIEW):
        return None
    return heads.read_alert(settings, ctx.tenant_id)


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
    for key in ("errors", "error"):  # the services' English messages, in the person's language
        if key in full:
            full[key] = translate_errors(full[key])
    headers = {"Cache-Control": "no-store", "Vary": "HX-Request, HX-History-Restore-Request"}
    if block and is_htmx(request):
        return HTMXBlockTemplate(
            template_name=template, block_name=block, context=full, status_code=status_code, headers=headers
        )
    return Template(template, context=full, status_code=status_code, headers=headers)


#: The body of an HTML form post.
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def _message(
    request: Request[Any, Any, Any], message: str, status: int, field_errors: dict[str, str] | None = None
) -> Template:
    context = {
        "message": message,
        "request_id": request_ids.of(request),
        # Each field named in words (its code stays in data-field), its message translated.
        "field_errors": [
            (field, label(field, "field"), text)
            for field, text in translate_errors(field_errors or {}).items()
        ],
    }
    return render(request, "app_message.html", context, status_code=status)


def _forbidden(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    return _message(request, _("Your role does not allow this."), 403)


def _agreement(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    return render(request, "privacy/agreement.html", {"blocked": True}, status_code=403)


def _not_found(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    return _message(request, _("Not found."), 404)


def _invalid(request: Request[Any, Any, Any], exc: ValidationFailed) -> Response[Any]:
    return _message(request, _("Please check the input."), 422, exc.errors)


def _conflict(request: Request[Any, Any, Any], exc: Conflict) -> Response[Any]:
    return _message(request, "", 409, exc.errors)


#: HTML error pages for routers of signed-in staff: 403, 404, 422 naming the fields, 409.
STAFF_EXCEPTION_HANDLERS: dict[int | type[Exception], Any] = {
    Forbidden: _forbidden,
    #: A staff member who has not signed the confidentiality agreement: the page to sign it.
    AgreementNotSigned: _agreement,
    NotFound: _not_found,
    NotFoundException: _not_found,
    ValidationFailed: _invalid,
    Conflict: _conflict,
}
