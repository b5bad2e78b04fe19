"""The main navigation of the staff workspace.

Later features add their entries with :func:`register` (for example the aftercare call list
or the privacy screens), plugins through ``salonkeep_navigation``; each entry shows only to
roles that may perform its action.
"""

from __future__ import annotations

from dataclasses import dataclass

from salonkeep.core.access import Action, can
from salonkeep.core.plugins.manager import get_plugins
from salonkeep.tenants.context import TenantContext
from salonkeep.web.i18n import gettext


def _(message: str) -> str:
    """Mark ``message`` for extraction; it is translated when the navigation is rendered."""
    return message


@dataclass(frozen=True)
class NavItem:
    """One link of the main navigation."""

    key: str
    label: str  # an English message id, translated when rendered
    href: str
    action: Action | None = None
    order: int = 100

    @property
    def text(self) -> str:
        """The label in the request's language."""
        return gettext(self.label)


_items: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    """Add (or replace) a navigation entry."""
    _items[item.key] = item


def plugin_items() -> list[NavItem]:
    """The entries plugins contribute (``salonkeep_navigation``), except any that reuses the
    key of a built-in entry."""
    return [
        NavItem(entry.key, entry.label, entry.href, entry.action, entry.order)
        for entry in get_plugins().navigation()
        if entry.key not in _items
    ]


def visible_items(ctx: TenantContext) -> list[NavItem]:
    """The entries the context's role may use, in order: the built-in ones and the plugins'."""
    return sorted(
        (
            item
            for item in [*_items.values(), *plugin_items()]
            if item.action is None or can(ctx, item.action)
        ),
        key=lambda item: (item.order, item.key),
    )


register(NavItem("dashboard", _("Today"), "/app", order=10))
register(NavItem("clients", _("Clients"), "/app/clients", Action.CLIENT_VIEW, order=20))
register(NavItem("calendar", _("Calendar"), "/app/calendar", Action.SALE_RECORD, order=25))
register(
    NavItem("getting_started", _("Getting started"), "/app/getting-started", Action.SETTINGS_MANAGE, order=78)
)
register(
    NavItem("client_import", _("Import clients"), "/app/clients/import", Action.CLIENTS_IMPORT, order=79)
)
register(NavItem("staff", _("Staff"), "/app/admin/staff", Action.STAFF_MANAGE, order=80))
register(NavItem("branches", _("Branches"), "/app/admin/branches", Action.BRANCH_MANAGE, order=81))
register(NavItem("catalogue", _("Catalogue"), "/app/admin/catalogue", Action.CATALOGUE_MANAGE, order=83))
register(NavItem("settings", _("Settings"), "/app/admin/settings", Action.SETTINGS_MANAGE, order=82))
register(NavItem("account", _("My account"), "/app/account", order=90))
