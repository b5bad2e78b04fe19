"""The client page's aftercare section: touchpoints, call log, the programmes' panels,
preferred time, and the plugins' printable pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from salonkeep.core.access import Action, can
from salonkeep.core.aftercare import calls, referrals
from salonkeep.core.clients.service import ClientView, get_client
from salonkeep.core.plugins.manager import get_plugins
from salonkeep.core.staff import branch_time_zones, branches
from salonkeep.tenants.context import current
from salonkeep.web.pages import Form, render


async def load_panel(client_id: UUID, branch_id: UUID) -> dict[str, Any]:
    """What the aftercare profile panel shows (the profile adds it to its context): times in
    the zone of the client's branch ``branch_id``."""
    ctx = current()
    plugin_panels = await calls.client_panels(client_id)
    return {
        "touchpoints": await calls.client_touchpoints(client_id),
        "client_log": await calls.call_log(client_id) if can(ctx, Action.CALLS_WORK) else [],
        "plugin_panels": plugin_panels,
        "printable_labels": {name: page.label for name, page in get_plugins().printable_pages().items()},
        "preferred_time": await calls.preferred_time(client_id),
        "referrer": await referrals.referrer_view(client_id),
        "time_zone": branch_time_zones(await branches()).get(branch_id),
    }


async def section(request: Request[Any, Any, Any], client: ClientView) -> Mapping[str, Any]:
    """The profile's *Aftercare* section (for the client the profile shows)."""
    return await load_panel(client.id, client.branch_id)


@get("/clients/{client_id:uuid}/aftercare", include_in_schema=False)
async def aftercare_panel(request: Request[Any, Any, Any], client_id: UUID) -> Template:
    """The aftercare panel alone (a page of its own; htmx gets the panel): the client's name
    and the panel, and only the name is audited of the client record."""
    client = await get_client(client_id, fields=())
    context = {"client": client, **await load_panel(client.id, client.branch_id)}
    return render(request, "aftercare/panel.html", context, block="panel")


@post("/clients/{client_id:uuid}/preferred-time", include_in_schema=False)
async def set_preferred_time(client_id: UUID, data: Form) -> Response[Any]:
    """Note when the client prefers to be called."""
    await calls.set_preferred_time(client_id, data.get("preferred_time", ""))
    return Redirect(f"/app/clients/{client_id}/s/aftercare", status_code=303)


@post("/clients/{client_id:uuid}/referral", include_in_schema=False)
async def record_referral(client_id: UUID, data: Form) -> Response[Any]:
    """Record which member referred this client (a guest): by phone number or client number."""
    referrer_id = await referrals.find_referrer(data.get("referrer", ""))
    await referrals.record_referral(client_id, referrer_id)
    return Redirect(f"/app/clients/{client_id}/s/aftercare", status_code=303)


@get("/clients/{client_id:uuid}/aftercare/{name:str}", include_in_schema=False)
async def print_page(request: Request[Any, Any, Any], client_id: UUID, name: str) -> Template:
    """A plugin's printable page for the client (``salonkeep_printable_pages``), e.g. the
    post-operative instructions of the latest procedure."""
    page, context = await calls.printable_page(client_id, name)
    return render(request, page.template, dict(context))


routes = [aftercare_panel, set_preferred_time, record_referral, print_page]
