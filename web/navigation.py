"""The main navigation of the staff workspace.

Later features add their entries with :func:`register` (for example the aftercare call list
or the privacy screens); each entry shows only to roles that may perform its action.
"""

from __future__ import annotations

from dataclasses import dataclass

from salonkeep.core.access import Action, can
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
_from_plugins: set[str] = set()


def register(item: NavItem) -> None:
    """Add (or replace) a navigation entry."""
    _items[item.key] = item


def register_from_plugin(item: NavItem) -> bool:
    """Add an entry a plugin contributes (``salonkeep_navigation``), unless its key is a
    built-in entry's; returns whether it was added."""
    if item.key in _items and item.key not in _from_plugins:
        return False
    _from_plugins.add(item.key)
    _items[item.key] = item
    return True


def visible_items(ctx: TenantContext) -> list[NavItem]:
    """The entries the context's role may use, in order."""
    return sorted(
        (item for item in _items.values() if item.action is None or can(ctx, item.action)),
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
