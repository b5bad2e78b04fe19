"""The privacy officer's alerts (/app/privacy/alerts): break-glass openings and unusual access,
each with its evidence (the audit rows), acknowledged with a note. The rules and the data live
in :mod:`salonkeep.core.privacy.alerts` and :mod:`salonkeep.core.privacy.unusual`."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from salonkeep.core.access import Action, require
from salonkeep.core.privacy import alerts
from salonkeep.core.staff import branches
from salonkeep.tenants.context import current
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.web.i18n import gettext as _
from salonkeep.web.pages import Form, render


def kind_labels() -> dict[str, str]:
    """What raised an alert, in the person's language."""
    return {
        alerts.AlertKind.BREAK_GLASS.value: _("Break-glass access"),
        alerts.AlertKind.VIEW_VOLUME.value: _("Far more client views than usual"),
        alerts.AlertKind.OFF_HOURS_BULK.value: _("Exports or bulk views outside working hours"),
        alerts.AlertKind.REPEATED_BREAK_GLASS.value: _("Repeated break-glass"),
        alerts.AlertKind.FAILED_SIGN_INS.value: _("Many failed sign-ins for one account"),
        alerts.AlertKind.BREACH_DEADLINE.value: _("Breach notification deadline near"),
        alerts.AlertKind.COMPLAINT_DATA_HANDLING.value: _("Urgent: complaint about data handling"),
    }


@get("/privacy/alerts", include_in_schema=False)
async def alerts_board(request: Request[Any, Any, Any]) -> Template:
    """Open alerts, newest first, and the latest acknowledged ones."""
    require(current(), Action.PRIVACY_REQUESTS)
    every = await alerts.list_alerts(open_only=False, limit=100)
    return render(
        request,
        "privacy/alerts.html",
        {
            "open": [a for a in every if a.acknowledged_at is None],
            "done": [a for a in every if a.acknowledged_at is not None][:20],
            "kinds": kind_labels(),
        },
    )


async def _alert_page(
    request: Request[Any, Any, Any],
    alert_id: UUID,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    alert, evidence = await alerts.get_alert(alert_id)
    return render(
        request,
        "privacy/alert.html",
        {
            "alert": alert,
            "entries": evidence,
            "kinds": kind_labels(),
            "branch_names": {b.id: b.name for b in await branches()},
            "errors": errors or {},
        },
        status_code=status,
    )


@get("/privacy/alerts/{alert_id:uuid}", include_in_schema=False)
async def alert_detail(request: Request[Any, Any, Any], alert_id: UUID) -> Template:
    """One alert with its evidence and the acknowledgement form."""
    require(current(), Action.PRIVACY_REQUESTS)
    return await _alert_page(request, alert_id)


@post("/privacy/alerts/{alert_id:uuid}/acknowledge", include_in_schema=False)
async def acknowledge(request: Request[Any, Any, Any], alert_id: UUID, data: Form) -> Response[Any]:
    """Acknowledge an alert with a note (required)."""
    require(current(), Action.PRIVACY_REQUESTS)
    try:
        await alerts.acknowledge(alert_id, data.get("note", ""))
    except ValidationFailed:
        return await _alert_page(
            request, alert_id, errors={"note": _("say what you found or did")}, status=422
        )
    return Redirect("/app/privacy/alerts", status_code=303)


routes = [alerts_board, alert_detail, acknowledge]
