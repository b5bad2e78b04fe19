"""JSON bodies of the API, checked before litestar reads them: ``application/json`` only
(415 otherwise), decoded *strictly* against the operation's body type (``"quantity": "1"`` is
no number; litestar itself converts leniently), 422 naming the field."""

from __future__ import annotations

import re

import msgspec
from litestar.exceptions import ClientException
from litestar.middleware import ASGIMiddleware
from litestar.routes import HTTPRoute
from litestar.types import ASGIApp, Receive, Scope, Send

from salonkeep.tenants.errors import ValidationFailed
from salonkeep.web.asgi_body import read_body
from salonkeep.web.input_guard import is_json, media_type

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_AT = re.compile(r"\s*- at `\$(?:\.([A-Za-z_][A-Za-z0-9_]*))?[^`]*`$")
_UNKNOWN = re.compile(r"(?:unknown|missing required) field `([^`]+)`")


def field_and_message(error: msgspec.ValidationError) -> tuple[str, str]:
    """The field a msgspec validation error is about (``body`` for the whole) and its message."""
    text = str(error)
    named = _UNKNOWN.search(text)
    at = _AT.search(text)
    field = named.group(1) if named else (at.group(1) if at and at.group(1) else "body")
    return field, _AT.sub("", text)


class JsonBodies(ASGIMiddleware):
    """Refuse API bodies that are not JSON or not strictly of the operation's body type."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Check the body of a POST/PUT/PATCH with a ``data`` parameter, then pass it on."""
        parameter = scope["route_handler"].parsed_fn_signature.parameters.get("data")
        if scope.get("method") not in _BODY_METHODS or parameter is None:
            return await next_app(scope, receive, send)
        if not is_json(media_type(scope)):
            raise ClientException("the body must be application/json", status_code=415)
        body, replay, _ = await read_body(receive)
        try:
            msgspec.json.decode(body, type=parameter.annotation, strict=True)
        except msgspec.ValidationError as error:
            field, message = field_and_message(error)
            raise ValidationFailed({field: message}) from None
        except msgspec.DecodeError:
            pass  # not JSON at all: litestar's own 422 names the body
        await next_app(scope, replay, send)


class AllowedMethods(ASGIMiddleware):
    """``OPTIONS`` answered with every method of the path. (Litestar builds its OPTIONS
    handler with the first route registered for a path, so a path whose GET and POST come from
    two handlers would list only one of them.)"""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Answer OPTIONS with the route's ``Allow``; pass everything else on."""
        if scope.get("method") != "OPTIONS":
            return await next_app(scope, receive, send)
        handler = scope["route_handler"]
        methods = set().union(
            *(
                route.methods
                for route in scope["litestar_app"].routes
                if isinstance(route, HTTPRoute) and handler in route.route_handlers
            )
        )
        allow = ", ".join(sorted(methods)).encode()
        await send({"type": "http.response.start", "status": 204, "headers": [(b"allow", allow)]})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
