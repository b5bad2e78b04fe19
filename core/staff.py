"""Managing branches, staff and the tenant's security settings, with role checks.

Who may administer whom is the table in :mod:`salonkeep.core.access` (``staff_refusal``):
owners everyone, branch managers the reception and practitioner staff of their own branches,
nobody their own account. Every change here is checked inside the transaction that makes it,
is audited in that transaction (who changed what of whom, with the values before and after),
and no change leaves the tenant without an active owner. Changing someone's role or
deactivating them ends their sessions. The web admin pages and the CLI call these functions;
``salonkeep.tenants.onboarding.add_staff`` is the unchecked writer underneath.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from salonkeep.core import audit
from salonkeep.core.access import (
    BRANCH_BOUND_STAFF_ADMINS,
    CHAIN_WIDE_ROLES,
    Action,
    BranchScope,
    StaffAdminForbidden,
    StaffRefusal,
    StaffTarget,
    current_branch_scope,
    require,
    require_staff_action,
    require_staff_admin,
    staff_refusal,
)
from salonkeep.core.tenant_config import change_settings
from salonkeep.tenants import scoped, validation
from salonkeep.tenants.context import current
from salonkeep.tenants.db import get_engine, is_postgres, unit_of_work
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.tenants.messages import field_message
from salonkeep.tenants.onboarding import add_branch, add_staff, list_branches
from salonkeep.tenants.tables import ROLES, Branch, StaffBranch, StaffMember
from salonkeep.tenants.tenant_settings import load_tenant_settings


@dataclass(frozen=True)
class StaffRow:
    """A staff member as listed for managers; ``administrable``: the viewer may change them."""

    id: UUID
    email: str
    name: str
    role: str
    active: bool
    invited: bool
    has_totp: bool
    branch_names: tuple[str, ...]
    branch_ids: frozenset[UUID] = frozenset()
    administrable: bool = False


async def branches() -> list[Branch]:
    """The tenant's branches (anyone signed in may list them)."""
    return await list_branches()


def branch_time_zones(rows: Sequence[Branch]) -> dict[UUID, str]:
    """The branches among ``rows`` with a time zone of their own: their records are shown in
    it (the others' in the tenant's, the display scope's default)."""
    return {b.id: b.time_zone for b in rows if b.time_zone}


async def branches_in_scope() -> list[Branch]:
    """The branches whose clients the signed-in person sees (their branch scope)."""
    scope = await current_branch_scope(current())
    return [b for b in await branches() if scope.allows(b.id)]


async def create_branch(
    name: str, address: str = "", phone: str = "", time_zone: str | None = None
) -> Branch:
    """Add a branch (owners; the CLI), audited with its name, address, phone and time zone."""
    ctx = current()
    require(ctx, Action.BRANCH_MANAGE)
    async with unit_of_work(ctx):
        branch = await add_branch(name=name, address=address, phone=phone, time_zone=time_zone)
        shown = {
            "name": branch.name,
            "address": branch.address,
            "phone": branch.phone,
            "time_zone": branch.time_zone,
        }
        await audit.record(
            audit.AuditAction.BRANCH_CREATE,
            subject="branch",
            subject_id=branch.id,
            changes=audit.changes_between({}, shown),
        )
    return branch


async def staff_rows() -> list[StaffRow]:
    """Every staff member with their branches (for owners and branch managers)."""
    ctx = current()
    require(ctx, Action.STAFF_MANAGE)
    async with unit_of_work(ctx):
        staff = await scoped.objects(StaffMember).order_by(StaffMember.name)
        links = await scoped.select(StaffBranch, StaffBranch.staff_id, StaffBranch.branch_id)
        names = {row["id"]: row["name"] for row in await scoped.select(Branch, Branch.id, Branch.name)}
    by_staff: dict[UUID, set[UUID]] = {}
    for link in links:
        by_staff.setdefault(link["staff_id"], set()).add(link["branch_id"])
    rows = []
    for s in staff:
        branch_ids = frozenset(by_staff.get(s.id, ()))
        rows.append(
            StaffRow(
                id=s.id,
                email=s.email,
                name=s.name,
                role=s.role,
                active=s.active,
                invited=s.password_hash is None,
                has_totp=bool(s.totp_secret),
                branch_names=tuple(sorted(names.get(b, "?") for b in branch_ids)),
                branch_ids=branch_ids,
                administrable=staff_refusal(ctx, StaffTarget(s.id, s.role, branch_ids)) is None,
            )
        )
    return rows


