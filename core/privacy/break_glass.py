"""Break-glass: opening a client's health fields outside one's normal scope.

A staff member whose scope does not show a client's health fields (the client belongs to
another branch, or their role does not see health information) may open them only by stating a
reason from :data:`REASONS` and a free-text explanation. The access lasts the tenant's
``break_glass_minutes`` (default 30), is audited as its own event kind (``break_glass``), shows
on the client's "who looked at my record" report, and raises an alert on the privacy officer's
board at once. Owners turn break-glass off per role (``break_glass_disabled_roles``).

While a grant is open, :func:`salonkeep.core.clients.service.get_client` (and so the web
profile, the JSON API and the CLI) shows the client with the health fields, and every such
view is audited with the reason ``break-glass``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from salonkeep.core import audit
from salonkeep.core.access import (
    CHAIN_WIDE_ROLES,
    HEALTH_FIELDS,
    Action,
    Forbidden,
    branch_scope,
    require,
    require_agreement,
)
from salonkeep.core.access import sees_health_data as role_sees_health
from salonkeep.core.clients.tables import client_row
from salonkeep.core.privacy import alerts
from salonkeep.core.privacy.tables import BreakGlassGrant
from salonkeep.core.tenant_config import change_settings
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import TenantContext, current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.messages import codes, field_message
from salonkeep.tenants.tables import ROLES
from salonkeep.tenants.tenant_settings import (
    TenantSettings,
    load_tenant_settings,
    validate_changes,
)

#: The audit event kind of a break-glass opening.
BREAK_GLASS_ACTION = "break_glass"
#: The reason written on every view made under an open grant.
VIEW_REASON = "break-glass"
#: Why one may break the glass (the free text says more).
REASONS = ("emergency", "client_present", "covering_colleague", "clinical_safety")
MAX_NOTE = 500
#: Roles that may ever need break-glass (the others see every client's health fields).
BREAK_GLASS_ROLES = tuple(role for role in ROLES if role not in CHAIN_WIDE_ROLES)


@dataclass(frozen=True)
class BreakGlassSettings:
    """The tenant's break-glass rules."""

    minutes: int
    disabled_roles: frozenset[str]

    def allows(self, role: str | None) -> bool:
        """True when ``role`` may break the glass."""
        return role is not None and role in BREAK_GLASS_ROLES and role not in self.disabled_roles


@dataclass(frozen=True)
class Grant:
    """An open (or past) break-glass access."""

    id: UUID
    client_id: UUID
    staff_id: UUID
    staff_label: str
    reason: str
    note: str
    opened_at: datetime
    expires_at: datetime


def _grant(row: BreakGlassGrant) -> Grant:
    return Grant(
        id=row.id,
        client_id=row.client_id,
        staff_id=row.staff_id,
        staff_label=row.staff_label,
        reason=row.reason,
        note=row.note,
        opened_at=row.opened_at,
        expires_at=row.expires_at,
    )


def settings_of(settings: TenantSettings) -> BreakGlassSettings:
    """The break-glass rules of a tenant's typed settings."""
    return BreakGlassSettings(
        minutes=settings.break_glass_minutes, disabled_roles=frozenset(settings.break_glass_disabled_roles)
    )


async def break_glass_settings() -> BreakGlassSettings:
    """The current tenant's break-glass rules."""
    return settings_of(await load_tenant_settings(current().tenant_id))


async def update_break_glass_settings(minutes: str | int, disabled_roles: Collection[str]) -> None:
    """Change how long a break-glass access lasts (1 to 240 minutes) and which roles may not
    break the glass at all (owner only); checked by the typed tenant settings, all or nothing."""
    ctx = current()
    require(ctx, Action.SETTINGS_MANAGE)
    unknown = set(disabled_roles) - set(BREAK_GLASS_ROLES)
    errors: dict[str, str] = {}
    if unknown:
        errors["break_glass_disabled_roles"] = field_message(
            "choose among {choices}", choices=codes(BREAK_GLASS_ROLES, "role")
        )
    try:
        validate_changes({"break_glass_minutes": minutes})
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    await change_settings(
        {"break_glass_minutes": minutes, "break_glass_disabled_roles": sorted(set(disabled_roles))}, ctx
    )


