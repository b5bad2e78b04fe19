"""The content security policy in Chromium: the pages work under it (htmx panels, the copy and
print buttons) and the browser reports no violation anywhere."""

from __future__ import annotations

import pytest
from playwright.async_api import ConsoleMessage, expect

from .staff_helpers import add_client
from .test_browser_staff import _sign_in, browser, server  # noqa: F401 - module-scoped fixtures

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_pages_work_under_the_policy_without_a_violation(backend, tenant_a, server, browser):  # noqa: F811
    person = await add_client(tenant_a, first_name="Kaisla", last_name="Tiukka")
    context = await browser.new_context()
    await context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = await context.new_page()
    violations: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            violations.append(message.text)

    page.on("console", watch)
    await _sign_in(page, server, tenant_a.slug, f"owner@{tenant_a.slug}.example")
    await expect(page).to_have_url(f"{server}/app")
    await page.goto(f"{server}/app/clients/{person.id}")
    # The sections arrive by htmx as their tabs are clicked.
    await page.click("#tab-audit")
    await expect(page.locator("#audit-panel tr[data-action=view]").first).to_be_visible()
    await page.click("#tab-consent")
    await expect(page.locator("#consent-state")).to_be_visible()
    # The copy button (salonkeep.js, no inline handler) copies the link and says so.
    copy = page.locator("[data-copy-from=self-service-link]")
    await copy.click()
    await expect(copy).to_have_text("Copied")
    link = await page.locator("#self-service-link").input_value()
    assert await page.evaluate("navigator.clipboard.readText()") == link
    # A consent answer swaps in place.
    await page.locator("#consent-state tr[data-purpose=marketing_email] button[value=grant]").click()
    await expect(page.locator("#consent-state tr[data-purpose=marketing_email] .state")).to_have_text(
        "granted"
    )
    # The printable pages: the print button is wired by salonkeep.js.
    await page.goto(f"{server}/app/clients/{person.id}/access-report")
    await page.evaluate("window.print = () => { document.body.dataset.printed = 'yes'; }")
    await page.click("[data-print]")
    await expect(page.locator("body")).to_have_attribute("data-printed", "yes")
    await page.goto(f"{server}/login")
    assert violations == []
    await context.close()
