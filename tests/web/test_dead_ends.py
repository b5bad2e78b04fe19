"""Issue 17, item 4: the dead ends and silent failures of a salon day, each closed.

A branch role cannot be invited without a branch (UI, CLI) and owners fix a branchless
colleague's branches on the staff page; the same client is not registered twice silently;
health data is not saved without the health-data consent unasked; saves are confirmed;
unlocking goes back where the person was (never to another site); the client list counts
and pages; Today's search answers as one types; a mistyped /app address is a page in the
layout (the API keeps JSON); a programme setting "x" gets a field error in words; a favicon.
"""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from litestar.testing import AsyncTestClient
from typer.testing import CliRunner

from salonkeep.core import consent
from salonkeep.core import staff as staff_service
from salonkeep.core.apps import all_tables
from salonkeep.core.cli.main import app as cli_app
from salonkeep.core.clients import service as clients
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.tenants import db, scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.onboarding import add_staff
from salonkeep.tenants.tables import StaffMember
from salonkeep.web.app import create_app
from salonkeep.web.auth.return_path import safe_return_path

from .staff_helpers import PASSWORD, add_client, add_person, csrf_of, sign_in


def _owner(world) -> str:
    return f"owner@{world.slug}.example"


async def _client_count(world) -> int:
    with tenant_scope(world.ctx):
        return await clients.count_clients()


# --- staff without a branch ------------------------------------------------------------------


async def test_branch_roles_need_a_branch_and_owners_fix_branches_in_the_ui(backend, tenant_a):
    # A colleague invited before the rule (or by a system caller): a reception without branch.
    with tenant_scope(tenant_a.ctx):
        stranded, _ = await add_staff(
            email=f"stranded@{tenant_a.slug}.example", name="Stranded", role="reception", password=PASSWORD
        )
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, _owner(tenant_a))
        page = await client.get("/app/admin/staff")
        row = page.text.split(f'data-staff="{stranded.email}"', 1)[1].split("</tr>", 1)[0]
        assert f'data-no-branch="{stranded.email}"' in row  # told, and the branch form is open
        assert '<details class="inline" open>' in row
        token = csrf_of(page.text)

        refused = await client.post(
            "/app/admin/staff",
            data={
                "name": "Nobranch",
                "email": "nobranch@example.com",
                "role": "reception",
                "_csrf_token": token,
            },
        )
        assert refused.status_code == 422
        assert 'id="branch-error"' in refused.text and "Choose at least one branch" in refused.text
        assert 'value="nobranch@example.com"' in refused.text  # what was typed is kept

        # The owner gives the stranded colleague a branch on the page.
        fixed = await client.post(
            f"/app/admin/staff/{stranded.id}/branches",
            data={"branch": "Main street", "_csrf_token": token},
            follow_redirects=False,
        )
        assert fixed.status_code == 303 and fixed.headers["location"] == "/app/admin/staff?saved=1"
        assert 'id="staff-saved"' in (await client.get(fixed.headers["location"])).text
        # ... and cannot take a branch role's last branch away.
        emptied = await client.post(
            f"/app/admin/staff/{stranded.id}/branches", data={"_csrf_token": token}, follow_redirects=False
        )
        assert emptied.status_code == 422 and "Choose at least one branch" in emptied.text
        assert "Nothing was changed." in emptied.text
        # A privacy officer works chain-wide: no branch needed.
        officer = await client.post(
            "/app/admin/staff",
            data={"name": "Pia", "email": "pia@example.com", "role": "privacy_officer", "_csrf_token": token},
        )
        assert officer.status_code == 200 and 'id="invite-link"' in officer.text
    with tenant_scope(tenant_a.ctx):
        rows = {row.email: row for row in await staff_service.staff_rows()}
    assert "nobranch@example.com" not in rows
    assert rows[stranded.email].branch_names == ("Main street",)
    assert rows["pia@example.com"].branch_names == ()


