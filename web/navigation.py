"""The main navigation of the staff workspace.

Later features add their entries with :func:`register` (for example the aftercare call list
or the privacy screens), plugins through ``salonkeep_navigation``; each entry shows only to
roles that may perform its action.
"""

from __future__ import annotations

from collections.abc import Iterator
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
    #: ``primary`` (the row of daily screens), ``manage`` (the menu of admin and privacy
    #: screens) or ``personal`` (the signed-in person's menu); None: chosen from ``order``.
    group: str | None = None

    @property
    def text(self) -> str:
        """The label in the request's language."""
        return gettext(self.label)

    @property
    def place(self) -> str:
        """Where the entry shows: daily screens (order below 60) in the row, admin and
        privacy screens (60 to 89, or under ``/app/admin``) in the menu, the rest (from 90)
        in the person's menu."""
        if self.group is not None:
            return self.group
        if self.order >= PERSONAL_FROM:
            return PERSONAL
        if self.order >= MANAGE_FROM or self.href.startswith("/app/admin"):
            return MANAGE
        return PRIMARY


PRIMARY, MANAGE, PERSONAL = "primary", "manage", "personal"
MANAGE_FROM, PERSONAL_FROM = 60, 90
#: A "Manage" menu of fewer entries than this is not worth a click: they join the row.
MENU_FROM = 3

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


@dataclass(frozen=True)
class NavLayout:
    """The entries of one person's navigation, placed: the row, the menu, the person's menu."""

    primary: list[NavItem]
    manage: list[NavItem]
    personal: list[NavItem]

    def __iter__(self) -> Iterator[NavItem]:
        return iter([*self.primary, *self.manage, *self.personal])

    def __bool__(self) -> bool:
        return bool(self.primary or self.manage or self.personal)


def layout(items: list[NavItem]) -> NavLayout:
    """Place ``items`` so that the row fits a tablet: a short menu joins the row."""
    placed: dict[str, list[NavItem]] = {PRIMARY: [], MANAGE: [], PERSONAL: []}
    for item in items:
        placed.get(item.place, placed[MANAGE]).append(item)
    if len(placed[MANAGE]) < MENU_FROM:
        placed[PRIMARY] += placed[MANAGE]
        placed[MANAGE] = []
    return NavLayout(placed[PRIMARY], placed[MANAGE], placed[PERSONAL])


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
