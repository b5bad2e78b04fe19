"""Roles on a need-to-know basis: what each role may do and which client fields it sees.

Enforced in the core services (not only in templates), so the web UI, the JSON API and the
CLI all get the same answer. The tables here are the single source of truth; the tests walk
them for every role.
"""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from salonkeep.tenants.context import TenantContext
from salonkeep.tenants.errors import SalonkeepError


class Forbidden(SalonkeepError):
    """The acting role may not do this."""


class Action(StrEnum):
    """Things staff do. Check with :func:`can` or :func:`require`."""

    CLIENT_VIEW = "client.view"
    CLIENT_CREATE = "client.create"
    CLIENT_EDIT = "client.edit"
    CLIENT_EDIT_HEALTH = "client.edit_health"
    SALE_RECORD = "sale.record"
    CALLS_WORK = "calls.work"
    STAFF_MANAGE = "staff.manage"
    BRANCH_MANAGE = "branch.manage"
    SETTINGS_MANAGE = "settings.manage"
    AUDIT_VIEW = "audit.view"
    PRIVACY_REQUESTS = "privacy.requests"
    PROGRAMMES_MANAGE = "programmes.manage"
    REPORTS_VIEW = "reports.view"
    API_KEYS_MANAGE = "api_keys.manage"


CONTACT_FIELDS = frozenset(
    {"first_name", "last_name", "date_of_birth", "phone", "email", "kind", "branch_id", "preferred_locale"}
)
NEEDS_FIELDS = frozenset({"needs"})
HEALTH_FIELDS = frozenset({"allergies", "health_notes"})
#: Free-text notes about treatments (medical aesthetics): clinical staff only.
TREATMENT_FIELDS = frozenset({"treatment_notes"})
#: National ID numbers: only the roles that register or answer for clients.
IDENTITY_FIELDS = frozenset({"id_number"})
#: Fields encrypted at rest (never in clear text in the database, never searched).
SENSITIVE_FIELDS = HEALTH_FIELDS | TREATMENT_FIELDS | IDENTITY_FIELDS
ALL_CLIENT_FIELDS = CONTACT_FIELDS | NEEDS_FIELDS | SENSITIVE_FIELDS

_EVERY_ACTION = frozenset(Action)
ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    "owner": _EVERY_ACTION,
    "branch_manager": frozenset(
        {
            Action.CLIENT_VIEW,
            Action.CLIENT_CREATE,
            Action.CLIENT_EDIT,
            Action.SALE_RECORD,
            Action.CALLS_WORK,
            Action.STAFF_MANAGE,
            Action.REPORTS_VIEW,
        }
    ),
    "practitioner": frozenset(
        {
            Action.CLIENT_VIEW,
            Action.CLIENT_CREATE,
            Action.CLIENT_EDIT,
            Action.CLIENT_EDIT_HEALTH,
            Action.SALE_RECORD,
            Action.CALLS_WORK,
        }
    ),
    "reception": frozenset(
        {Action.CLIENT_VIEW, Action.CLIENT_CREATE, Action.CLIENT_EDIT, Action.SALE_RECORD, Action.CALLS_WORK}
    ),
    "privacy_officer": frozenset({Action.CLIENT_VIEW, Action.AUDIT_VIEW, Action.PRIVACY_REQUESTS}),
}
ROLE_CLIENT_FIELDS: dict[str, frozenset[str]] = {
    "owner": ALL_CLIENT_FIELDS,
    "privacy_officer": ALL_CLIENT_FIELDS,
    "practitioner": CONTACT_FIELDS | NEEDS_FIELDS | HEALTH_FIELDS | TREATMENT_FIELDS,
    "branch_manager": CONTACT_FIELDS | NEEDS_FIELDS,
    "reception": CONTACT_FIELDS | IDENTITY_FIELDS,
}
#: Roles that see every branch's clients; the others see their own branches' clients only
#: (unless the tenant setting ``share_clients_chain_wide`` is on).
CHAIN_WIDE_ROLES = frozenset({"owner", "privacy_officer"})


def can(ctx: TenantContext, action: Action) -> bool:
    """True when the context's role may perform ``action``. System contexts (no role) may."""
    if ctx.role is None:
        return True
    return action in ROLE_ACTIONS.get(ctx.role, frozenset())


def require(ctx: TenantContext, action: Action) -> None:
    """Raise :class:`Forbidden` unless the role may perform ``action``."""
    if not can(ctx, action):
        raise Forbidden(f"the role {ctx.role!r} may not {action.value}")


def visible_client_fields(ctx: TenantContext) -> frozenset[str]:
    """The client fields this context may read (system contexts see all)."""
    if ctx.role is None:
        return ALL_CLIENT_FIELDS
    return ROLE_CLIENT_FIELDS.get(ctx.role, frozenset())


def sees_health_data(ctx: TenantContext) -> bool:
    """True when the context may read health information (every field of
    :data:`HEALTH_FIELDS`; system contexts may). Such roles also read what staff wrote on calls
    and tasks, which can carry it; the others only see that a note exists."""
    return visible_client_fields(ctx) >= HEALTH_FIELDS


def branch_scope(ctx: TenantContext, share_chain_wide: bool) -> frozenset[UUID] | None:
    """The branches whose clients the context sees, or ``None`` for all of them."""
    if ctx.role is None or ctx.role in CHAIN_WIDE_ROLES or share_chain_wide:
        return None
    return ctx.branch_ids
