"""Staff administration: who may invite, re-role, re-branch, deactivate or reactivate whom.

The matrix walks every acting role, target role, branch placement and action (and, for the
actions that give something, every role or set of branches given) through the staff service,
on SQLite and PostgreSQL. ``EXPECTED_ADMINISTERS`` below is the rule written out again from the
security review (finding 2), independently of ``salonkeep.core.access``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest

from salonkeep.core import staff as staff_service
from salonkeep.core.access import (
    CHAIN_WIDE_ROLES,
    ROLE_ACTIONS,
    STAFF_ADMINISTERED_ROLES,
    Action,
    StaffAdminForbidden,
    StaffRefusal,
)
from salonkeep.tenants import scoped
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.onboarding import add_branch, add_staff
from salonkeep.tenants.tables import ROLES, StaffBranch, StaffMember

MAIN, HARBOUR = "Main street", "Harbour"
#: Where a target works, relative to the acting person (who works in Main street).
PLACEMENTS: dict[str, tuple[str, ...]] = {
    "same": (MAIN,),
    "other": (HARBOUR,),
    "mixed": (MAIN, HARBOUR),
    "none": (),
}
#: The rule: owners administer every role; branch managers reception and practitioner staff
#: working only in the manager's branches, given only the manager's branches; everyone else
#: administers nobody.
EXPECTED_ADMINISTERS: dict[str, set[str]] = {
    "owner": set(ROLES),
    "branch_manager": {"reception", "practitioner"},
    "practitioner": set(),
    "reception": set(),
    "privacy_officer": set(),
}
ACTIONS = ("invite", "change_role", "change_branches", "deactivate", "reactivate")


def allowed(
    acting: str, target_role: str, placement: str, *, role: str | None = None, given: str | None = None
) -> bool:
    """What the review's rule says for one cell of the matrix."""
    administers = EXPECTED_ADMINISTERS[acting]
    if target_role not in administers or (role is not None and role not in administers):
        return False
    if acting == "branch_manager":
        return placement == "same" and given in (None, "same")
    return True


@dataclasses.dataclass
class Shop:
    """A tenant with two branches and the acting person, who works in Main street."""

    system: TenantContext
    actor: TenantContext
    branch_ids: dict[str, uuid.UUID]


async def _shop(world: Any, acting: str) -> Shop:
    with tenant_scope(world.ctx):
        harbour = await add_branch(name=HARBOUR)
        actor, _ = await add_staff(
            email=f"actor-{acting}@{world.slug}.example", name="Actor", role=acting, branch_names=[MAIN]
        )
    actor_ctx = dataclasses.replace(
        world.ctx,
        actor_id=actor.id,
        role=acting,
        actor_label=acting,
        branch_ids=frozenset({world.branch_id}),
    )
    return Shop(world.ctx, actor_ctx, {MAIN: world.branch_id, HARBOUR: harbour.id})


async def _target(shop: Shop, role: str, placement: str, *, active: bool = True) -> uuid.UUID:
    with tenant_scope(shop.system):
        staff, _ = await add_staff(
            email=f"{role}-{uuid.uuid4().hex[:8]}@example.com",
            name="Target",
            role=role,
            branch_names=list(PLACEMENTS[placement]),
        )
        if not active:
            await staff_service.set_active(staff.id, False)
    return staff.id


async def _snapshot(shop: Shop) -> tuple[Any, ...]:
    """Every staff row and branch link of the tenant, as the system sees them."""
    async with unit_of_work(shop.system):
        people = await scoped.select(StaffMember).order_by(StaffMember.id)
        links = await scoped.select(StaffBranch, StaffBranch.staff_id, StaffBranch.branch_id)
    return (
        tuple(tuple(sorted(row.items())) for row in people),
        tuple(sorted((str(link["staff_id"]), str(link["branch_id"])) for link in links)),
    )


async def _person(shop: Shop, staff_id: uuid.UUID) -> tuple[StaffMember, set[uuid.UUID]]:
    async with unit_of_work(shop.system):
        staff = await scoped.objects(StaffMember).where(StaffMember.id == staff_id).first()
        links = await scoped.select(StaffBranch, StaffBranch.branch_id).where(
            StaffBranch.staff_id == staff_id
        )
    assert staff is not None
    return staff, {link["branch_id"] for link in links}


def _stranded(role: str, placement: str) -> bool:
    """True when the change would leave a role that works in branches without one (refused as
    bad input, ValidationFailed on ``branch``: issue 17)."""
    return role not in CHAIN_WIDE_ROLES and placement == "none"


async def _attempt(
    shop: Shop, expect_allowed: bool, work: Any, label: str, *, stranded: bool = False
) -> None:
    """Run ``work`` as the actor: allowed, or refused with StaffAdminForbidden (or, for an
    allowed change that would leave a branch role without a branch, ValidationFailed) and no
    change."""
    before = await _snapshot(shop)
    with tenant_scope(shop.actor):
        if expect_allowed and not stranded:
            await work()
            return
        with pytest.raises(ValidationFailed if expect_allowed else StaffAdminForbidden):
            await work()
    assert await _snapshot(shop) == before, f"{label}: a refused attempt changed the database"


