"""Roles on a need-to-know basis: what each role may do and which client fields it sees.

Enforced in the core services (not only in templates), so the web UI, the JSON API and the
CLI all get the same answer. The tables here are the single source of truth; the tests walk
them for every role.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar
from uuid import UUID

from piccolo.columns import Column
from piccolo.query.methods.count import Count
from piccolo.query.methods.exists import Exists
from piccolo.query.methods.objects import Objects
from piccolo.query.methods.select import Select

from salonkeep.tenants.context import TenantContext
from salonkeep.tenants.errors import NotFound, SalonkeepError
from salonkeep.tenants.tables import ROLES
from salonkeep.tenants.tenant_settings import TenantSettings, load_tenant_settings


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
    COMPLAINTS_HANDLE = "complaints.handle"
    CATALOGUE_MANAGE = "catalogue.manage"
    CLIENTS_IMPORT = "clients.import"


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
            Action.COMPLAINTS_HANDLE,
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
            Action.COMPLAINTS_HANDLE,
        }
    ),
    "reception": frozenset(
        {
            Action.CLIENT_VIEW,
            Action.CLIENT_CREATE,
            Action.CLIENT_EDIT,
            Action.SALE_RECORD,
            Action.CALLS_WORK,
            Action.COMPLAINTS_HANDLE,
        }
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


#: Stands in for "no branch at all" in an ``IN (…)`` list (no row has the nil id).
_NO_BRANCH = UUID(int=0)
QueryT = TypeVar("QueryT", bound="Select | Objects[Any] | Count | Exists")


@dataclass(frozen=True)
class BranchScope:
    """The branches whose clients a person sees: ``branch_ids``, or every branch (``None``).

    Make it with :func:`branch_scope` (or :func:`current_branch_scope`); apply it with
    :meth:`restrict` (a query on a table with a branch column), :meth:`check` (one row read)
    or :func:`salonkeep.core.clients.tables.restrict_to_clients` (a table keyed by client).
    """

    branch_ids: frozenset[UUID] | None

    @property
    def chain_wide(self) -> bool:
        """True when every branch is in scope."""
        return self.branch_ids is None

    def allows(self, branch_id: UUID | None) -> bool:
        """True when ``branch_id`` is in scope."""
        return self.branch_ids is None or branch_id in self.branch_ids

    def allows_any(self, branch_ids: Iterable[UUID]) -> bool:
        """True when one of ``branch_ids`` is in scope (or every branch is)."""
        return self.branch_ids is None or not self.branch_ids.isdisjoint(branch_ids)

    def check(self, branch_id: UUID | None, what: str = "client") -> None:
        """Raise NotFound (the answer for an unknown id, so nothing tells the row exists)
        unless ``branch_id`` is in scope."""
        if not self.allows(branch_id):
            raise NotFound(f"no such {what}")

    def restrict(self, query: QueryT, branch_column: Column) -> QueryT:
        """``query`` limited to rows whose ``branch_column`` is in scope."""
        if self.branch_ids is None:
            return query
        ids = sorted(self.branch_ids) or [_NO_BRANCH]
        return query.where(branch_column.is_in(ids))  # type: ignore[return-value]


def branch_scope(ctx: TenantContext, settings: TenantSettings) -> BranchScope:
    """The branch-scope rule, the only statement of it: system contexts and chain-wide roles
    see every branch's clients, and so does everyone when the tenant shares clients chain-wide;
    the other roles see the clients of the branches they work in."""
    if ctx.role is None or ctx.role in CHAIN_WIDE_ROLES or settings.share_clients_chain_wide:
        return BranchScope(None)
    return BranchScope(frozenset(ctx.branch_ids))


class AgreementNotSigned(Forbidden):
    """The staff member has not signed the tenant's current confidentiality agreement."""


def require_agreement(ctx: TenantContext) -> None:
    """Raise :class:`AgreementNotSigned` for a staff member who has not signed the tenant's
    current confidentiality agreement (system contexts and API keys are not staff)."""
    if ctx.role is not None and ctx.actor_id is not None and not ctx.confidentiality_signed:
        raise AgreementNotSigned("sign the confidentiality agreement before you see client data")


async def current_branch_scope(ctx: TenantContext) -> BranchScope:
    """:func:`branch_scope` of ``ctx`` under its tenant's settings (read only when the rule
    depends on them: not for system contexts and chain-wide roles). Every read of client data
    asks it, so it also refuses staff who have not signed the confidentiality agreement
    (:func:`require_agreement`)."""
    require_agreement(ctx)
    if ctx.role is None or ctx.role in CHAIN_WIDE_ROLES:
        return branch_scope(ctx, TenantSettings())
    return branch_scope(ctx, await load_tenant_settings(ctx.tenant_id))


# --- Staff administration -------------------------------------------------------------------
#
# Who may invite, change the role of, change the branches of, deactivate or reactivate whom.
# The staff service (``salonkeep.core.staff``) asks :func:`staff_refusal` before every change,
# inside the transaction that makes it; the admin page asks it to decide which forms to offer.
#
# ========================  ==================================================================
# acting role               may administer (every staff action)
# ========================  ==================================================================
# owner                     everyone; grants every role and every branch
# branch_manager            reception and practitioner staff whose branches are all (and at
#                           least one) among the manager's own; grants those two roles and
#                           only the manager's own branches (at least one)
# practitioner, reception,  nobody
# privacy_officer
# system (CLI, demo)        everyone
# ========================  ==================================================================
#
# For everyone: nobody changes their own role, branches or active state (so nobody raises
# their own rights, and an owner steps down only through another owner), and no change may
# leave the tenant without an active owner. Setting someone's password is not an action:
# people set their own through the one-time link or *My account*.


