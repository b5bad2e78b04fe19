"""The aftercare routes under /app, their navigation entries and the client-page panel."""

from __future__ import annotations

from salonkeep.core.access import Action
from salonkeep.web import navigation
from salonkeep.web.aftercare import calls, client, programmes
from salonkeep.web.workspace import panels


def _(message: str) -> str:
    """Mark ``message`` for extraction; the navigation translates it when rendered."""
    return message


routes = [*calls.routes, *client.routes, *programmes.routes]

navigation.register(
    navigation.NavItem("call_log", _("Call log"), "/app/calls/log", Action.CALLS_WORK, order=30)
)
navigation.register(
    navigation.NavItem(
        "programmes", _("Programmes"), "/app/admin/programmes", Action.PROGRAMMES_MANAGE, order=83
    )
)
panels.register(
    panels.ProfilePanel(
        "aftercare", "aftercare/section.html", Action.CLIENT_VIEW, order=35, load=client.section
    )
)