async def open_break_glass(client_id: UUID, reason: str, note: str) -> Grant:
    """Open the health fields of a client outside the acting person's normal scope.

    Refused (:class:`Forbidden`) for system contexts, for roles the owner turned break-glass
    off for, and (:class:`ValidationFailed`) without a listed reason and a free-text note, or
    when the person already sees the client's health fields. An unknown client is
    ``NotFound``. The grant, its audit event and the privacy officer's alert commit together.
    """
    ctx = current()
    require(ctx, Action.CLIENT_VIEW)
    if ctx.actor_id is None or ctx.role is None:
        raise Forbidden("break-glass is for signed-in staff")
    require_agreement(ctx)
    settings = await load_tenant_settings(ctx.tenant_id)
    rules = settings_of(settings)
    if not rules.allows(ctx.role):
        raise Forbidden(f"break-glass is turned off for the role {ctx.role!r}")
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    note = (note or "").strip()
    if reason not in REASONS:
        errors["reason"] = field_message(
            "choose one of {choices}", choices=codes(REASONS, "break_glass_reason")
        )
    if not note:
        errors["note"] = "say why you need this client's health information"
    elif len(note) > MAX_NOTE:
        errors["note"] = field_message("must be at most {limit} characters", limit=MAX_NOTE)
    if errors:
        raise ValidationFailed(errors)
    async with unit_of_work(ctx):
        client = await client_row(client_id)
        if branch_scope(ctx, settings).allows(client.branch_id) and role_sees_health(ctx):
            raise ValidationFailed({"client_id": "you already see this client's health information"})
        now = clock.now()
        row = scoped.new(
            BreakGlassGrant,
            id=uuid4(),
            client_id=client.id,
            staff_id=ctx.actor_id,
            staff_label=ctx.actor_label[:200],
            role=ctx.role,
            reason=reason,
            note=note,
            opened_at=now,
            expires_at=now + timedelta(minutes=rules.minutes),
        )
        await scoped.insert(row)
        await audit.record(
            BREAK_GLASS_ACTION,
            client_id=client.id,
            fields=HEALTH_FIELDS,
            # The listed reason only: the free text may name people, and the audit trail
            # outlives an erasure. The note stays on the grant (blanked on erasure).
            reason=f"{reason} (grant {row.id})",
            ctx=ctx,
        )
        await alerts.raise_alert(
            alerts.AlertKind.BREAK_GLASS,
            dedupe_key=f"break_glass:{row.id}",
            staff_id=ctx.actor_id,
            staff_label=ctx.actor_label,
            client_id=client.id,
            summary=f"{reason}: {note}",
            evidence=await alerts.audit_ids(
                BREAK_GLASS_ACTION, client_id=client.id, actor_id=ctx.actor_id, since=now
            ),
        )
    return _grant(row)


async def active_grant(ctx: TenantContext, client_id: UUID) -> Grant | None:
    """The open break-glass grant of the acting person for ``client_id`` (inside a unit of
    work), or ``None``. Expired grants give nothing: access ends on time."""
    if ctx.actor_id is None:
        return None
    rows = await scoped.fetch(
        BreakGlassGrant,
        "client_id = {} and staff_id = {} and expires_at > {}",
        client_id,
        ctx.actor_id,
        clock.now(),
        order_by="expires_at desc",
    )
    return _grant(rows[0]) if rows else None


async def current_grant(client_id: UUID) -> Grant | None:
    """The acting person's open grant for ``client_id`` (the profile shows until when)."""
    ctx = current()
    async with unit_of_work(ctx):
        return await active_grant(ctx, client_id)


async def grants_of(client_id: UUID) -> list[Grant]:
    """Every break-glass grant on one client, newest first (privacy officer and owner)."""
    ctx = current()
    require(ctx, Action.AUDIT_VIEW)
    async with unit_of_work(ctx):
        rows = await scoped.objects(BreakGlassGrant).where(BreakGlassGrant.client_id == client_id)
    return sorted((_grant(r) for r in rows), key=lambda g: g.opened_at, reverse=True)
