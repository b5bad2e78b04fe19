"""Managing branches, staff and the tenant's security settings, with role checks.

Owners manage everything; branch managers manage staff below them (never owners, never
promoting anyone to owner). Deactivating someone or changing their role ends their sessions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from salonkeep.core.access import Action, Forbidden, require
from salonkeep.tenants import validation
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.tenants.onboarding import add_branch, add_staff, get_tenant, list_branches
from salonkeep.tenants.signin import tenant_settings
from salonkeep.tenants.tables import Branch, StaffBranch, StaffMember, Tenant


@dataclass(frozen=True)
class StaffRow:
    """A staff member as listed for managers."""

    id: UUID
    email: str
    name: str
    role: str
    active: bool
    invited: bool
    has_totp: bool
    branch_names: tuple[str, ...]


def _guard_role(role: str) -> None:
    ctx = current()
    if ctx.role not in (None, "owner") and role == "owner":
        raise Forbidden("only an owner may make someone an owner")


async def branches() -> list[Branch]:
    """The tenant's branches (anyone signed in may list them)."""
    return await list_branches()


async def create_branch(name: str, address: str = "", phone: str = "") -> Branch:
    """Add a branch (owners)."""
    require(current(), Action.BRANCH_MANAGE)
    return await add_branch(name=name, address=address, phone=phone)


async def staff_rows() -> list[StaffRow]:
    """Every staff member with their branches (for owners and branch managers)."""
    ctx = current()
    require(ctx, Action.STAFF_MANAGE)
    async with unit_of_work(ctx):
        staff = (
            await StaffMember.objects()
            .where(StaffMember.tenant_id == ctx.tenant_id)
            .order_by(StaffMember.name)
        )
        links = await StaffBranch.select(StaffBranch.staff_id, StaffBranch.branch_id).where(
            StaffBranch.tenant_id == ctx.tenant_id
        )
        names = {
            row["id"]: row["name"]
            for row in await Branch.select(Branch.id, Branch.name).where(Branch.tenant_id == ctx.tenant_id)
        }
    by_staff: dict[UUID, list[str]] = {}
    for link in links:
        by_staff.setdefault(link["staff_id"], []).append(names.get(link["branch_id"], "?"))
    return [
        StaffRow(
            id=s.id,
            email=s.email,
            name=s.name,
            role=s.role,
            active=s.active,
            invited=s.password_hash is None,
            has_totp=bool(s.totp_secret),
            branch_names=tuple(sorted(by_staff.get(s.id, []))),
        )
        for s in staff
    ]


async def invite(email: str, name: str, role: str, branch_names: Sequence[str]) -> tuple[StaffMember, str]:
    """Add a staff member who sets their own password through the returned one-time token."""
    require(current(), Action.STAFF_MANAGE)
    _guard_role(role)
    staff, token = await add_staff(email=email, name=name, role=role, branch_names=branch_names)
    assert token is not None
    return staff, token


async def _target(staff_id: UUID) -> StaffMember:
    ctx = current()
    staff = (
        await StaffMember.objects()
        .where((StaffMember.tenant_id == ctx.tenant_id) & (StaffMember.id == staff_id))
        .first()
    )
    if staff is None:
        raise NotFound("no such staff member")
    if ctx.role not in (None, "owner") and staff.role == "owner":
        raise Forbidden("only an owner may change an owner")
    if staff.id == ctx.actor_id:
        raise Forbidden("you cannot change your own role or deactivate yourself")
    return staff


async def change_role(staff_id: UUID, role: str) -> None:
    """Give a staff member another role (their sessions end)."""
    ctx = current()
    require(ctx, Action.STAFF_MANAGE)
    role = validation.role(role)
    _guard_role(role)
    async with unit_of_work(ctx):
        staff = await _target(staff_id)
        staff.role = role
        staff.session_version = (staff.session_version or 1) + 1
        await staff.save([StaffMember.role, StaffMember.session_version])


async def set_active(staff_id: UUID, active: bool) -> None:
    """Deactivate (their sessions end) or reactivate a staff member."""
    ctx = current()
    require(ctx, Action.STAFF_MANAGE)
    async with unit_of_work(ctx):
        staff = await _target(staff_id)
        staff.active = active
        staff.session_version = (staff.session_version or 1) + 1
        await staff.save([StaffMember.active, StaffMember.session_version])


async def security_settings() -> dict[str, Any]:
    """The tenant's idle-lock time and second-factor rule."""
    tenant = await get_tenant(current().tenant_id)
    settings = tenant_settings(tenant)
    return {
        "idle_lock_seconds": int(settings.get("idle_lock_seconds", 300)),
        "require_totp_for_managers": bool(settings.get("require_totp_for_managers")),
    }


async def update_security_settings(idle_lock_seconds: str, require_totp_for_managers: bool) -> None:
    """Change the idle-lock time (30 to 3600 seconds) and whether managers need a second factor."""
    ctx = current()
    require(ctx, Action.SETTINGS_MANAGE)
    text = (idle_lock_seconds or "").strip()
    if not text.isdigit() or not 30 <= int(text) <= 3600:
        raise ValidationFailed({"idle_lock_seconds": "use a number of seconds from 30 to 3600"})
    tenant = await get_tenant(ctx.tenant_id)
    settings = tenant_settings(tenant)
    settings["idle_lock_seconds"] = int(text)
    settings["require_totp_for_managers"] = bool(require_totp_for_managers)
    await Tenant.update({Tenant.settings: json.dumps(settings)}).where(Tenant.id == ctx.tenant_id)