#: Per acting role, the roles it may administer and grant. Roles absent administer nobody.
STAFF_ADMINISTERED_ROLES: dict[str, frozenset[str]] = {
    "owner": frozenset(ROLES),
    "branch_manager": frozenset({"reception", "practitioner"}),
}
#: Acting roles whose staff administration stops at their own branches.
BRANCH_BOUND_STAFF_ADMINS = frozenset({"branch_manager"})


class StaffRefusal(StrEnum):
    """Why a staff action was refused (the web shows a translated sentence per reason)."""

    NOT_A_STAFF_ADMIN = "not_a_staff_admin"
    OWN_ACCOUNT = "own_account"
    TARGET_ROLE = "target_role"
    GRANTED_ROLE = "granted_role"
    TARGET_BRANCHES = "target_branches"
    GRANTED_BRANCHES = "granted_branches"
    LAST_OWNER = "last_owner"


STAFF_REFUSAL_MESSAGES: dict[StaffRefusal, str] = {
    StaffRefusal.NOT_A_STAFF_ADMIN: "your role administers no staff",
    StaffRefusal.OWN_ACCOUNT: "nobody changes their own role, branches or active state",
    StaffRefusal.TARGET_ROLE: "your role may not administer staff with this role",
    StaffRefusal.GRANTED_ROLE: "your role may not give this role",
    StaffRefusal.TARGET_BRANCHES: "this person works outside your branches",
    StaffRefusal.GRANTED_BRANCHES: "you may only assign your own branches (at least one)",
    StaffRefusal.LAST_OWNER: "the organisation would be left without an active owner",
}


class StaffAdminForbidden(Forbidden):
    """A staff action the acting person may not take; ``reason`` says which rule refused it."""

    def __init__(self, reason: StaffRefusal) -> None:
        self.reason = reason
        super().__init__(STAFF_REFUSAL_MESSAGES[reason])


@dataclass(frozen=True)
class StaffTarget:
    """The account an action is about: its id (``None`` for an invitation), role and branches."""

    id: UUID | None
    role: str
    branch_ids: frozenset[UUID]


def _within(branch_ids: Collection[UUID], own: frozenset[UUID]) -> bool:
    return bool(branch_ids) and own.issuperset(branch_ids)


def staff_refusal(
    ctx: TenantContext,
    target: StaffTarget,
    *,
    role: str | None = None,
    branch_ids: Collection[UUID] | None = None,
) -> StaffRefusal | None:
    """Why ``ctx`` may not act on ``target``, or ``None`` when it may.

    ``role`` and ``branch_ids`` are what the action would give the target (a new role, a new
    set of branches); for an invitation the target itself is what is given. The rule that
    keeps an active owner needs the database and lives in the staff service.
    """
    if ctx.role is None:
        return None
    administered = STAFF_ADMINISTERED_ROLES.get(ctx.role)
    if administered is None:
        return StaffRefusal.NOT_A_STAFF_ADMIN
    if target.id is not None and target.id == ctx.actor_id:
        return StaffRefusal.OWN_ACCOUNT
    if target.role not in administered:
        return StaffRefusal.GRANTED_ROLE if target.id is None else StaffRefusal.TARGET_ROLE
    if role is not None and role not in administered:
        return StaffRefusal.GRANTED_ROLE
    if ctx.role in BRANCH_BOUND_STAFF_ADMINS:
        if target.id is None:
            if not _within(target.branch_ids, ctx.branch_ids):
                return StaffRefusal.GRANTED_BRANCHES
        elif not _within(target.branch_ids, ctx.branch_ids):
            return StaffRefusal.TARGET_BRANCHES
        if branch_ids is not None and not _within(branch_ids, ctx.branch_ids):
            return StaffRefusal.GRANTED_BRANCHES
    return None


def require_staff_admin(ctx: TenantContext) -> None:
    """Raise :class:`StaffAdminForbidden` when the role administers nobody (checked before any
    lookup, so such a role learns nothing about the staff ids it tries)."""
    if ctx.role is not None and ctx.role not in STAFF_ADMINISTERED_ROLES:
        raise StaffAdminForbidden(StaffRefusal.NOT_A_STAFF_ADMIN)


def require_staff_action(
    ctx: TenantContext,
    target: StaffTarget,
    *,
    role: str | None = None,
    branch_ids: Collection[UUID] | None = None,
) -> None:
    """Raise :class:`StaffAdminForbidden` unless :func:`staff_refusal` finds no objection."""
    reason = staff_refusal(ctx, target, role=role, branch_ids=branch_ids)
    if reason is not None:
        raise StaffAdminForbidden(reason)


def grantable_roles(ctx: TenantContext) -> tuple[str, ...]:
    """The roles ``ctx`` may give (in the order of ``ROLES``); system contexts give every role."""
    if ctx.role is None:
        return ROLES
    administered = STAFF_ADMINISTERED_ROLES.get(ctx.role, frozenset())
    return tuple(role for role in ROLES if role in administered)
