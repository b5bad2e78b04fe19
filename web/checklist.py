"""The owner's getting-started page: the checklist of :mod:`salonkeep.core.checklist`, each step
done or to do, with a link to where it is done."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from salonkeep.core.checklist import checklist
from salonkeep.web.i18n import gettext as _
from salonkeep.web.pages import render


def steps() -> dict[str, tuple[str, str]]:
    """Step key → (label, the page where it is done)."""
    return {
        "branches": (_("Give every branch its address"), "/app/admin/branches"),
        "staff": (_("Invite your staff"), "/app/admin/staff/import"),
        "catalogue": (_("Add your services and products"), "/app/admin/catalogue"),
        "programmes": (_("Choose the aftercare programmes"), "/app/admin/programmes"),
        "privacy_policy": (_("Publish your privacy policy"), "/app/admin/privacy-policy"),
        "sender": (_("Set the sender of your reminders"), "/app/admin/reminders"),
        "clients": (_("Bring your clients over"), "/app/clients/import"),
    }


@get("/getting-started", include_in_schema=False)
async def getting_started(request: Request[Any, Any, Any]) -> Template:
    """Each onboarding step, done or to do."""
    found = await checklist()
    labels = steps()
    rows = [(step.key, *labels[step.key], step.done) for step in found]
    return render(request, "getting_started.html", {"steps": rows, "left": sum(not s.done for s in found)})


routes = [getting_started]