async def staff_in_reach() -> list[StaffRow]:
    """The staff whose call logs the person may pick (owners and branch managers): those who
    work in a branch of the person's branch scope (everyone when it is chain-wide)."""
    scope = await current_branch_scope(current())
    return [row for row in await staff_rows() if scope.allows_any(row.branch_ids)]


async def staff_in_scope(scope: BranchScope, staff_id: UUID) -> bool:
    """True when ``staff_id`` is a staff member of the tenant who works in a branch of
    ``scope`` (any of the tenant's staff when the scope is chain-wide). Inside a unit of work."""
    if scope.chain_wide:
        return await scoped.exists(StaffMember, StaffMember.id == staff_id)
    links = scope.restrict(scoped.select(StaffBranch, StaffBranch.id), StaffBranch.branch_id)
    return bool(await links.where(StaffBranch.staff_id == staff_id).first())


async def assignable_branches() -> list[Branch]:
    """The branches the current person may assign: a branch manager's own, an owner's all."""
    ctx = current()
    every = await branches()
    if ctx.role in BRANCH_BOUND_STAFF_ADMINS:
        return [b for b in every if b.id in ctx.branch_ids]
    return every


async def _branch_ids(branch_names: Sequence[str]) -> frozenset[UUID]:
    """The ids of the current tenant's branches named ``branch_names``; unknown names are a
    ValidationFailed on the field ``branch``."""
    wanted = list(dict.fromkeys(branch_names))
    if not wanted:
        return frozenset()
    found = await scoped.select(Branch, Branch.id, Branch.name).where(Branch.name.is_in(wanted))
    by_name = {row["name"]: row["id"] for row in found}
    unknown = [name for name in wanted if name not in by_name]
    if unknown:
        raise ValidationFailed(
            {"branch": field_message("no branch called {names}", names=", ".join(map(repr, unknown)))}
        )
    return frozenset(by_name.values())


#: The message when a branch role is given no branch.
NO_BRANCH = "choose at least one branch: this role works in branches"


def _require_branch(role: str, branch_ids: frozenset[UUID]) -> None:
    """A role that works in branches (all but owner and privacy officer) needs at least one:
    without it the person sees no client and cannot register one."""
    if role in ROLES and role not in CHAIN_WIDE_ROLES and not branch_ids:
        raise ValidationFailed({"branch": NO_BRANCH})


def _require_branch_with(role: str, branch_ids: frozenset[UUID], email: str, name: str) -> None:
    """:func:`_require_branch` for an invitation, reporting a bad e-mail or name with it."""
    try:
        _require_branch(role, branch_ids)
    except ValidationFailed as missing:
        errors: dict[str, str] = {}
        for check in (lambda: validation.email(email), lambda: validation.required_text(name, "name")):
            try:
                check()
            except ValidationFailed as exc:
                errors.update(exc.errors)
        raise ValidationFailed({**errors, **missing.errors}) from None


async def _target(staff_id: UUID) -> tuple[StaffMember, StaffTarget]:
    """The staff member ``staff_id`` of the current tenant and what the access table needs."""
    staff = await scoped.get(StaffMember, staff_id)
    if staff is None:
        raise NotFound("no such staff member")
    links = await scoped.select(StaffBranch, StaffBranch.branch_id).where(StaffBranch.staff_id == staff_id)
    return staff, StaffTarget(staff.id, staff.role, frozenset(link["branch_id"] for link in links))


async def _keep_an_active_owner(staff_id: UUID) -> None:
    """Refuse to take the owner role or activity from ``staff_id`` when they are the last
    active owner. The active owners' rows stay locked (PostgreSQL) until the transaction ends,
    so two owners demoting each other at once cannot both succeed."""
    owners = (
        scoped.select(StaffMember, StaffMember.id)
        .where((StaffMember.role == "owner") & (StaffMember.active.eq(True)))
        .order_by(StaffMember.id)
    )
    if is_postgres(get_engine()):  # SQLite has one writer at a time and no row locks
        owners = owners.lock_rows()
    ids = {row["id"] for row in await owners}
    if ids == {staff_id}:
        raise StaffAdminForbidden(StaffRefusal.LAST_OWNER)


async def _branch_names(branch_ids: frozenset[UUID]) -> list[str]:
    """The names of the branches ``branch_ids``, sorted (inside a unit of work)."""
    if not branch_ids:
        return []
    rows = await scoped.select(Branch, Branch.name).where(Branch.id.is_in(list(branch_ids)))
    return sorted(row["name"] for row in rows)