async def test_core_refuses_branch_roles_without_branch(backend, tenant_a):
    owner_ctx = tenant_a.ctx.__class__(
        tenant_id=tenant_a.ctx.tenant_id, actor_id=tenant_a.owner_id, role="owner", actor_label="owner"
    )
    with tenant_scope(owner_ctx):
        for role in ("branch_manager", "practitioner", "reception"):
            with pytest.raises(ValidationFailed) as refused:
                await staff_service.invite(f"{role}@example.com", "X", role, [])
            assert refused.value.errors == {"branch": staff_service.NO_BRANCH}
        # A bad e-mail is reported with the missing branch, not instead of it.
        with pytest.raises(ValidationFailed) as both:
            await staff_service.invite("nope", "X", "reception", [])
        assert set(both.value.errors) == {"email", "branch"}
        officer, _ = await staff_service.invite("po@example.com", "Po", "privacy_officer", [])
        # Making the branchless officer a practitioner would strand them: refused.
        with pytest.raises(ValidationFailed):
            await staff_service.change_role(officer.id, "practitioner")
        async with unit_of_work(owner_ctx):
            role = (
                await scoped.select(StaffMember, StaffMember.role).where(StaffMember.id == officer.id).first()
            )
        assert role["role"] == "privacy_officer"


def _bound_engine():
    """The engine the test session bound, if any (the CLI binds and stops its own)."""
    try:
        return db.get_engine()
    except Exception:
        return None


def test_cli_refuses_a_branch_role_without_branch(sqlite_backend, monkeypatch):
    """In-process (typer's CliRunner): one line naming the field, exit 2, nobody added."""
    for name, value in sqlite_backend.env.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    slug = f"cli-{uuid.uuid4().hex[:8]}"
    engine = _bound_engine()
    try:
        created = runner.invoke(
            cli_app,
            [
                "tenant",
                "create",
                "--slug",
                slug,
                "--name",
                "Cli",
                "--time-zone",
                "Europe/Helsinki",
                "--country",
                "FI",
            ],
        )
        assert created.exit_code == 0, created.output
        refused = runner.invoke(
            cli_app,
            ["staff", "add", "-t", slug, "--email", "r@example.com", "--name", "R", "--role", "reception"],
        )
        assert refused.exit_code == 2
        assert refused.stderr.strip() == f"error: branch: {staff_service.NO_BRANCH}"
        listed = runner.invoke(cli_app, ["staff", "list", "-t", slug])
        assert "r@example.com" not in listed.output
    finally:
        if engine is not None:
            db.bind(engine, all_tables())


# --- the same client twice; health data without consent; confirmations --------------------


async def test_same_phone_or_email_warns_and_offers_the_existing_client(backend, tenant_a):
    existing = await add_client(tenant_a, allergies="", health_notes="")
    base = {"first_name": "Aino", "last_name": "Uusi", "branch_id": str(tenant_a.branch_id), "kind": "new"}
    before = await _client_count(tenant_a)  # (before the app binds its own engine)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, _owner(tenant_a))
        token = csrf_of((await client.get("/app/clients/new")).text)
        # The same number typed the national way, the same address in other letter case.
        for typed in ({"phone": "040 123 4567"}, {"email": "AINO@Example.COM"}):
            warned = await client.post("/app/clients", data={**base, **typed, "_csrf_token": token})
            assert warned.status_code == 409, typed
            assert 'id="duplicate-warning"' in warned.text
            assert f'href="/app/clients/{existing.id}"' in warned.text
            assert 'name="confirm_duplicate"' in warned.text
            assert 'value="Uusi"' in warned.text  # nothing typed is lost
        assert "No client matches" in (await client.get("/app/clients?q=Uusi")).text  # nothing saved
        # Another phone and e-mail: no warning.
        other = await client.post(
            "/app/clients",
            data={**base, "phone": "040 765 4321", "_csrf_token": token},
            follow_redirects=False,
        )
        assert other.status_code == 303
        # Creating anyway is possible, with the explicit confirmation.
        anyway = await client.post(
            "/app/clients",
            data={**base, "phone": "040 123 4567", "confirm_duplicate": "1", "_csrf_token": token},
            follow_redirects=False,
        )
        assert anyway.status_code == 303 and anyway.headers["location"].endswith("?saved=created")
        assert "Client saved." in (await client.get(anyway.headers["location"])).text
    assert await _client_count(tenant_a) == before + 2


