"""Security review finding 2 through the admin pages: a branch manager could make anyone a
privacy officer and change or deactivate people outside their branches. Now every staff route
answers 403 with the reason and changes nothing, and the page offers only what may be given."""

from __future__ import annotations

import uuid

import pytest
from litestar.testing import AsyncTestClient

from salonkeep.core import staff as staff_service
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.onboarding import add_branch, add_staff
from salonkeep.web.app import create_app

from .staff_helpers import PASSWORD, ROLES, csrf_of, form_action, sign_in


async def _person(world, role: str, branches: list[str], *, password: str | None = PASSWORD):
    with tenant_scope(world.ctx):
        staff, _ = await add_staff(
            email=f"{role}-{uuid.uuid4().hex[:6]}@{world.slug}.example",
            name=f"{role.title()} Person",
            role=role,
            branch_names=branches,
            password=password,
            agreement_signed=True,
        )
    return staff


async def _staff(world) -> dict[str, tuple[str, bool, tuple[str, ...], int]]:
    with tenant_scope(world.ctx):
        rows = await staff_service.staff_rows()
    return {row.email: (row.role, row.active, row.branch_names, len(rows)) for row in rows}


def _row(page: str, email: str) -> str:
    return page.split(f'data-staff="{email}"', 1)[1].split("</tr>", 1)[0]


async def test_branch_manager_cannot_grant_privacy_officer_or_reach_other_branches(backend, tenant_a):
    with tenant_scope(tenant_a.ctx):
        await add_branch(name="Harbour")
    manager = await _person(tenant_a, "branch_manager", ["Main street"])
    mine = await _person(tenant_a, "practitioner", ["Main street"], password=None)
    theirs = await _person(tenant_a, "reception", ["Harbour"], password=None)
    before = await _staff(tenant_a)  # (the app's engine is bound while its client is open)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, manager.email)
        page = (await client.get("/app/admin/staff")).text
        token = csrf_of(page)
        # The page offers only the roles and branches a manager may give, and no form for
        # people outside their reach (the other branch, owners, themselves).
        invite_form = page.split('id="invite-form"', 1)[1]
        assert '<option value="reception"' in invite_form and '<option value="practitioner"' in invite_form
        for role in ("owner", "branch_manager", "privacy_officer"):
            assert f'<option value="{role}"' not in page
        assert 'value="Harbour"' not in page
        for email in (theirs.email, manager.email, f"owner@{tenant_a.slug}.example"):
            assert "<form" not in _row(page, email), email
        assert form_action(_row(page, mine.email), "/role").endswith(f"/{mine.id}/role")
        forged = [
            (f"/app/admin/staff/{mine.id}/role", {"role": "privacy_officer"}),
            (f"/app/admin/staff/{mine.id}/role", {"role": "owner"}),
            (f"/app/admin/staff/{mine.id}/branches", {"branch": "Harbour"}),
            (f"/app/admin/staff/{theirs.id}/active", {"active": "0"}),
            (f"/app/admin/staff/{theirs.id}/role", {"role": "practitioner"}),
            (f"/app/admin/staff/{theirs.id}/branches", {"branch": "Main street"}),
            (f"/app/admin/staff/{manager.id}/branches", {"branch": ["Main street", "Harbour"]}),
            (f"/app/admin/staff/{tenant_a.owner_id}/active", {"active": "0"}),
            (
                "/app/admin/staff",
                {
                    "name": "Pia",
                    "email": "pia@example.com",
                    "role": "privacy_officer",
                    "branch": "Main street",
                },
            ),
            (
                "/app/admin/staff",
                {"name": "Hal", "email": "hal@example.com", "role": "reception", "branch": "Harbour"},
            ),
        ]
        for path, data in forged:
            refused = await client.post(path, data={**data, "_csrf_token": token})
            assert refused.status_code == 403, (path, data)
            assert 'id="staff-refused"' in refused.text and "Nothing was changed." in refused.text
        assert (
            "Your role may not give this role."
            in (
                await client.post(
                    f"/app/admin/staff/{mine.id}/role", data={"role": "privacy_officer", "_csrf_token": token}
                )
            ).text
        )
        assert (
            "This person works outside your branches."
            in (
                await client.post(
                    f"/app/admin/staff/{theirs.id}/active", data={"active": "0", "_csrf_token": token}
                )
            ).text
        )
        # What a manager may do still works.
        done = await client.post(
            f"/app/admin/staff/{mine.id}/active",
            data={"active": "0", "_csrf_token": token},
            follow_redirects=False,
        )
        assert done.status_code == 303
    after = await _staff(tenant_a)
    role, _active, branches, count = before[mine.email]
    assert after.pop(mine.email) == (role, False, branches, count)
    before.pop(mine.email)
    assert after == before  # every refused post changed nothing


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("owner", "branch_manager")])
async def test_roles_without_staff_administration_are_refused_on_every_staff_route(backend, tenant_a, role):
    actor = await _person(tenant_a, role, ["Main street"])
    target = await _person(tenant_a, "reception", ["Main street"], password=None)
    before = await _staff(tenant_a)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, actor.email)
        token = csrf_of((await client.get("/app/account")).text)
        for path, data in (
            ("/app/admin/staff", {"name": "X", "email": "x@example.com", "role": "reception"}),
            (f"/app/admin/staff/{target.id}/role", {"role": "practitioner"}),
            (f"/app/admin/staff/{target.id}/branches", {"branch": "Main street"}),
            (f"/app/admin/staff/{target.id}/active", {"active": "0"}),
            (f"/app/admin/staff/{actor.id}/role", {"role": "owner"}),
        ):
            response = await client.post(path, data={**data, "_csrf_token": token})
            assert response.status_code == 403, path
    assert await _staff(tenant_a) == before


async def test_owner_changes_branches_and_cannot_change_themselves(backend, tenant_a):
    with tenant_scope(tenant_a.ctx):
        await add_branch(name="Harbour")
    someone = await _person(tenant_a, "branch_manager", ["Main street"], password=None)
    owner_email = f"owner@{tenant_a.slug}.example"
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, owner_email)
        page = (await client.get("/app/admin/staff")).text
        token = csrf_of(page)
        assert "<form" not in _row(page, owner_email)
        for role in ROLES:
            assert f'<option value="{role}"' in page
        action = form_action(_row(page, someone.email), "/branches")
        moved = await client.post(
            action, data={"branch": ["Main street", "Harbour"], "_csrf_token": token}, follow_redirects=False
        )
        assert moved.status_code == 303
        own = await client.post(
            f"/app/admin/staff/{tenant_a.owner_id}/active", data={"active": "0", "_csrf_token": token}
        )
        assert own.status_code == 403 and "Nobody can change their own role" in own.text
        unknown = await client.post(action, data={"branch": "Nowhere", "_csrf_token": token})
        assert unknown.status_code == 422 and "Nowhere" in unknown.text
    staff = await _staff(tenant_a)
    assert staff[someone.email][2] == ("Harbour", "Main street")
    assert staff[owner_email][1] is True
