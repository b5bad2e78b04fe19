"""Break-glass on the client profile (/app/clients/{id}/break-glass): the form asking for a
reason and a note, and the post that opens the client's health fields for the tenant's time
limit. The rules live in :mod:`salonkeep.core.privacy.break_glass`; this is only the form."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from salonkeep.core.access import Action, require
from salonkeep.core.privacy import break_glass
from salonkeep.tenants.context import current
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.web.i18n import gettext as _
from salonkeep.web.labels import code_labels
from salonkeep.web.pages import Form, render


def reason_labels() -> dict[str, str]:
    """The listed reasons, in the person's language."""
    return code_labels("break_glass_reason")


async def _form(
    request: Request[Any, Any, Any],
    client_id: UUID,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    rules = await break_glass.break_glass_settings()
    return render(
        request,
        "privacy/break_glass.html",
        {
            "client_id": client_id,
            "reasons": reason_labels(),
            "minutes": rules.minutes,
            "allowed": rules.allows(current().role),
            "errors": errors or {},
            "values": values or {},
        },
        status_code=status,
    )


@get("/clients/{client_id:uuid}/break-glass", include_in_schema=False)
async def break_glass_form(request: Request[Any, Any, Any], client_id: UUID) -> Template:
    """Ask for the reason (shown for any id: it tells nothing about whether the client exists)."""
    require(current(), Action.CLIENT_VIEW)
    return await _form(request, client_id)


@post("/clients/{client_id:uuid}/break-glass", include_in_schema=False)
async def open_break_glass(request: Request[Any, Any, Any], client_id: UUID, data: Form) -> Response[Any]:
    """Open the health fields (audited, the privacy officer alerted) and go to the profile."""
    require(current(), Action.CLIENT_VIEW)
    try:
        await break_glass.open_break_glass(client_id, data.get("reason", ""), data.get("note", ""))
    except ValidationFailed as exc:
        errors = {**exc.errors}
        if "reason" in errors:
            errors["reason"] = _("choose a reason from the list")
        if "note" in errors:
            errors["note"] = _("say why you need this client's health information")
        if "client_id" in errors:
            errors["client_id"] = _("you already see this client's health information")
        return await _form(request, client_id, errors=errors, values=data, status=422)
    return Redirect(f"/app/clients/{client_id}", status_code=303)


routes = [break_glass_form, open_break_glass]