async def test_duplicates_of_other_branches_are_not_named_to_branch_staff(backend, tenant_a):
    from salonkeep.tenants.onboarding import add_branch

    with tenant_scope(tenant_a.ctx):
        harbour = await add_branch(name="Harbour")
        await create_client(ClientInput(branch_id=harbour.id, first_name="Hidden", phone="+358401112233"))
    reception = await add_person(tenant_a, "reception")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, reception)
        token = csrf_of((await client.get("/app/clients/new")).text)
        saved = await client.post(
            "/app/clients",
            data={
                "first_name": "New",
                "phone": "0401112233",
                "branch_id": str(tenant_a.branch_id),
                "_csrf_token": token,
            },
            follow_redirects=False,
        )
        assert saved.status_code == 303  # nothing about the other branch's client is told


async def test_health_data_without_consent_warns_and_records_the_consent(backend, tenant_a):
    base = {"first_name": "Helka", "branch_id": str(tenant_a.branch_id), "allergies": "Latex"}
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, _owner(tenant_a))
        token = csrf_of((await client.get("/app/clients/new")).text)
        warned = await client.post("/app/clients", data={**base, "_csrf_token": token})
        assert warned.status_code == 409 and 'id="health-consent-warning"' in warned.text
        assert 'value="record"' in warned.text and 'value="skip"' in warned.text
        assert consent.wording(consent.Purpose.HEALTH_DATA, "en") in warned.text
        assert "No client matches" in (await client.get("/app/clients?q=Helka")).text  # nothing saved
        # Recording needs the channel it was given through.
        no_channel = await client.post(
            "/app/clients", data={**base, "health_consent": "record", "_csrf_token": token}
        )
        assert no_channel.status_code == 422 and 'id="consent_channel-error"' in no_channel.text
        recorded = await client.post(
            "/app/clients",
            data={
                **base,
                "health_consent": "record",
                "consent_channel": "paper_scanned",
                "_csrf_token": token,
            },
            follow_redirects=False,
        )
        assert recorded.status_code == 303
        helka = uuid.UUID(urlsplit(recorded.headers["location"]).path.rsplit("/", 1)[1])
        # Saving without the consent stays possible, explicitly.
        skipped = await client.post(
            "/app/clients",
            data={**base, "first_name": "Ilona", "health_consent": "skip", "_csrf_token": token},
            follow_redirects=False,
        )
        assert skipped.status_code == 303
        ilona = uuid.UUID(urlsplit(skipped.headers["location"]).path.rsplit("/", 1)[1])
        # Editing Helka (consent granted) asks nothing; giving Ilona new allergies asks again.
        edit = {**base, "kind": "new", "allergies": "Latex, nickel", "_csrf_token": token}
        assert (
            await client.post(f"/app/clients/{helka}", data=edit, follow_redirects=False)
        ).status_code == 303
        again = await client.post(f"/app/clients/{ilona}", data={**edit, "first_name": "Ilona"})
        assert again.status_code == 409 and 'id="health-consent-warning"' in again.text
        updated = await client.post(
            f"/app/clients/{ilona}",
            data={**edit, "first_name": "Ilona", "health_consent": "skip"},
            follow_redirects=False,
        )
        assert updated.status_code == 303 and updated.headers["location"].endswith("?saved=updated")
        assert 'id="client-saved"' in (await client.get(updated.headers["location"])).text
    with tenant_scope(tenant_a.ctx):
        assert await consent.allows(helka, consent.Purpose.HEALTH_DATA)
        assert not await consent.allows(ilona, consent.Purpose.HEALTH_DATA)
        assert (await clients.get_client(ilona)).allergies == "Latex, nickel"


