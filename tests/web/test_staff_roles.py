"""What each role sees and may do through the staff UI; reception never receives health data."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from salonkeep.web.app import create_app

from .staff_helpers import ROLES, add_client, add_person, csrf_of, form_action, sign_in

HEALTH_MARKS = ("ALLERGY-MARK", "HEALTH-MARK")
#: Per role: (sees needs, sees health, may edit, may record, nav entries).
EXPECTED = {
    "owner": (
        True,
        True,
        True,
        True,
        {
            "dashboard",
            "clients",
            "call_log",
            "staff",
            "branches",
            "settings",
            "programmes",
            "reminders",
            "account",
            "privacy",
            "privacy_policy",
            "calendar",
            "booking_requests",
            "catalogue",
            "complaints",
            "complaint_numbers",
            "client_import",
            "getting_started",
        },
    ),
    "branch_manager": (
        True,
        False,
        True,
        True,
        {
            "dashboard",
            "clients",
            "call_log",
            "staff",
            "account",
            "calendar",
            "booking_requests",
            "complaints",
            "complaint_numbers",
        },
    ),
    "practitioner": (
        True,
        True,
        True,
        True,
        {"dashboard", "clients", "call_log", "account", "calendar", "booking_requests", "complaints"},
    ),
    "reception": (
        False,
        False,
        True,
        True,
        {"dashboard", "clients", "call_log", "account", "calendar", "booking_requests", "complaints"},
    ),
    "privacy_officer": (True, True, False, False, {"dashboard", "clients", "account", "privacy"}),
}


def _nav(page: str) -> set[str]:
    return {part.split('"', 1)[0] for part in page.split('data-nav="')[1:]}


@pytest.mark.parametrize("role", ROLES)
async def test_fields_and_actions_per_role(backend, tenant_a, role):
    sees_needs, sees_health, may_edit, may_record, nav = EXPECTED[role]
    email = f"owner@{tenant_a.slug}.example" if role == "owner" else await add_person(tenant_a, role)
    person = await add_client(tenant_a, first_name="Liisa")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, email)
        dashboard = await client.get("/app")
        assert _nav(dashboard.text) == nav
        profile = await client.get(f"/app/clients/{person.id}")
        assert profile.status_code == 200 and "Liisa" in profile.text
        assert ("Dry skin" in profile.text) is sees_needs
        for mark in HEALTH_MARKS:
            assert (mark in profile.text) is sees_health
        assert (f'href="/app/clients/{person.id}/edit"' in profile.text) is may_edit
        assert ('id="sale-form"' in profile.text) is may_record
        edit = await client.get(f"/app/clients/{person.id}/edit")
        assert edit.status_code == (200 if may_edit else 403)
        if may_edit:
            assert ('name="allergies"' in edit.text) is (role in ("owner", "practitioner"))
            assert ('name="needs"' in edit.text) is sees_needs
        token = csrf_of(profile.text)
        sale = await client.post(
            f"/app/clients/{person.id}/sales",
            data={
                "product": "Serum",
                "category": "care",
                "quantity": "1",
                "price": "10",
                "_csrf_token": token,
            },
        )
        assert sale.status_code == (200 if may_record else 403)
        for path, allowed in (
            ("/app/admin/staff", "staff" in nav),
            ("/app/admin/branches", "branches" in nav),
            ("/app/admin/settings", "settings" in nav),
            ("/app/clients/import", "client_import" in nav),
            ("/app/getting-started", "getting_started" in nav),
        ):
            assert (await client.get(path)).status_code == (200 if allowed else 403), path


async def test_reception_never_receives_health_data(backend, tenant_a):
    email = await add_person(tenant_a, "reception")
    person = await add_client(tenant_a, first_name="Onni")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, email)
        responses = [
            await client.get("/app"),
            await client.get("/app/clients"),
            await client.get("/app/clients?q=Onni"),
            await client.get("/app/clients?q=Onni", headers={"hx-request": "true"}),
            await client.get(f"/app/clients/{person.id}"),
            await client.get(f"/app/clients/{person.id}/edit"),
        ]
        token = csrf_of(responses[-1].text)
        # A hand-made post that tries to change health data is refused and changes nothing.
        forged = await client.post(
            f"/app/clients/{person.id}",
            data={
                "first_name": "Onni",
                "branch_id": str(tenant_a.branch_id),
                "allergies": "none",
                "_csrf_token": token,
            },
        )
        responses.append(forged)
        # Saving the edit form as reception keeps the health data the practitioner wrote.
        saved = await client.post(
            f"/app/clients/{person.id}",
            data={
                "first_name": "Onni",
                "last_name": "Virtanen",
                "phone": "+358401234567",
                "branch_id": str(tenant_a.branch_id),
                "kind": "member",
                "_csrf_token": token,
            },
        )
        responses.append(saved)
        bad = await client.post(
            f"/app/clients/{person.id}",
            data={"first_name": "", "branch_id": str(tenant_a.branch_id), "_csrf_token": token},
        )
        responses.append(bad)
        for response in responses:
            for mark in HEALTH_MARKS:
                assert mark not in response.text, response.url
    assert forged.status_code == 403
    fragment = responses[3]
    assert "<html" not in fragment.text and "Onni" in fragment.text  # htmx gets the result list only
    assert saved.status_code == 200 and "member" in saved.text
    assert bad.status_code == 422
    practitioner = await add_person(tenant_a, "practitioner")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, practitioner)
        page = (await client.get(f"/app/clients/{person.id}")).text
    assert "Latex ALLERGY-MARK" in page and "Pregnant HEALTH-MARK" in page


async def test_owner_manages_branches_and_staff(backend, tenant_a):
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example")
        page = await client.get("/app/admin/branches")
        token = csrf_of(page.text)
        duplicate = await client.post(
            "/app/admin/branches", data={"name": "Main street", "_csrf_token": token}
        )
        assert duplicate.status_code == 409 and 'id="name-error"' in duplicate.text
        bad_phone = await client.post(
            "/app/admin/branches", data={"name": "Harbour", "phone": "12", "_csrf_token": token}
        )
        assert bad_phone.status_code == 422 and 'id="phone-error"' in bad_phone.text
        added = await client.post("/app/admin/branches", data={"name": "Harbour", "_csrf_token": token})
        assert added.status_code == 200 and "Harbour" in added.text
        invalid = await client.post(
            "/app/admin/staff", data={"name": "", "email": "nope", "role": "reception", "_csrf_token": token}
        )
        assert invalid.status_code == 422
        assert 'id="email-error"' in invalid.text and 'id="name-error"' in invalid.text
        invited = await client.post(
            "/app/admin/staff",
            data={
                "name": "Mia",
                "email": "mia@example.com",
                "role": "reception",
                "branch": "Harbour",
                "_csrf_token": token,
            },
        )
        assert invited.status_code == 200
        link = invited.text.split('id="invite-link">', 1)[1].split("<", 1)[0]
        assert f"/t/{tenant_a.slug}/set-password/" in link
        row = invited.text.split('data-staff="mia@example.com"', 1)[1].split("</tr>", 1)[0]
        assert "Harbour" in row and "invited" in row
        role_action = form_action(row, "/role")
        changed = await client.post(role_action, data={"role": "practitioner", "_csrf_token": token})
        row = changed.text.split('data-staff="mia@example.com"', 1)[1].split("</tr>", 1)[0]
        assert '<option value="practitioner" selected>' in row


async def test_branch_manager_cannot_make_owners(backend, tenant_a):
    manager = await add_person(tenant_a, "branch_manager")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, manager)
        page = await client.get("/app/admin/staff")
        assert '<option value="owner"' not in page.text
        refused = await client.post(
            "/app/admin/staff",
            data={
                "name": "Boss",
                "email": "boss@example.com",
                "role": "owner",
                "_csrf_token": csrf_of(page.text),
            },
        )
        assert refused.status_code == 403
        owner_row = page.text.split(f'data-staff="owner@{tenant_a.slug}.example"', 1)[1].split("</tr>", 1)[0]
        assert "<form" not in owner_row
        changed = await client.post(
            f"/app/admin/staff/{tenant_a.owner_id}/active",
            data={"active": "0", "_csrf_token": csrf_of(page.text)},
        )
        assert changed.status_code == 403