def _ids(shop: Shop, placement: str) -> set[uuid.UUID]:
    return {shop.branch_ids[name] for name in PLACEMENTS[placement]}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("acting", ROLES)
async def test_staff_administration_matrix(tenant_a, acting, action):
    shop = await _shop(tenant_a, acting)
    checked = 0
    for target_role in ROLES:
        for placement in PLACEMENTS:
            label = f"{acting} {action} {target_role}@{placement}"
            if action == "invite":
                email = f"new-{uuid.uuid4().hex[:8]}@example.com"
                expect = allowed(acting, target_role, placement, given=placement)

                async def invite(email: str = email, role: str = target_role, where: str = placement) -> None:
                    await staff_service.invite(email, "New Person", role, list(PLACEMENTS[where]))

                stranded = _stranded(target_role, placement)
                await _attempt(shop, expect, invite, label, stranded=stranded)
                if expect and not stranded:
                    with tenant_scope(shop.system):
                        new = next(s for s in await staff_service.staff_rows() if s.email == email)
                    assert (new.role, set(new.branch_ids)) == (target_role, _ids(shop, placement)), label
                checked += 1
                continue
            if placement == "none" and action != "change_branches":
                continue  # staff without a branch: covered by the branch-manager test below
            if action == "change_role":
                for role in ROLES:
                    target = await _target(shop, target_role, placement)
                    expect = allowed(acting, target_role, placement, role=role)
                    await _attempt(
                        shop,
                        expect,
                        lambda t=target, r=role: staff_service.change_role(t, r),
                        f"{label} -> {role}",
                    )
                    if expect:
                        staff, _ = await _person(shop, target)
                        assert (staff.role, staff.session_version) == (role, 2), label
                    checked += 1
            elif action == "change_branches":
                for given in PLACEMENTS:
                    target = await _target(shop, target_role, placement)
                    expect = allowed(acting, target_role, placement, given=given)
                    stranded = _stranded(target_role, given)
                    await _attempt(
                        shop,
                        expect,
                        lambda t=target, g=given: staff_service.change_branches(t, list(PLACEMENTS[g])),
                        f"{label} -> {given}",
                        stranded=stranded,
                    )
                    if expect and not stranded:
                        assert (await _person(shop, target))[1] == _ids(shop, given), label
                    checked += 1
            else:
                active = action == "reactivate"
                target = await _target(shop, target_role, placement, active=not active)
                expect = allowed(acting, target_role, placement)
                await _attempt(shop, expect, lambda t=target, a=active: staff_service.set_active(t, a), label)
                if expect:
                    staff, _ = await _person(shop, target)
                    assert staff.active is active and staff.session_version == (3 if active else 2), label
                checked += 1
    assert checked >= 15  # every target role was walked


@pytest.mark.parametrize("acting", ROLES)
async def test_nobody_changes_their_own_account(tenant_a, acting):
    shop = await _shop(tenant_a, acting)
    me = shop.actor.actor_id
    assert me is not None
    attempts = [
        *((f"role {role}", lambda r=role: staff_service.change_role(me, r)) for role in ROLES),
        ("branches", lambda: staff_service.change_branches(me, [MAIN, HARBOUR])),
        ("deactivate", lambda: staff_service.set_active(me, False)),
        ("reactivate", lambda: staff_service.set_active(me, True)),
    ]
    for label, work in attempts:
        await _attempt(shop, False, work, f"{acting} on self: {label}")
    with tenant_scope(shop.actor), pytest.raises(StaffAdminForbidden) as refused:
        await staff_service.change_role(me, "owner")
    expected = (
        StaffRefusal.OWN_ACCOUNT if acting in ("owner", "branch_manager") else StaffRefusal.NOT_A_STAFF_ADMIN
    )
    assert refused.value.reason == expected


async def test_branch_manager_needs_a_branch_of_their_own(tenant_a):
    """Staff without a branch are the owners' to administer; a manager gives at least one branch."""
    shop = await _shop(tenant_a, "branch_manager")
    for role in ("reception", "practitioner"):
        nowhere = await _target(shop, role, "none")
        for work in (
            lambda t=nowhere: staff_service.set_active(t, False),
            lambda t=nowhere: staff_service.change_branches(t, [MAIN]),
            lambda t=nowhere, r=role: staff_service.change_role(t, r),
        ):
            await _attempt(shop, False, work, f"manager on branchless {role}")
        with tenant_scope(shop.actor), pytest.raises(StaffAdminForbidden) as refused:
            await staff_service.invite(f"{role}@nowhere.example", "Nobody", role, [])
        assert refused.value.reason == StaffRefusal.GRANTED_BRANCHES


