"""What a plugin adds to the staff screens: navigation entries and client-page sections
(re-exported by :mod:`salonkeep.core.plugins.api`, which also defines ``PrintablePage``).

Routes themselves are litestar route handlers the plugin writes (``salonkeep_web_routes``);
they are mounted under ``/app`` behind the staff sign-in. A handler that names a parameter
``render_page`` gets a :class:`PageRenderer`: it renders one of the plugin's templates (kept in
the plugin package, see ``salonkeep_template_dirs``) with what every staff page has (language,
CSRF token, navigation, ``can(action)``). Nothing here imports the web layer: the web provides
these at run time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable
from uuid import UUID

from salonkeep.core.access import Action


@runtime_checkable
class PageRenderer(Protocol):
    """Renders a template for the signed-in person (the ``render_page`` parameter of a
    plugin route handler). ``block``: only that block when htmx asked for it."""

    def __call__(
        self,
        template: str,
        context: Mapping[str, Any] | None = None,
        *,
        status_code: int = 200,
        block: str | None = None,
    ) -> Any:
        """The response to return from the route handler."""


@dataclass(frozen=True)
class NavEntry:
    """A link in the main navigation of the staff workspace.

    ``label`` is an English message id (translated from the plugin's catalogue, see
    ``salonkeep_translation_dirs``); ``href`` a path under ``/app`` that one of the plugin's
    routes serves; the link shows only to roles that may perform ``action`` (``None``:
    everyone signed in). ``order`` places it (the built-in entries use 10 to 90)."""

    key: str
    label: str
    href: str
    action: Action | None = None
    order: int = 100


ProfileLoad = Callable[[UUID], Awaitable[Mapping[str, Any] | None]]


@dataclass(frozen=True)
class ProfilePanel:
    """A section of the client page: a tab of its own, at ``/app/clients/<id>/s/<key>``
    (shown to everyone who may see the client).

    ``load(client_id)`` runs for the signed-in person when the section is opened (their tenant
    context is set; check their role and branch scope as a plugin service does) and returns
    the section's data, or ``None`` when there is nothing for this client (the section says
    so). ``template`` (from the plugin's templates) is included with ``data`` (what ``load``
    returned), ``client`` and the page's helpers (``can(action)``, ``csrf_input``). ``order``
    sorts the plugins' sections (they come after the built-in ones); ``label`` is the tab's
    English message id, translated from the plugin's catalogue (empty: the key in words)."""

    key: str
    template: str
    load: ProfileLoad
    order: int = 100
    label: str = ""
