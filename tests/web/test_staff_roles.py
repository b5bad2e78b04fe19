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


def _tabs(page: str) -> list[str]:
    """The keys of the profile's tabs on ``page``."""
    return [part.split('"', 1)[0] for part in page.split('data-section="')[1:]]


#: The profile's sections each role opens (the others answer 403); "warranty-claims" is the
#: warranty plugin's.
SECTIONS = {
    "owner": [
        "details",
        "history",
        "record",
        "consent",
        "aftercare",
        "complaints",
        "warranty-claims",
        "privacy",
        "audit",
    ],
    "branch_manager": [
        "details",
        "history",
        "record",
        "consent",
        "aftercare",
        "complaints",
        "warranty-claims",
    ],
    "practitioner": ["details", "history", "record", "consent", "aftercare", "complaints", "warranty-claims"],
    "reception": ["history", "record", "consent", "aftercare", "complaints", "warranty-claims"],
    "privacy_officer": ["details", "history", "consent", "aftercare", "warranty-claims", "privacy", "audit"],
}


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
        # Every section the person's tabs offer, each at its own address.
        sections = [await client.get(f"/app/clients/{person.id}/s/{key}") for key in _tabs(profile.text)]
        assert all(page.status_code == 200 for page in sections)
        everything = profile.text + "".join(page.text for page in sections)
        assert ("Dry skin" in everything) is sees_needs
        for mark in HEALTH_MARKS:
            assert (mark in everything) is sees_health
        assert (f'href="/app/clients/{person.id}/edit"' in profile.text) is may_edit
        assert ('id="sale-form"' in everything) is may_record
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
        # Every section, as a page and as htmx asks for it (Details answers 403).
        for key in SECTIONS["owner"]:
            url = f"/app/clients/{person.id}/s/{key}"
            responses += [await client.get(url), await client.get(url, headers={"HX-Request": "true"})]
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
    assert saved.status_code == 200 and 'data-field="kind">Member<' in saved.text
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


@pytest.mark.parametrize("role", ROLES)
async def test_every_profile_section_per_role(backend, tenant_a, tenant_b, role):
    """Each role's tabs are the sections it may open: each answers 200 (a whole page with
    its tab current; htmx: the tabs and the section only), the others 403, an unknown one
    404, and every section of another tenant's client 404."""
    email = f"owner@{tenant_a.slug}.example" if role == "owner" else await add_person(tenant_a, role)
    person = await add_client(tenant_a, first_name="Liisa")
    stranger = await add_client(tenant_b, first_name="Vieras")
    every = SECTIONS["owner"]
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, email)
        profile = await client.get(f"/app/clients/{person.id}")
        assert _tabs(profile.text) == SECTIONS[role]
        # The address names no section: the first one opens, its tab marked current.
        assert f'data-open-section="{SECTIONS[role][0]}"' in profile.text
        for key in every:
            url = f"/app/clients/{person.id}/s/{key}"
            page = await client.get(url)
            old_style = await client.get(f"/app/clients/{person.id}", params={"section": key})
            fragment = await client.get(url, headers={"HX-Request": "true"})
            if key not in SECTIONS[role]:
                assert (page.status_code, old_style.status_code, fragment.status_code) == (403, 403, 403), key
                continue
            assert page.status_code == old_style.status_code == fragment.status_code == 200, key
            for whole in (page.text, old_style.text):
                assert 'id="client-name"' in whole and f'data-open-section="{key}"' in whole
                assert f'id="tab-{key}" href="{url}"' in whole
                assert whole.count('aria-current="page"') >= 1 and _current_tab(whole) == key
            assert "<html" not in fragment.text and 'id="client-name"' not in fragment.text
            assert fragment.text.lstrip().startswith('<div id="profile-sections"')
            assert _current_tab(fragment.text) == key and _tabs(fragment.text) == SECTIONS[role]
            # A restore of htmx's history (back after the cache was cleared) gets the page.
            restored = await client.get(
                url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
            )
            assert "<html" in restored.text and _current_tab(restored.text) == key
            theirs = await client.get(f"/app/clients/{stranger.id}/s/{key}")
            assert theirs.status_code == 404 and "Vieras" not in theirs.text, key
        assert (await client.get(f"/app/clients/{person.id}/s/no-such-section")).status_code == 404
        unknown = await client.get(f"/app/clients/{person.id}", params={"section": "no-such-section"})
        assert unknown.status_code == 404


def _current_tab(page: str) -> str:
    """The key of the tab marked current on ``page``."""
    nav = page.split('class="tabs"', 1)[1].split("</nav>", 1)[0]
    current = [link for link in nav.split("<a ")[1:] if 'aria-current="page"' in link]
    assert len(current) == 1, current
    return current[0].split('data-section="', 1)[1].split('"', 1)[0]
