"""Sign-in security of the staff UI: CSRF, session rotation, lockout, password policy,
sign-out everywhere, the server-side screen lock and the second factor."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pyotp
from litestar.testing import AsyncTestClient

from salonkeep.core import audit
from salonkeep.core import staff as staff_service
from salonkeep.tenants.context import tenant_scope
from salonkeep.web.app import create_app
from salonkeep.web.auth.sessions import COOKIE

from .staff_helpers import (
    PASSWORD,
    add_client,
    add_person,
    as_browser,
    csrf,
    csrf_of,
    form_action,
    set_tenant_settings,
    sign_in,
)


async def test_post_without_csrf_token_is_refused(backend, tenant_a):
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await client.get("/login")
        refused = await client.post(
            "/login",
            data={"tenant": tenant_a.slug, "email": f"owner@{tenant_a.slug}.example", "password": PASSWORD},
        )
        assert refused.status_code == 403
        assert COOKIE not in client.cookies
        assert (await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example")).status_code == 200
        # An htmx request without the x-csrftoken header is refused too; with it, it passes.
        token = await csrf(client)
        bare = await client.post("/app/lock", headers={"hx-request": "true"})
        assert bare.status_code == 403
        ok = await client.post("/app/lock", headers={"hx-request": "true", "x-csrftoken": token})
        assert ok.status_code in (200, 302, 303)


async def test_session_id_changes_at_sign_in(backend, tenant_a):
    async with AsyncTestClient(create_app(backend.settings)) as client:
        client.cookies.set(COOKIE, "planted-by-an-attacker", domain="testserver.local")
        await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example")
        first = client.cookies.get(COOKIE)
        assert first and first != "planted-by-an-attacker"
        assert (await client.get("/app")).status_code == 200
        # Signing in again issues yet another id and ends the previous session.
        await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example")
        second = client.cookies.get(COOKIE)
        assert second != first
    async with AsyncTestClient(create_app(backend.settings)) as other:
        other.cookies.set(COOKIE, first, domain="testserver.local")
        stale = await other.get("/app", follow_redirects=False)
        assert stale.status_code == 303 and stale.headers["location"] == "/login"


async def test_lockout_engages_on_the_sixth_wrong_password(backend, tenant_a, frozen_clock):
    email = f"owner@{tenant_a.slug}.example"
    async with AsyncTestClient(create_app(backend.settings)) as client:
        for _ in range(5):
            wrong = await sign_in(client, tenant_a.slug, email, "Wrong-Passw0rd")
            assert wrong.status_code == 401
            assert "Wrong organisation, e-mail or password." in wrong.text
        sixth = await sign_in(client, tenant_a.slug, email, "Wrong-Passw0rd")
        assert sixth.status_code == 429
        assert "Too many failed attempts" in sixth.text
        # Even the right password is refused while the lockout lasts ...
        right = await sign_in(client, tenant_a.slug, email)
        assert right.status_code == 429 and COOKIE not in client.cookies
        # ... and works again once the failures are 15 minutes old.
        frozen_clock.advance(timedelta(minutes=15, seconds=1))
        assert (await sign_in(client, tenant_a.slug, email)).status_code == 200
        assert client.cookies.get(COOKIE)


async def test_unknown_tenant_or_email_gives_the_same_answer(backend, tenant_a):
    async with AsyncTestClient(create_app(backend.settings)) as client:
        unknown_tenant = await sign_in(client, "no-such-salon", f"owner@{tenant_a.slug}.example")
        unknown_email = await sign_in(client, tenant_a.slug, "nobody@example.com")
    assert unknown_tenant.status_code == unknown_email.status_code == 401
    assert "Wrong organisation, e-mail or password." in unknown_tenant.text


async def test_weak_password_is_refused_with_a_clear_message(backend, tenant_a):
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example")
        token = await csrf(client)
        weak = await client.post(
            "/app/account/password",
            data={
                "old_password": PASSWORD,
                "new_password": "salon123",
                "new_password_again": "salon123",
                "_csrf_token": token,
            },
        )
        assert weak.status_code == 422
        assert 'id="new_password-error"' in weak.text
        assert "the password needs an upper-case letter" in weak.text
        common = await client.post(
            "/app/account/password",
            data={
                "old_password": PASSWORD,
                "new_password": "Password1",
                "new_password_again": "Password1",
                "_csrf_token": token,
            },
        )
        assert common.status_code == 422 and "most common" in common.text
        good = await client.post(
            "/app/account/password",
            data={
                "old_password": PASSWORD,
                "new_password": "Kukka-Kaali-42",
                "new_password_again": "Kukka-Kaali-42",
                "_csrf_token": token,
            },
        )
        assert good.status_code == 200 and "Your password is changed." in good.text
        await client.post("/logout", data={"_csrf_token": token})
        assert (await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example")).status_code == 401
        assert (
            await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example", "Kukka-Kaali-42")
        ).status_code == 200


async def test_sign_out_everywhere_ends_other_sessions(backend, tenant_a):
    email = f"owner@{tenant_a.slug}.example"
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, email)
        tablet = as_browser(client, None)
        await sign_in(client, tenant_a.slug, email)
        assert client.cookies.get(COOKIE) != tablet
        token = await csrf(client)
        as_browser(client, tablet)
        assert (await client.get("/app")).status_code == 200
        await client.post("/app/account/sign-out-everywhere", data={"_csrf_token": token})
        ended = await client.get("/app", follow_redirects=False)
        assert ended.status_code == 303 and ended.headers["location"].startswith("/login")


async def test_idle_session_is_locked_on_the_server(backend, tenant_a, frozen_clock):
    client_row = await add_client(tenant_a, first_name="Helmi", phone="+358409876543")
    await set_tenant_settings(tenant_a, idle_lock_seconds=60)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example")
        profile_url = f"/app/clients/{client_row.id}"
        assert "Helmi" in (await client.get(profile_url)).text
        frozen_clock.advance(timedelta(seconds=61))
        for path in (profile_url, "/app", "/app/clients?q=Helmi", "/app/admin/staff"):
            locked = await client.get(path, follow_redirects=False)
            # The lock screen keeps the page to come back to (Today is where unlocking goes anyway).
            back = "" if path == "/app" else "?" + urlencode({"next": path})
            assert locked.status_code == 303 and locked.headers["location"] == f"/app/lock{back}", path
        htmx = await client.get(
            "/app/clients?q=Helmi", headers={"hx-request": "true"}, follow_redirects=False
        )
        assert htmx.headers.get("hx-redirect") == "/app/lock" and "Helmi" not in htmx.text
        page = await client.get("/app/lock")
        assert "Screen locked" in page.text and "Helmi" not in page.text and "+358409876543" not in page.text
        token = csrf_of(page.text)
        wrong = await client.post("/app/unlock", data={"secret": "Wrong-Passw0rd", "_csrf_token": token})
        assert wrong.status_code == 401 and "Helmi" not in wrong.text
        assert (await client.get(profile_url, follow_redirects=False)).status_code == 303
        unlocked = await client.post("/app/unlock", data={"secret": PASSWORD, "_csrf_token": token})
        assert unlocked.status_code == 200 and "Helmi" in (await client.get(profile_url)).text


async def test_activity_keeps_the_screen_unlocked_and_idleness_locks_it(backend, tenant_a, frozen_clock):
    await set_tenant_settings(tenant_a, idle_lock_seconds=60)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example")
        # Requests in quick succession do not all write the session (at most one a second) ...
        for _ in range(5):
            frozen_clock.advance(timedelta(milliseconds=300))
            assert (await client.get("/app/keepalive", follow_redirects=False)).status_code == 204
        # ... yet activity every 40 s keeps a 60-second lock away for five minutes,
        for _ in range(8):
            frozen_clock.advance(timedelta(seconds=40))
            assert (await client.get("/app/keepalive", follow_redirects=False)).status_code == 204
        # and 61 s without any locks the screen.
        frozen_clock.advance(timedelta(seconds=61))
        locked = await client.get("/app/keepalive", follow_redirects=False)
        assert locked.status_code == 303 and locked.headers["location"] == "/app/lock"


async def test_unlock_with_pin_and_pin_rules(backend, tenant_a):
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example")
        token = await csrf(client)
        easy = await client.post("/app/account/pin", data={"pin": "1111", "_csrf_token": token})
        assert easy.status_code == 422 and 'id="pin-error"' in easy.text
        short = await client.post("/app/account/pin", data={"pin": "12", "_csrf_token": token})
        assert short.status_code == 422
        assert (
            await client.post("/app/account/pin", data={"pin": "4071", "_csrf_token": token})
        ).status_code == 200
        await client.post("/app/lock", data={"_csrf_token": token})
        assert (await client.get("/app", follow_redirects=False)).headers["location"] == "/app/lock"
        await client.post("/app/unlock", data={"secret": "4071", "_csrf_token": token})
        assert (await client.get("/app", follow_redirects=False)).status_code == 200


async def test_five_wrong_unlocks_end_the_session(backend, tenant_a, frozen_clock):
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example")
        token = await csrf(client)
        await client.post("/app/lock", data={"_csrf_token": token})
        for _ in range(4):
            r = await client.post("/app/unlock", data={"secret": "nope", "_csrf_token": token})
            assert r.status_code == 401
        last = await client.post(
            "/app/unlock", data={"secret": "nope", "_csrf_token": token}, follow_redirects=False
        )
        assert last.status_code in (302, 303) and last.headers["location"] == "/login"
        assert (await client.get("/app", follow_redirects=False)).headers["location"] == "/login"


async def test_totp_second_factor(backend, tenant_a, frozen_clock):
    email = await add_person(tenant_a, "branch_manager")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, email)
        setup = await client.get("/app/account/totp")
        assert "<svg" in setup.text
        secret = setup.text.split('id="totp-secret">', 1)[1].split("<", 1)[0]
        token = csrf_of(setup.text)
        bad = await client.post("/app/account/totp", data={"code": "000000", "_csrf_token": token})
        assert bad.status_code == 422 and "That code is not right." in bad.text
        # pyotp reads the real clock: use the code of the real current time.
        code = pyotp.TOTP(secret).now()
        ok = await client.post("/app/account/totp", data={"code": code, "_csrf_token": token})
        assert ok.status_code == 200 and "A second factor (authenticator app) is on." in ok.text
        frozen_clock.advance(timedelta(seconds=1))  # audit events of one test sort by time
        await client.post("/logout", data={"_csrf_token": token})
        frozen_clock.advance(timedelta(seconds=1))
        step = await sign_in(client, tenant_a.slug, email)
        assert "authenticator app" in step.text and str(step.url).endswith("/login/totp")
        half = client.cookies.get(COOKIE)
        assert (await client.get("/app", follow_redirects=False)).headers["location"] == "/login"
        frozen_clock.advance(timedelta(seconds=1))
        wrong = await client.post("/login/totp", data={"code": "123456", "_csrf_token": csrf_of(step.text)})
        assert wrong.status_code == 401
        frozen_clock.advance(timedelta(seconds=1))
        done = await client.post(
            "/login/totp", data={"code": pyotp.TOTP(secret).now(), "_csrf_token": csrf_of(step.text)}
        )
        assert done.status_code == 200 and str(done.url).endswith("/app")
        assert client.cookies.get(COOKIE) != half
    # Audited: a sign-in counts once the second factor is passed; a wrong code is a failure.
    with tenant_scope(tenant_a.ctx):
        events = await audit.search_events()
    signing = [e for e in reversed(events) if e.subject == "staff" and e.action.startswith("sign_")]
    assert [(e.action, e.reason) for e in signing] == [
        ("sign_in", "password"),
        ("sign_out", ""),
        ("sign_in.failed", "wrong second-factor code"),
        ("sign_in", "password and second factor"),
    ]
    # Turning the second factor on is on the trail too, with no secret in it.
    (turned_on,) = [e for e in events if e.action == "account.change"]
    assert [(c.field, c.before, c.after) for c in turned_on.changes] == [("second_factor", False, True)]


async def test_owner_can_require_totp_for_managers(backend, tenant_a):
    manager = await add_person(tenant_a, "branch_manager")
    reception = await add_person(tenant_a, "reception")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example")
        token = await csrf(client)
        refused = await client.post(
            "/app/admin/settings", data={"idle_lock_seconds": "5", "_csrf_token": token}
        )
        assert refused.status_code == 422 and 'id="idle_lock_seconds-error"' in refused.text
        saved = await client.post(
            "/app/admin/settings",
            data={"idle_lock_seconds": "120", "require_totp_for_managers": "1", "_csrf_token": token},
        )
        # The owner is a manager too: from now on their own pages ask for the second factor first.
        assert str(saved.url).endswith("/app/account/totp")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, manager)
        forced = await client.get("/app/clients", follow_redirects=False)
        assert forced.headers["location"] == "/app/account/totp"
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, reception)
        assert (await client.get("/app/clients", follow_redirects=False)).status_code == 200


async def test_settings_form_refuses_bad_values_by_field_and_saves_nothing(backend, tenant_a):
    owner = f"owner@{tenant_a.slug}.example"
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, owner)
        page = await client.get("/app/admin/settings")
        assert 'name="share_clients_chain_wide" value="1">' in page.text  # not ticked
        token = await csrf(client)
        refused = await client.post(
            "/app/admin/settings",
            data={
                "idle_lock_seconds": "90",
                "require_totp_for_managers": "perhaps",
                "share_clients_chain_wide": "maybe",
                "_csrf_token": token,
            },
        )
        assert refused.status_code == 422
        assert 'id="require_totp_for_managers-error"' in refused.text
        assert 'id="share_clients_chain_wide-error"' in refused.text
        assert 'id="idle_lock_seconds-error"' not in refused.text and 'value="90"' in refused.text
    with tenant_scope(tenant_a.ctx):
        assert await staff_service.security_settings() == {
            "idle_lock_seconds": 300,
            "require_totp_for_managers": False,
            "share_clients_chain_wide": False,
        }
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, owner)
        token = await csrf(client)
        saved = await client.post(
            "/app/admin/settings",
            data={"idle_lock_seconds": "90", "share_clients_chain_wide": "1", "_csrf_token": token},
        )
        assert saved.status_code == 200 and 'name="share_clients_chain_wide" value="1" checked' in saved.text
    with tenant_scope(tenant_a.ctx):
        assert (await staff_service.security_settings())["share_clients_chain_wide"] is True


async def test_deactivated_staff_lose_their_session(backend, tenant_a):
    reception = await add_person(tenant_a, "reception")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, reception)
        assert (await client.get("/app")).status_code == 200
        desk = as_browser(client, None)
        await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example")
        page = await client.get("/app/admin/staff")
        row = page.text.split(f'data-staff="{reception}"', 1)[1].split("</tr>", 1)[0]
        action = form_action(row, "/active")
        await client.post(action, data={"active": "0", "_csrf_token": csrf_of(page.text)})
        assert "deactivated" in (await client.get("/app/admin/staff")).text
        as_browser(client, desk)
        assert (await client.get("/app", follow_redirects=False)).headers["location"].startswith("/login")
        assert (await sign_in(client, tenant_a.slug, reception)).status_code == 401


async def test_nothing_is_half_saved_and_fields_are_named(backend, tenant_a):
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example")
        page = await client.get("/app/clients/new")
        token = csrf_of(page.text)
        bad = await client.post(
            "/app/clients",
            data={
                "first_name": "Kaisa",
                "phone": "12",
                "email": "not-an-email",
                "branch_id": str(tenant_a.branch_id),
                "kind": "new",
                "_csrf_token": token,
            },
        )
        assert bad.status_code == 422
        assert 'id="phone-error"' in bad.text and 'id="email-error"' in bad.text
        assert "Nothing was saved" in bad.text
        bad_date = await client.post(
            "/app/clients",
            data={
                "first_name": "Kaisa",
                "date_of_birth": "31.02.1990",
                "branch_id": str(tenant_a.branch_id),
                "_csrf_token": token,
            },
        )
        assert bad_date.status_code == 422 and 'id="date_of_birth-error"' in bad_date.text
        future = await client.post(
            "/app/clients",
            data={
                "first_name": "Kaisa",
                "date_of_birth": "2999-01-01",
                "branch_id": str(tenant_a.branch_id),
                "_csrf_token": token,
            },
        )
        assert future.status_code == 422 and "is in the future" in future.text
        no_name = await client.post(
            "/app/clients",
            data={"first_name": " ", "branch_id": str(tenant_a.branch_id), "_csrf_token": token},
        )
        assert no_name.status_code == 422 and 'id="first_name-error"' in no_name.text
        # Nothing was saved by any of the refused forms.
        assert "No client matches" in (await client.get("/app/clients?q=Kaisa")).text
        made = await client.post(
            "/app/clients",
            data={
                "first_name": "Kaisa",
                "phone": "040 123 4567",
                "email": "Kaisa@Example.com",
                "branch_id": str(tenant_a.branch_id),
                "kind": "new",
                "_csrf_token": token,
            },
        )
        assert made.status_code == 200 and "+358401234567" in made.text and "kaisa@example.com" in made.text
        client_url = str(made.url).split("?", 1)[0]  # the profile, without its "saved" notice
        sale = await client.post(
            f"{client_url}/sales",
            data={
                "product": "Serum",
                "category": "care",
                "quantity": "0",
                "price": "abc",
                "_csrf_token": token,
            },
        )
        assert (
            sale.status_code == 422 and 'id="quantity-error"' in sale.text and 'id="price-error"' in sale.text
        )
        history = await client.get(f"{client_url}/s/history")
        assert history.status_code == 200 and "No purchases yet." in history.text  # nothing half-saved