async def _audit_change(
    staff_id: UUID, changes: Sequence[audit.FieldChange | None], fields: Sequence[str] = ()
) -> None:
    """Audit a change to a staff account (inside its unit of work): who changed what of whom,
    with the values before and after."""
    await audit.record(
        audit.AuditAction.STAFF_CHANGE,
        subject="staff",
        subject_id=staff_id,
        fields=fields,
        changes=[change for change in changes if change is not None],
    )


async def invite(
    email: str, name: str, role: str, branch_names: Sequence[str], password: str | None = None
) -> tuple[StaffMember, str | None]:
    """Add a staff member (a branch role needs at least one branch). Without ``password``
    they set their own through the returned one-time token (valid 72 hours); with it (the
    CLI) the account is ready and the token None.
    Raises StaffAdminForbidden when the current person may not give this role or these branches."""
    ctx = current()
    require_staff_admin(ctx)
    async with unit_of_work(ctx):
        branch_ids = await _branch_ids(branch_names)
        if role in ROLES:  # an unknown role is reported with the other fields by add_staff
            require_staff_action(ctx, StaffTarget(None, role, branch_ids))
        _require_branch_with(role, branch_ids, email, name)
        member, token = await add_staff(
            email=email, name=name, role=role, branch_names=branch_names, password=password
        )
        changes = [
            audit.field_change("role", None, member.role),
            audit.field_change("branches", [], await _branch_names(branch_ids)),
        ]
        await _audit_change(member.id, changes, ["invited"])
        return member, token


async def change_role(staff_id: UUID, role: str) -> None:
    """Give a staff member another role (their sessions end); a branch role only to someone
    who works in a branch."""
    ctx = current()
    require_staff_admin(ctx)
    role = validation.role(role)
    async with unit_of_work(ctx):
        staff, target = await _target(staff_id)
        require_staff_action(ctx, target, role=role)
        _require_branch(role, target.branch_ids)
        if staff.role == "owner" and role != "owner":
            await _keep_an_active_owner(staff.id)
        await scoped.update(
            StaffMember,
            {StaffMember.role: role, StaffMember.session_version: StaffMember.session_version + 1},
        ).where(StaffMember.id == staff.id)
        await _audit_change(staff.id, [audit.field_change("role", staff.role, role)], ["role"])


async def change_branches(staff_id: UUID, branch_names: Sequence[str]) -> None:
    """Set the branches a staff member works in (replacing the ones they had; at least one
    for a branch role)."""
    ctx = current()
    require_staff_admin(ctx)
    async with unit_of_work(ctx):
        branch_ids = await _branch_ids(branch_names)
        staff, target = await _target(staff_id)
        require_staff_action(ctx, target, branch_ids=branch_ids)
        _require_branch(staff.role, branch_ids)
        await scoped.delete(StaffBranch).where(StaffBranch.staff_id == staff_id)
        if branch_ids:
            await scoped.insert(
                *(scoped.new(StaffBranch, staff_id=staff_id, branch_id=branch_id) for branch_id in branch_ids)
            )
        was, now = await _branch_names(target.branch_ids), await _branch_names(branch_ids)
        await _audit_change(staff_id, [audit.field_change("branches", was, now)], ["branches"])


async def set_active(staff_id: UUID, active: bool) -> None:
    """Deactivate (their sessions end) or reactivate a staff member."""
    ctx = current()
    require_staff_admin(ctx)
    async with unit_of_work(ctx):
        staff, target = await _target(staff_id)
        require_staff_action(ctx, target)
        if staff.role == "owner" and not active:
            await _keep_an_active_owner(staff.id)
        await scoped.update(
            StaffMember,
            {StaffMember.active: active, StaffMember.session_version: StaffMember.session_version + 1},
        ).where(StaffMember.id == staff.id)
        await _audit_change(staff.id, [audit.field_change("active", staff.active, active)], ["active"])


#: The tenant settings the admin settings form changes (``/app/admin/settings``).
FORM_SETTINGS = ("idle_lock_seconds", "require_totp_for_managers", "share_clients_chain_wide")


async def security_settings() -> dict[str, Any]:
    """The settings the admin form shows: idle-lock time, second-factor rule, client sharing."""
    settings = await load_tenant_settings(current().tenant_id)
    return {name: getattr(settings, name) for name in FORM_SETTINGS}


async def update_security_settings(changes: Mapping[str, object]) -> None:
    """Change the settings of the admin form (idle lock 30 to 3600 seconds, true or false for
    the others), all or nothing: ValidationFailed names each refused setting."""
    ctx = current()
    require(ctx, Action.SETTINGS_MANAGE)
    unknown = sorted(set(changes) - set(FORM_SETTINGS))
    if unknown:
        raise ValidationFailed(dict.fromkeys(unknown, "is not set here"))
    await change_settings(changes, ctx)