async def test_the_last_active_owner_stays(tenant_a):
    """No change leaves the tenant without an active owner, not even one made by the system
    (the CLI); with a second owner the first may go."""
    system = tenant_a.ctx
    owner = tenant_a.owner_id
    with tenant_scope(system):
        before = await staff_service.staff_rows()
        for work in (
            lambda: staff_service.set_active(owner, False),
            lambda: staff_service.change_role(owner, "reception"),
        ):
            with pytest.raises(StaffAdminForbidden) as refused:
                await work()
            assert refused.value.reason == StaffRefusal.LAST_OWNER
        assert await staff_service.staff_rows() == before
        second, _ = await add_staff(email="second@example.com", name="Second", role="owner", branch_names=[])
        await staff_service.set_active(second.id, False)  # an inactive owner does not count
        with pytest.raises(StaffAdminForbidden):
            await staff_service.set_active(owner, False)
        await staff_service.set_active(second.id, True)
    second_ctx = dataclasses.replace(system, actor_id=second.id, role="owner", actor_label="owner")
    with tenant_scope(second_ctx):
        await staff_service.change_role(owner, "branch_manager")
    with tenant_scope(system):
        rows = {row.id: row for row in await staff_service.staff_rows()}
    assert rows[owner].role == "branch_manager" and rows[second.id].active


async def test_two_owners_demoting_each_other_at_once_leave_one(backend, tenant_a):
    """Two owners deactivating each other at the same moment cannot both succeed. PostgreSQL:
    the active owners' rows are locked while one is taken away, so the second is refused as the
    last owner. SQLite runs one writer at a time: the second transaction is refused by the
    database ("database is locked")."""
    with tenant_scope(tenant_a.ctx):
        other, _ = await add_staff(email="other@example.com", name="Other", role="owner", branch_names=[])
    one = dataclasses.replace(tenant_a.ctx, actor_id=tenant_a.owner_id, role="owner")
    two = dataclasses.replace(tenant_a.ctx, actor_id=other.id, role="owner")

    async def deactivate(ctx: TenantContext, staff_id: uuid.UUID) -> None:
        with tenant_scope(ctx):
            await staff_service.set_active(staff_id, False)

    for _round in range(5):
        results = await asyncio.gather(
            deactivate(one, other.id), deactivate(two, tenant_a.owner_id), return_exceptions=True
        )
        assert results.count(None) == 1, results
        refusal = next(r for r in results if r is not None)
        if backend.name == "postgres":
            assert isinstance(refusal, StaffAdminForbidden) and refusal.reason == StaffRefusal.LAST_OWNER
        else:
            assert isinstance(refusal, StaffAdminForbidden | sqlite3.OperationalError), results
        with tenant_scope(tenant_a.ctx):
            owners = [r for r in await staff_service.staff_rows() if r.role == "owner" and r.active]
            assert len(owners) == 1
            await staff_service.set_active(other.id if owners[0].id != other.id else tenant_a.owner_id, True)


async def test_unknown_branches_and_roles_are_named_not_forbidden(tenant_a):
    shop = await _shop(tenant_a, "branch_manager")
    target = await _target(shop, "reception", "same")
    with tenant_scope(shop.actor):
        with pytest.raises(ValidationFailed) as bad_branch:
            await staff_service.change_branches(target, ["Nowhere"])
        with pytest.raises(ValidationFailed) as bad_role:
            await staff_service.change_role(target, "janitor")
        with pytest.raises(ValidationFailed) as bad_invite:
            await staff_service.invite("not-an-email", "", "janitor", [MAIN])
    assert "branch" in bad_branch.value.errors and "role" in bad_role.value.errors
    assert {"email", "name", "role"} <= set(bad_invite.value.errors)


def test_the_staff_page_roles_are_the_administering_roles():
    """``staff.manage`` (the staff page) goes exactly to the roles that administer someone."""
    with_page = {role for role, actions in ROLE_ACTIONS.items() if Action.STAFF_MANAGE in actions}
    assert with_page == set(STAFF_ADMINISTERED_ROLES) == {r for r, s in EXPECTED_ADMINISTERS.items() if s}


def test_only_the_staff_service_adds_staff_outside_the_ground_floor():
    """``onboarding.add_staff`` is unchecked: outside ``tenants/`` only the staff service (and the
    system's demo and benchmark seeding, and the sign-up, which creates a new tenant's first owner
    when there is nobody yet to act through the service) may call it; the web and the CLI go
    through the service."""
    root = Path(__file__).resolve().parents[2]
    allowed_callers = {
        "core/staff.py",
        "core/demo.py",
        "core/signup.py",
        "bench/seed.py",
        "bench/week_calendar.py",
    }
    callers = {
        str(path.relative_to(root))
        for folder in ("core", "web", "workers", "plugins", "bench")
        for path in (root / folder).rglob("*.py")
        if "add_staff(" in path.read_text(encoding="utf-8")
    }
    assert callers <= allowed_callers, callers - allowed_callers
    assert "core/staff.py" in callers
