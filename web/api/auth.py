"""API key authentication: ``Authorization: Bearer sk_…`` → the key's tenant context.

The middleware wraps every ``/api/v1`` route, so each handler runs inside
``tenant_scope(...)`` for the key's tenant and role; no key, a bad key or a revoked one → 401.
"""

from __future__ import annotations

import dataclasses

from litestar.exceptions import NotAuthorizedException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from salonkeep.core.apikeys.service import ParsedKey, authenticate, parse_key
from salonkeep.tenants.context import tenant_scope
from salonkeep.web.read_requests import READ_METHODS, serve_in_one_transaction, serve_read_only


def _bearer(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer":
                return token.strip()
    return ""


class ApiKeyMiddleware(ASGIMiddleware):
    """Authenticate the API key and run the request in its tenant context."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Refuse requests without a valid key; run the others in the key's tenant scope.

        A read-only request runs in one read request (the key check, the reads and their
        audit rows in one transaction, each row read once); a write request in one
        transaction too (the key check, the services' reads and writes). Either response
        leaves after the commit."""
        token = _bearer(scope)
        key = parse_key(token) if token else None  # parsed once, checked in _run
        if key is None:
            return await self._run(scope, receive, send, next_app, None)
        serve = serve_read_only if scope.get("method") in READ_METHODS else serve_in_one_transaction
        return await serve(key.tenant_id, lambda held: self._run(scope, receive, held, next_app, key), send)

    async def _run(
        self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp, key: ParsedKey | None
    ) -> None:
        ctx = await authenticate(key) if key is not None else None
        if ctx is None:
            raise NotAuthorizedException(
                "a valid API key is required (Authorization: Bearer sk_…)",
                headers={"WWW-Authenticate": "Bearer"},
            )
        client = scope.get("client")
        if client:
            ctx = dataclasses.replace(ctx, ip=client[0])
        with tenant_scope(ctx):
            await next_app(scope, receive, send)
