"""The sections of the client profile: one tab each, each at its own address
(``/app/clients/ID/s/KEY``). Features (consent, audit, aftercare, complaints) register theirs;
plugins add theirs through ``salonkeep_profile_panels``.

A section is a template fragment rendered below the profile's header with the ``client`` in
its context; it shows only to roles that may perform its action. A section that needs more
data names an async ``load(request, client)`` whose dict is added to the context; it runs only
when the section is shown, so what it reads (and audits) is what the person sees.
``client_fields`` are the fields of the client record the section shows beyond the header's:
the client is read with those only, and the audit event names exactly them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from litestar import Request

from salonkeep.core.access import Action, can
from salonkeep.core.catalogue import service as catalogue
from salonkeep.core.clients.service import ClientView
from salonkeep.core.plugins.manager import get_plugins
from salonkeep.core.staff import branch_time_zones, branches
from salonkeep.core.visits import service as visits
from salonkeep.tenants.context import TenantContext, current
from salonkeep.web.catalogue_labels import category_choices

SectionLoad = Callable[[Request[Any, Any, Any], ClientView], Awaitable[Mapping[str, Any]]]

#: What the profile's header shows of every client, whatever the section.
HEADER_FIELDS = frozenset({"first_name", "last_name", "kind", "phone", "email", "date_of_birth"})
#: The section opened when the profile's address names none.
DEFAULT_SECTION = "details"


@dataclass(frozen=True)
class ProfilePanel:
    """A section of the client profile (a tab)."""

    key: str
    template: str
    action: Action | None = None
    order: float = 100
    load: SectionLoad | None = None
    client_fields: frozenset[str] = frozenset()
    #: The tab's English label (a plugin's, translated from its catalog); built-in sections
    #: take theirs from the labels registry (kind ``section``).
    label: str = ""


_panels: dict[str, ProfilePanel] = {}


def register(panel: ProfilePanel) -> None:
    """Add (or replace) a profile section."""
    _panels[panel.key] = panel


def _plugin_section(found: Any) -> ProfilePanel:
    """A plugin's section (``salonkeep_profile_panels``) as a profile section: its template
    gets ``data`` (``None``: nothing recorded for this client)."""

    async def load(request: Request[Any, Any, Any], client: ClientView) -> Mapping[str, Any]:
        return {"data": await found.load(client.id), "plugin_template": found.template}

    label = found.label or found.key.replace("-", " ").replace("_", " ").capitalize()
    return ProfilePanel(
        found.key,
        "panels/plugin_section.html",
        Action.CLIENT_VIEW,
        60 + found.order / 1000,
        load,
        label=label,
    )


def all_sections() -> list[ProfilePanel]:
    """Every section, the built-in ones and the plugins' (a plugin's key that a built-in one
    uses is ignored)."""
    plugins = [_plugin_section(p) for p in get_plugins().profile_panels() if p.key not in _panels]
    return [*_panels.values(), *plugins]


def visible_panels(ctx: TenantContext, client: ClientView | None = None) -> list[ProfilePanel]:
    """The sections this role may see, in order; with ``client``, only those that show
    something of it (a section of client fields the person may not read is left out)."""
    return sorted(
        (
            p
            for p in all_sections()
            if (p.action is None or can(ctx, p.action))
            and (client is None or not p.client_fields or p.client_fields - client.hidden)
        ),
        key=lambda p: (p.order, p.key),
    )


#: Needs and health information: the health data (audited as viewed only when this is shown).
register(
    ProfilePanel(
        DEFAULT_SECTION,
        "panels/details.html",
        Action.CLIENT_VIEW,
        order=5,
        client_fields=frozenset({"needs", "allergies", "health_notes"}),
    )
)


async def _history(request: Request[Any, Any, Any], client: ClientView) -> Mapping[str, Any]:
    """Visits and purchases (audited as the history viewed), with branch names and zones."""
    rows = await branches()
    return {
        "history": await visits.client_history(client.id),
        "branch_names": {b.id: b.name for b in rows},
        "branch_zones": branch_time_zones(rows),
    }


async def _record(request: Request[Any, Any, Any], client: ClientView) -> Mapping[str, Any]:
    """The forms to record a service or a sale: the categories and the branch's catalogue."""
    offered_in = current().branch_id or client.branch_id
    return {
        "service_categories": category_choices(await catalogue.categories("service")),
        "product_categories": category_choices(await catalogue.categories("product")),
        "catalogue_services": [o.item.name for o in await catalogue.services(offered_in)],
        "catalogue_products": [o.item.name for o in await catalogue.products(offered_in)],
    }


register(ProfilePanel("history", "panels/history.html", Action.CLIENT_VIEW, order=10, load=_history))
register(ProfilePanel("record", "panels/record.html", Action.SALE_RECORD, order=20, load=_record))
