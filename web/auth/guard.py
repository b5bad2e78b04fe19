"""The guard of every /app route: a valid session, an active staff member, the screen lock.

It loads the session from Redis, the staff member (active, current session version, branches)
and the tenant, enforces the idle screen lock and a mandatory second factor, then runs the
handler inside ``tenant_scope`` with the staff member's role and branches, in their language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import Request
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Message,
    Receive,
    Scope,
    Send,
)

from salonkeep.core.formatting import display_scope
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.errors import NotFound
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.signin import StaffSession, idle_lock_seconds, load_session, totp_required
from salonkeep.tenants.tables import Tenant
from salonkeep.tenants.tenant_settings import settings_of
from salonkeep.web import i18n
from salonkeep.web.auth.return_path import HOME, request_target, safe_return_path
from salonkeep.web.auth.sessions import COOKIE, STAGE_FULL, SessionData, SessionStore
from salonkeep.web.read_requests import READ_METHODS, serve_read_only

#: Route ``opt`` keys: allowed while the screen is locked / while a required second factor is missing.
LOCK_OK = "lock_ok"
SETUP_OK = "setup_ok"
#: Requests within this many seconds of the last recorded activity do not write the session.
_TOUCH_AFTER_SECONDS = 1.0


@dataclass
class Signed:
    """The signed-in staff member of a request."""

    token: str
    session: SessionData
    staff: StaffSession
    tenant: Tenant
    idle_seconds: int

    @property
    def needs_totp_setup(self) -> bool:
        """True when the tenant obliges this person to use a second factor they lack."""
        return totp_required(self.tenant, self.staff.role) and not self.staff.has_totp


def signed(request: Request[Any, Any, Any]) -> Signed:
    """The signed-in staff member (set by :class:`StaffGuard`)."""
    value = request.scope.get("state", {}).get("signed")
    if not isinstance(value, Signed):  # pragma: no cover - the guard always sets it
        raise RuntimeError("route is not behind the staff guard")
    return value


def store_of(scope: Scope | Request[Any, Any, Any]) -> SessionStore:
    """The session store of the application."""
    app = scope.app if isinstance(scope, Request) else scope["litestar_app"]
    return SessionStore(app.state.redis)


async def _redirect(send: Send, location: str, htmx: bool) -> None:
    target = (b"hx-redirect" if htmx else b"location", location.encode())
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": 200 if htmx else 303,
        "headers": [(b"cache-control", b"no-store"), target],
    }
    await send(start)
    body: HTTPResponseBodyEvent = {"type": "http.response.body", "body": b"", "more_body": False}
    await send(body)


def _no_store(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [h for h in message.get("headers", []) if h[0].lower() != b"cache-control"]
            message = {**message, "headers": [*headers, (b"cache-control", b"no-store")]}
        await send(message)

    return wrapped


def _uuid_or_none(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


def _lock_screen(scope: Scope, htmx: bool) -> str:
    """The lock screen, with the page to come back to (a page the person opened, not an htmx
    fragment or a form post)."""
    if htmx or scope.get("method") != "GET":
        return "/app/lock"
    query = scope.get("query_string", b"").decode("latin-1")
    back = safe_return_path(request_target(str(scope.get("path", "")), query))
    return "/app/lock" if back == HOME else f"/app/lock?{urlencode({'next': back})}"


class StaffGuard(ASGIMiddleware):
    """Admit only signed-in, active, unlocked staff; set their tenant context and language."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Check the session, then run the route in the staff member's tenant scope."""
        request: Request[Any, Any, Any] = Request(scope)
        htmx = request.headers.get("hx-request") == "true"
        store = store_of(request)
        token = request.cookies.get(COOKIE, "")
        data = await store.load(token)
        if data is None or data.stage != STAGE_FULL:
            return await _redirect(send, "/login", htmx)
        tenant_id = _uuid_or_none(data.tenant_id)
        if scope.get("method") in READ_METHODS and tenant_id is not None:
            # One unit of work: the staff check, the services' reads and their audit rows share
            # one transaction; the page leaves after the commit.
            return await serve_read_only(
                tenant_id,
                lambda held: self._admit(request, scope, receive, held, next_app, token, data),
                send,
            )
        return await self._admit(request, scope, receive, send, next_app, token, data)

    async def _admit(
        self,
        request: Request[Any, Any, Any],
        scope: Scope,
        receive: Receive,
        send: Send,
        next_app: ASGIApp,
        token: str,
        data: SessionData,
    ) -> None:
        htmx = request.headers.get("hx-request") == "true"
        store = store_of(request)
        try:
            staff = await load_session(UUID(data.tenant_id), UUID(data.staff_id))
            tenant = await get_tenant(staff.tenant_id)
        except (NotFound, ValueError):
            staff = None
        if staff is None or staff.session_version != data.version or tenant.status != "active":
            await store.delete(token)
            return await _redirect(send, "/login?ended=1", htmx)
        opt = scope["route_handler"].opt
        idle = idle_lock_seconds(tenant)
        if not data.locked and data.idle_for() > idle:
            data.locked = True
        if data.locked:
            await store.save(token, data)
            if not opt.get(LOCK_OK):
                return await _redirect(send, _lock_screen(scope, htmx), htmx)
        elif data.idle_for() > min(_TOUCH_AFTER_SECONDS, idle / 10):
            # Activity restarts the idle clock. A busy page makes many requests a second; the
            # session is written at most once a second for them (the lock may come up to a
            # second early, never late).
            data.touch()
            await store.save(token, data)
        current = Signed(token=token, session=data, staff=staff, tenant=tenant, idle_seconds=idle)
        if current.needs_totp_setup and not data.locked and not opt.get(SETUP_OK):
            return await _redirect(send, "/app/account/totp", htmx)
        scope.setdefault("state", {})["signed"] = current
        ctx = TenantContext(
            tenant_id=staff.tenant_id,
            branch_id=next(iter(staff.branch_ids)) if len(staff.branch_ids) == 1 else None,
            actor_id=staff.staff_id,
            role=staff.role,
            actor_label=f"staff {staff.email}",
            ip=request.client.host if request.client else None,
            branch_ids=staff.branch_ids,
            confidentiality_signed=staff.agreement_version == settings_of(tenant).confidentiality_version,
        )
        language = i18n.choose(staff.locale, request.cookies.get(i18n.LANGUAGE_COOKIE), tenant.default_locale)
        with tenant_scope(ctx), i18n.language_scope(language), display_scope(tenant.time_zone, language):
            await next_app(scope, receive, _no_store(send))
