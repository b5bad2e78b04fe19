"""The outermost layer of the web app, in front of routing, for every HTTP request.

1. A request id (:mod:`salonkeep.web.request_ids`), bound to the log lines of the request and
   sent back as ``X-Request-ID``.
2. The security headers (:mod:`salonkeep.web.security_headers`) on every response, error
   pages and 404s included; ``Cache-Control: no-store`` on every API response and on every
   other response that does not set its own caching, static files excepted.
3. Input that no route can use is refused here (:mod:`salonkeep.web.input_guard`): 400 (or
   413/415/422) naming the field, JSON under ``/api/``, a page elsewhere. Nothing is written.
"""

from __future__ import annotations

import json
from typing import Any

import structlog
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from salonkeep.tenants.settings import Settings
from salonkeep.web import input_guard, logs, request_ids, security_headers
from salonkeep.web.asgi_body import read_body
from salonkeep.web.i18n import gettext as _

API_PREFIX = "/api/"
_log = logs.logger("edge")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_REPLACED = frozenset({b"cache-control", b"x-request-id", *security_headers.EDGE_OWNED})


def is_api(scope: Any) -> bool:
    """True for requests of the JSON API."""
    return str(scope.get("path", "")).startswith(API_PREFIX)


class Edge:
    """ASGI wrapper of the litestar app: request id, security headers, input checks."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.headers = security_headers.for_settings(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request (lifespan and websocket scopes pass straight through)."""
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request_id = request_ids.choose(list(scope.get("headers", [])))
        request_ids.remember(scope, request_id)
        send = self._decorate(scope, send, request_id)
        with structlog.contextvars.bound_contextvars(request_id=request_id):
            refusal = input_guard.check_url(scope)
            if refusal is None and scope.get("method") in _BODY_METHODS:
                limit = input_guard.body_limit(scope)
                body, receive, too_big = await read_body(receive, limit)
                refusal = (
                    input_guard.Refusal(413, "body", f"is larger than {limit} bytes")
                    if too_big
                    else input_guard.check_body(scope, body)
                )
            if refusal is not None:
                return await _refuse(scope, send, refusal, request_id)
            try:
                await self.app(scope, receive, send)
            except Exception:
                # Litestar turns errors of the routes into 500 pages (salonkeep.web.server_error);
                # one escaping even that is logged here, with the request id, before the server
                # answers 500 itself.
                _log.exception("unhandled error outside the routes", path=scope.get("path", ""))
                raise

    def _decorate(self, scope: Scope, send: Send, request_id: str) -> Send:
        api = is_api(scope)
        static = str(scope.get("path", "")).startswith("/static/")

        async def decorated(message: Message) -> None:
            if message["type"] == "http.response.start":
                given = list(message.get("headers", []))
                names = {name.lower() for name, _ in given}
                keep_cache = b"cache-control" in names and not api
                headers = [
                    (name, value)
                    for name, value in given
                    if name.lower() not in _REPLACED or (keep_cache and name.lower() == b"cache-control")
                ]
                # A response may bring its own content security policy (a self-contained
                # document); every other security header is the edge's.
                own_policy = b"content-security-policy" in names
                headers.extend(
                    h for h in self.headers if not (own_policy and h[0] == b"content-security-policy")
                )
                headers.append((b"x-request-id", request_id.encode()))
                if not keep_cache and not static:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        return decorated


async def _refuse(scope: Scope, send: Send, refusal: input_guard.Refusal, request_id: str) -> None:
    """Answer a refused request: JSON for the API, a short page otherwise."""
    if is_api(scope):
        content_type = b"application/json"
        payload = json.dumps(
            {"detail": "Invalid input", "errors": {refusal.field: refusal.message}, "request_id": request_id}
        ).encode()
    else:
        content_type = b"text/html; charset=utf-8"
        payload = _page(scope, f"{refusal.field}: {refusal.message}", request_id).encode()
    await send(
        {
            "type": "http.response.start",
            "status": refusal.status,
            "headers": [(b"content-type", content_type), (b"content-length", str(len(payload)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": payload, "more_body": False})


def _page(scope: Scope, details: str, request_id: str) -> str:
    app = scope.get("litestar_app")
    message = _("Please check the input.") + " " + details
    if app is None or app.template_engine is None:  # pragma: no cover - always inside the app
        return message
    template = app.template_engine.get_template("message.html")
    return str(template.render(message=message, request_id=request_id))
