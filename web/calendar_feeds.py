"""Calendar feeds: the public ``.ics`` address a calendar app subscribes to (the secret token
is the only key), and the staff page ``/app/calendar-feed`` where a person makes or revokes
their feed and an owner revokes anyone's."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.response import Template

from salonkeep.core.appointments import feeds
from salonkeep.tenants.errors import NotFound
from salonkeep.tenants.onboarding import find_tenant
from salonkeep.tenants.settings import load_settings
from salonkeep.web.auth.guard import signed
from salonkeep.web.i18n import gettext as _
from salonkeep.web.pages import render


@get("/t/{slug:str}/calendar-feed/{name:str}", include_in_schema=False)
async def calendar_feed(slug: str, name: str) -> Response[bytes]:
    """The iCalendar feed a secret token opens (404 for an unknown or revoked one)."""
    if not name.endswith(".ics"):
        raise NotFound("no such calendar feed")
    tenant = await find_tenant(slug)
    body = await feeds.feed_calendar(tenant.id, name.removesuffix(".ics"))
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


def _url(request: Request[Any, Any, Any], token: str) -> str:
    base = load_settings().base_url.rstrip("/") or str(request.base_url).rstrip("/")
    return base + feeds.feed_path(signed(request).tenant.slug, token)


async def _page(request: Request[Any, Any, Any], **extra: Any) -> Template:
    me = signed(request).staff.staff_id
    active = await feeds.active_feeds()
    context = {
        "own": [f for f in active if f.staff_id == me],
        "others": [f for f in active if f.staff_id != me],
        "url": "",
        "notice": "",
        **extra,
    }
    return render(request, "calendar_feed.html", context)


@get("/calendar-feed", include_in_schema=False)
async def feed_page(request: Request[Any, Any, Any]) -> Template:
    """The person's calendar feed (and, for an owner, everyone's active feeds)."""
    return await _page(request)


@post("/calendar-feed", include_in_schema=False)
async def feed_create(request: Request[Any, Any, Any]) -> Template:
    """Make a new feed address (the old one stops working); the address is shown once."""
    token = await feeds.create_feed()
    return await _page(request, url=_url(request, token), notice=_("Your new calendar address is ready."))


@post("/calendar-feed/{feed_id:uuid}/revoke", include_in_schema=False)
async def feed_revoke(request: Request[Any, Any, Any], feed_id: UUID) -> Template:
    """Revoke a feed: it answers "not found" from now on."""
    await feeds.revoke_feed(feed_id)
    return await _page(request, notice=_("The calendar address is revoked."))


public_routes = [calendar_feed]
routes = [feed_page, feed_create, feed_revoke]
