"""Panels on the client profile. Later features (consent, audit, aftercare) register theirs.

A panel is a template fragment rendered inside the profile with the ``client`` and the
``history`` in its context; it shows only to roles that may perform its action. A panel that
needs more data names an async ``load(client_id)`` whose dict is added to the page context.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from salonkeep.core.access import Action, can
from salonkeep.tenants.context import TenantContext


@dataclass(frozen=True)
class ProfilePanel:
    """A fragment shown on the client profile."""

    key: str
    template: str
    action: Action | None = None
    order: int = 100
    load: Callable[[UUID], Awaitable[dict[str, Any]]] | None = None


_panels: dict[str, ProfilePanel] = {}


def register(panel: ProfilePanel) -> None:
    """Add (or replace) a profile panel."""
    _panels[panel.key] = panel


def visible_panels(ctx: TenantContext) -> list[ProfilePanel]:
    """The panels this role may see, in order."""
    return sorted(
        (p for p in _panels.values() if p.action is None or can(ctx, p.action)),
        key=lambda p: (p.order, p.key),
    )


register(ProfilePanel("history", "panels/history.html", Action.CLIENT_VIEW, order=10))
register(ProfilePanel("record", "panels/record.html", Action.SALE_RECORD, order=20))
