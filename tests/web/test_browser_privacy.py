"""The privacy screens in Chromium against a real uvicorn server (one server per module)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.async_api import expect

from .staff_helpers import add_client, add_person
from .test_browser_staff import _sign_in, browser, server  # noqa: F401 - module-scoped fixtures

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_consent_panel_audit_history_export_and_erasure(backend, tenant_a, server, browser):  # noqa: F811
    officer = await add_person(tenant_a, "privacy_officer")
    person = await add_client(tenant_a, first_name="Helmi", last_name="Unohdettava")

    # The owner records a grant in store; the panel swaps in place and shows the state.
    context = await browser.new_context()
    page = await context.new_page()
    await _sign_in(page, server, tenant_a.slug, f"owner@{tenant_a.slug}.example")
    await expect(page).to_have_url(f"{server}/app")
    await page.goto(f"{server}/app/clients/{person.id}/s/consent")
    row = page.locator("#consent-state tr[data-purpose=marketing_email]")
    await expect(row.locator(".state")).to_have_text("never asked")
    await row.locator("button[value=grant]").click()
    await expect(page.locator("#consent-notice")).to_be_visible()
    await expect(page.locator("#consent-state tr[data-purpose=marketing_email] .state")).to_have_text(
        "granted"
    )
    await expect(page.locator("#consent-history")).to_contain_text("Tablet in the salon")
    assert f"/t/{tenant_a.slug}/consent/" in await page.locator("#self-service-link").input_value()
    # The audit history shows who looked at the record (field names, never values).
    await page.click("#tab-audit")  # the Audit trail tab, loaded by htmx
    await expect(page).to_have_url(f"{server}/app/clients/{person.id}/s/audit")
    await expect(page.locator("#audit-panel tr[data-action=view]").first).to_be_visible()
    granted = page.locator('#audit-panel tr[data-action="consent.grant"]').first
    await expect(granted).to_contain_text("Consent given")  # the action in words
    await context.close()

    # The privacy officer exports, then erases after the confirmation step.
    context = await browser.new_context(accept_downloads=True)
    page = await context.new_page()
    await _sign_in(page, server, tenant_a.slug, officer)
    await expect(page).to_have_url(f"{server}/app")
    await page.goto(f"{server}/app/clients/{person.id}/s/consent")
    await expect(page.locator("#consent-state")).to_be_visible()
    assert await page.locator(".consent-form").count() == 0  # read-only for the privacy officer
    await page.goto(f"{server}/app/clients/{person.id}/s/audit")
    await expect(page.locator("#audit-panel")).to_contain_text("privacy_officer")
    await page.click("#tab-privacy")
    await expect(page).to_have_url(f"{server}/app/clients/{person.id}/s/privacy")
    await page.click("#privacy-actions")
    async with page.expect_download() as download_info:
        await page.click("#export-json")
    download = await download_info.value
    exported = json.loads(Path(await download.path()).read_text(encoding="utf-8"))
    assert exported["client"]["last_name"] == "Unohdettava"
    async with context.expect_page() as popup_info:
        await page.click("#export-html")
    readable = await popup_info.value
    await expect(readable.locator("body")).to_contain_text("Unohdettava")
    await readable.close()

    await page.click("#erase-start")
    await page.fill("#confirm", "Helmi")
    await page.fill("#reason", "client asked in store")
    await page.click("#erase-submit")
    await expect(page.locator("#confirm-error")).to_be_visible()
    await page.fill("#confirm", "ERASE")
    await page.click("#erase-submit")
    await expect(page).to_have_url(f"{server}/app/clients/{person.id}")
    await expect(page.locator("#client-name")).not_to_contain_text("Unohdettava")
    content = await page.content()
    assert "Helmi" not in content and "Unohdettava" not in content
    await context.close()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_break_glass_then_the_privacy_officer_acknowledges(backend, tenant_a, server, browser):  # noqa: F811
    from salonkeep.core.clients.service import ClientInput, create_client
    from salonkeep.tenants.context import tenant_scope
    from salonkeep.tenants.onboarding import add_branch

    nurse = await add_person(tenant_a, "practitioner")  # works at Main street (branch A)
    officer = await add_person(tenant_a, "privacy_officer")
    with tenant_scope(tenant_a.ctx):
        harbour = await add_branch(name="Harbour")  # branch B
        person = await create_client(
            ClientInput(branch_id=harbour.id, first_name="Mei", last_name="Harbour", allergies="Penicillin")
        )

    context = await browser.new_context()
    page = await context.new_page()
    await _sign_in(page, server, tenant_a.slug, nurse)
    await expect(page).to_have_url(f"{server}/app")
    await page.goto(f"{server}/app/clients/{person.id}/break-glass")
    await page.click("#break-glass-open")  # no reason: refused
    await expect(page.locator("#reason-error")).to_be_visible()
    await page.select_option("#reason", "emergency")
    await page.fill("#note", "Client collapsed at Main street")
    await page.click("#break-glass-open")
    await expect(page).to_have_url(f"{server}/app/clients/{person.id}")
    await expect(page.locator("#break-glass-banner")).to_be_visible()
    await expect(page.locator("[data-field=allergies]")).to_have_text("Penicillin")
    await context.close()

    context = await browser.new_context()
    page = await context.new_page()
    await _sign_in(page, server, tenant_a.slug, officer)
    await expect(page).to_have_url(f"{server}/app")
    await page.goto(f"{server}/app/privacy")
    await page.click("#open-alerts-banner a")
    row = page.locator("#open-alerts tr[data-kind=break_glass]")
    await expect(row).to_contain_text("Client collapsed at Main street")
    await row.locator("a").click()
    await expect(page.locator("#alert-detail tr[data-action=break_glass]")).to_be_visible()
    await page.fill("#note", "Checked with Main street: genuine emergency")
    await page.click("#acknowledge")
    await expect(page.locator("#no-open-alerts")).to_be_visible()
    await expect(page.locator("#acknowledged-alerts")).to_contain_text("genuine emergency")
    await page.goto(f"{server}/app/clients/{person.id}/access-report")
    await expect(page.locator("#access-report tr[data-action=break_glass]")).to_contain_text("emergency")
    await context.close()