async def test_settings_save_is_confirmed(backend, tenant_a):
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, _owner(tenant_a))
        page = await client.get("/app/admin/settings")
        assert 'id="settings-saved"' not in page.text
        saved = await client.post(
            "/app/admin/settings",
            data={"idle_lock_seconds": "300", "_csrf_token": csrf_of(page.text)},
            follow_redirects=False,
        )
        assert saved.status_code == 303 and saved.headers["location"] == "/app/admin/settings?saved=1"
        shown = await client.get(saved.headers["location"])
        assert 'id="settings-saved"' in shown.text and "Settings saved." in shown.text


# --- the lock screen goes back where the person was --------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/app/clients?q=aino", "/app/clients?q=aino"),
        ("/app/clients/1234", "/app/clients/1234"),
        ("https://evil.example/app", "/app"),
        ("//evil.example/app", "/app"),
        ("/\\evil.example", "/app"),
        ("/app\\..\\evil", "/app"),
        ("/app/../login", "/app"),
        ("http:/app", "/app"),
        ("/application", "/app"),
        ("/app/lock", "/app"),
        ("/app/clients\r\nLocation: https://evil.example", "/app"),
        ("", "/app"),
    ],
)
def test_return_path_is_a_workspace_path_only(given, expected):
    assert safe_return_path(given) == expected


async def test_unlocking_returns_to_the_page_and_never_elsewhere(backend, tenant_a):
    person = await add_client(tenant_a, first_name="Helmi")
    profile = f"/app/clients/{person.id}?saved=updated"
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, _owner(tenant_a))
        token = csrf_of((await client.get(profile)).text)
        locked = await client.post(
            "/app/lock", data={"next": profile, "_csrf_token": token}, follow_redirects=False
        )
        assert locked.status_code == 303
        assert parse_qs(urlsplit(locked.headers["location"]).query) == {"next": [profile]}
        # The server-side lock sends a page request to the lock screen with its address too.
        redirected = await client.get("/app/clients?q=Hel", follow_redirects=False)
        assert parse_qs(urlsplit(redirected.headers["location"]).query) == {"next": ["/app/clients?q=Hel"]}
        page = await client.get(locked.headers["location"])
        assert "Helmi" not in page.text and 'name="next"' in page.text
        back = await client.post(
            "/app/unlock",
            data={"secret": PASSWORD, "next": profile, "_csrf_token": token},
            follow_redirects=False,
        )
        assert back.status_code == 303 and back.headers["location"] == profile
        # An address of another site is refused: Today instead.
        await client.post("/app/lock", data={"_csrf_token": token})
        away = await client.post(
            "/app/unlock",
            data={"secret": PASSWORD, "next": "https://evil.example/steal", "_csrf_token": token},
            follow_redirects=False,
        )
        assert away.status_code == 303 and away.headers["location"] == "/app"
        await client.post("/app/lock", data={"_csrf_token": token})
        lock_page = await client.get("/app/lock?next=//evil.example/")
        assert "evil.example" not in lock_page.text


# --- the client list: a count and pages --------------------------------------------------


async def test_client_list_counts_and_pages_200_clients(backend, tenant_a):
    with tenant_scope(tenant_a.ctx):
        for number in range(200):
            await create_client(
                ClientInput(branch_id=tenant_a.branch_id, first_name="Paged", last_name=f"Client{number:03d}")
            )
    seen: list[str] = []
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, _owner(tenant_a))
        first = await client.get("/app/clients")
        assert "200 clients" in first.text and "showing 1\u201350" in first.text
        assert 'id="page-next"' in first.text and 'id="page-prev"' not in first.text
        for page in range(1, 5):
            shown = (await client.get(f"/app/clients?page={page}")).text
            assert f"Page {page} of 4" in shown
            names = [part.split("<", 1)[0] for part in shown.split(">Paged ")[1:]]
            assert len(names) == 50, page
            seen += names
        last = (await client.get("/app/clients?page=4")).text
        assert 'id="page-next"' not in last and 'id="page-prev"' in last and "showing 151\u2013200" in last
        assert "Page 4 of 4" in (await client.get("/app/clients?page=99")).text  # past the end: the last
        assert "Page 1 of 4" in (await client.get("/app/clients?page=x")).text
        searched = (await client.get("/app/clients?q=client19")).text
        assert "10 clients" in searched and 'id="client-pages"' not in searched
    assert sorted(seen) == [f"Client{number:03d}" for number in range(200)]


