"""Break-glass and the privacy officer's alerts over HTTP (both backends)."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.onboarding import add_branch
from salonkeep.web.app import create_app

from .staff_helpers import add_client, add_person, as_browser, csrf_of, set_tenant_settings, sign_in


async def _harbour_client(world):
    with tenant_scope(world.ctx):
        harbour = await add_branch(name="Harbour")
        return await create_client(
            ClientInput(branch_id=harbour.id, first_name="Mei", allergies="Penicillin HEALTH-MARK")
        )


async def test_break_glass_then_the_officer_acknowledges(backend, tenant_a):
    nurse = await add_person(tenant_a, "practitioner")
    officer = await add_person(tenant_a, "privacy_officer")
    person = await _harbour_client(tenant_a)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, nurse)
        assert (await client.get(f"/app/clients/{person.id}")).status_code == 404
        form = await client.get(f"/app/clients/{person.id}/break-glass")
        assert form.status_code == 200 and "30" in form.text
        token = csrf_of(form.text)
        url = f"/app/clients/{person.id}/break-glass"
        refused = await client.post(url, data={"reason": "", "note": "", "_csrf_token": token})
        assert (
            refused.status_code == 422
            and 'id="reason-error"' in refused.text
            and 'id="note-error"' in refused.text
        )
        opened = await client.post(
            url, data={"reason": "emergency", "note": "Collapsed in our branch", "_csrf_token": token}
        )
        assert opened.status_code == 200 and str(opened.url).endswith(f"/app/clients/{person.id}")
        assert "HEALTH-MARK" in opened.text and 'id="break-glass-banner"' in opened.text
        nurse_session = as_browser(client, None)

        await sign_in(client, tenant_a.slug, officer)
        board = await client.get("/app/privacy")
        assert 'id="open-alerts-banner"' in board.text
        listing = await client.get("/app/privacy/alerts")
        assert "Collapsed in our branch" in listing.text and 'data-kind="break_glass"' in listing.text
        alert_url = listing.text.split('href="/app/privacy/alerts/')[1].split('"')[0]
        detail = await client.get(f"/app/privacy/alerts/{alert_url}")
        assert 'data-action="break_glass"' in detail.text
        token = csrf_of(detail.text)
        empty = await client.post(
            f"/app/privacy/alerts/{alert_url}/acknowledge", data={"note": " ", "_csrf_token": token}
        )
        assert empty.status_code == 422 and 'id="note-error"' in empty.text
        done = await client.post(
            f"/app/privacy/alerts/{alert_url}/acknowledge",
            data={"note": "Confirmed with the branch manager", "_csrf_token": token},
        )
        assert done.status_code == 200 and 'id="no-open-alerts"' in done.text
        assert "Confirmed with the branch manager" in done.text
        report = await client.get(f"/app/clients/{person.id}/access-report")
        assert 'data-action="break_glass"' in report.text and "emergency (grant" in report.text
        assert report.text.count("break-glass") >= 1  # the views made under it
        as_browser(client, nurse_session)
        assert (await client.get("/app/privacy/alerts")).status_code == 403


async def test_a_role_without_health_fields_gets_the_link_and_owners_turn_it_off(backend, tenant_a):
    reception = await add_person(tenant_a, "reception")
    person = await add_client(tenant_a)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, reception)
        profile = await client.get(f"/app/clients/{person.id}")
        assert 'id="break-glass-link"' in profile.text and "ALLERGY-MARK" not in profile.text
    await set_tenant_settings(tenant_a, break_glass_disabled_roles=["reception"])
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, reception)
        form = await client.get(f"/app/clients/{person.id}/break-glass")
        assert 'id="break-glass-off"' in form.text
        token = csrf_of(form.text)
        posted = await client.post(
            f"/app/clients/{person.id}/break-glass",
            data={"reason": "emergency", "note": "x", "_csrf_token": token},
        )
        assert posted.status_code == 403
        assert "ALLERGY-MARK" not in (await client.get(f"/app/clients/{person.id}")).text


async def test_the_owner_sets_break_glass_on_the_settings_page(backend, tenant_a):
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example")
        page = await client.get("/app/admin/settings")
        token = csrf_of(page.text)
        bad = await client.post(
            "/app/admin/settings/break-glass", data={"break_glass_minutes": "0", "_csrf_token": token}
        )
        assert bad.status_code == 422 and 'id="break_glass_minutes-error"' in bad.text
        saved = await client.post(
            "/app/admin/settings/break-glass",
            data={"break_glass_minutes": "15", "break_glass_off_reception": "1", "_csrf_token": token},
        )
        assert saved.status_code == 200
        assert 'name="break_glass_off_reception" value="1" checked' in saved.text
        assert 'value="15"' in saved.text