# --- Today's search, 404 pages, programme settings, favicon ------------------------------


async def test_today_search_answers_as_one_types(backend, tenant_a):
    person = await add_client(tenant_a, first_name="Tuulikki", last_name="Typer")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, _owner(tenant_a))
        today = (await client.get("/app")).text
        box = today.split('id="today-search"', 1)[1].split(">", 1)[0]
        assert (
            'hx-get="/app/clients"' in box and "input changed" in box and 'hx-target="#today-results"' in box
        )
        assert 'id="today-results"' in today
        htmx = {"hx-request": "true"}
        found = await client.get("/app/clients", params={"q": "tuul", "view": "today"}, headers=htmx)
        assert f'href="/app/clients/{person.id}"' in found.text and "<html" not in found.text
        empty = await client.get("/app/clients", params={"q": "", "view": "today"}, headers=htmx)
        assert "/app/clients/" not in empty.text  # nothing listed before a word is typed


async def test_mistyped_app_address_is_a_page_in_the_layout_and_the_api_keeps_json(backend, tenant_a):
    async with AsyncTestClient(create_app(backend.settings)) as client:
        assert (await client.get("/app/no-such-page", follow_redirects=False)).headers["location"] == "/login"
        await sign_in(client, tenant_a.slug, _owner(tenant_a))
        for path in ("/app/no-such-page", "/app/clinets", "/app/no/such/page"):
            page = await client.get(path)
            assert page.status_code == 404, path
            assert page.headers["content-type"].startswith("text/html"), path
            assert 'data-nav="clients"' in page.text and "Not found." in page.text, path
        # Below a known section the router itself refuses (an id that is no id, a page that
        # does not exist): a page too, with the way back (without the navigation).
        for path in ("/app/clients/not-an-id/edit", "/app/admin/nothing/here"):
            page = await client.get(path)
            assert page.status_code == 404 and page.headers["content-type"].startswith("text/html"), path
            assert "Page not found" in page.text and 'href="/app"' in page.text, path
        outside = await client.get("/no-such-page")
        assert outside.status_code == 404 and outside.headers["content-type"].startswith("text/html")
        assert "Page not found" in outside.text
        api = await client.get("/api/v1/no-such-thing")
        assert api.status_code == 404 and api.json()["detail"] == "Not found"


async def test_programme_setting_that_is_not_a_number_gets_a_field_error_in_words(backend, tenant_a):
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, _owner(tenant_a))
        token = csrf_of((await client.get("/app/admin/programmes")).text)
        bad = await client.post(
            "/app/admin/programmes/product_follow_up",
            data={
                "retry_after_hours": "x",
                "max_attempts": "99",
                "slimming_days": "1, x",
                "_csrf_token": token,
            },
        )
        assert bad.status_code == 422
        assert "invalid literal" not in bad.text
        assert "Enter a whole number, such as 24." in bad.text
        assert "Enter 10 or less." in bad.text
        assert "Enter whole numbers separated by commas" in bad.text


async def test_favicon_is_linked_and_served(backend, tenant_a):
    async with AsyncTestClient(create_app(backend.settings)) as client:
        login = await client.get("/login")
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in login.text
        icon = await client.get("/static/favicon.svg")
        assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
        assert icon.text.startswith("<svg")
