"""The staff UI in Chromium against a real uvicorn server (one server per module)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from ..live_server import web_server
from .staff_helpers import PASSWORD, add_client, add_person, set_tenant_settings

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(sqlite_backend) -> Iterator[str]:
    """uvicorn serving the app on a free port, on the migrated SQLite database."""
    with web_server(sqlite_backend.env) as base:
        yield base


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless."""
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        yield chromium
        await chromium.close()


async def _sign_in(page: Page, base: str, slug: str | None, email: str, password: str = PASSWORD) -> None:
    await page.goto(f"{base}/login")
    if slug is not None:
        await page.fill("#tenant", slug)
    await page.fill("#email", email)
    await page.fill("#password", password)
    await page.click("button[type=submit]")


# The server runs on the SQLite backend; this process binds to the same database.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_reception_day_search_edit_sell_lock_unlock(backend, tenant_a, server, browser):
    reception = await add_person(tenant_a, "reception")
    practitioner = await add_person(tenant_a, "practitioner")
    person = await add_client(tenant_a, first_name="Aino", last_name="Virtanen", phone="+358401234567")
    await add_client(tenant_a, first_name="Bertta", last_name="Koski", phone="+358407654321")
    context = await browser.new_context()
    page = await context.new_page()

    await _sign_in(page, server, tenant_a.slug, reception)
    await expect(page).to_have_url(f"{server}/app")
    await expect(page.locator("#followups .empty")).to_be_visible()

    # Today's search answers as one types too (issue 17), without leaving Today.
    await page.locator("#today-search").press_sequentially("Ain", delay=60)
    await expect(page.locator("#today-results li")).to_have_count(1)
    await expect(page.locator("#today-results li").first).to_contain_text("Aino Virtanen")
    await expect(page).to_have_url(f"{server}/app")

    # Search as you type: htmx swaps the result list, the page does not navigate.
    await page.click("a[data-nav=clients]")
    await page.locator("#client-search").press_sequentially("Ain", delay=60)
    results = page.locator("#results li")
    await expect(results).to_have_count(1)
    await expect(results.first).to_contain_text("Aino Virtanen")
    await expect(page).to_have_url(f"{server}/app/clients")
    await page.locator("#client-search").fill("")
    # Phone numbers match from their start, in national or international form.
    await page.locator("#client-search").press_sequentially("040 765", delay=60)
    await expect(results).to_have_count(1)
    await expect(results.first).to_contain_text("Bertta Koski")
    await page.locator("#client-search").fill("")
    await page.locator("#client-search").press_sequentially("Ain", delay=60)
    await expect(results.first).to_contain_text("Aino Virtanen")

    # The profile, as reception: contact details, no needs and no health data.
    await results.first.locator("a").click()
    await expect(page.locator("#client-name")).to_have_text("Aino Virtanen")
    await expect(page.locator("[data-field=phone]")).to_have_text("+358401234567")
    assert await page.locator("[data-field=allergies]").count() == 0
    assert "ALLERGY-MARK" not in await page.content()

    # Edit: a bad phone number is named, then a good one is saved.
    await page.click("text=Edit")
    await page.fill("#phone", "12")
    await page.click("#client-form button[type=submit]")
    await expect(page.locator("#phone-error")).to_be_visible()
    await page.fill("#phone", "050 765 4321")
    await page.click("#client-form button[type=submit]")
    await expect(page.locator("[data-field=phone]")).to_have_text("+358507654321")

    # Record a sale (its tab, loaded by htmx); the sale shows in the History tab after it.
    await page.click("#tab-record")
    await expect(page).to_have_url(f"{server}/app/clients/{person.id}/s/record")
    await page.fill("#product", "Hydrating serum")
    await page.select_option("#product-category", "care")
    await page.fill("#quantity", "2")
    await page.fill("#price", "39,90")
    await page.click("#sale-form button[type=submit]")
    await expect(page.locator("#sales")).to_contain_text("Hydrating serum")
    await expect(page).to_have_url(f"{server}/app/clients/{person.id}/s/history")
    await expect(page.locator("#sales")).to_contain_text("39.90")

    # Idle: the page removes the client data from the DOM and the server locks the session.
    await set_tenant_settings(tenant_a, idle_lock_seconds=2)
    await page.reload()
    await expect(page.locator("#client-name")).to_have_text("Aino Virtanen")
    # The lock screen keeps the page the person was on (issue 17).
    await expect(page).to_have_url(re.compile(r"/app/lock\?next=%2Fapp%2Fclients%2F"), timeout=10_000)
    await expect(page.locator("#lock-screen")).to_be_visible()
    dom = await page.content()
    for secret in ("Aino", "Virtanen", "+358507654321", "Hydrating serum"):
        assert secret not in dom
    assert await page.title() != "Aino Virtanen · Salonkeep"
    # Going back or straight to the profile only shows the lock screen.
    await page.goto(f"{server}/app/clients/{person.id}")
    await expect(page).to_have_url(f"{server}/app/lock?next=%2Fapp%2Fclients%2F{person.id}")
    assert "Aino" not in await page.content()

    # The same person unlocks with their password.
    await set_tenant_settings(tenant_a, idle_lock_seconds=300)
    await page.fill("#secret", "Wrong-Passw0rd")
    await page.click("#lock-screen form[action='/app/unlock'] button")
    await expect(page.locator("#lock-screen .error")).to_be_visible()
    await page.fill("#secret", PASSWORD)
    await page.click("#lock-screen form[action='/app/unlock'] button")
    # Unlocking goes back to the page the person was on.
    await expect(page).to_have_url(f"{server}/app/clients/{person.id}")
    await expect(page.locator("#client-name")).to_have_text("Aino Virtanen")

    # Another staff member signs in as themselves from the lock screen.
    await page.click("form[action='/app/lock'] button")
    await expect(page).to_have_url(f"{server}/app/lock?next=%2Fapp%2Fclients%2F{person.id}")
    await page.click("text=Sign in as someone else")
    await expect(page).to_have_url(f"{server}/login")
    await expect(page.locator("#tenant")).to_have_value(tenant_a.slug)  # remembered
    await page.fill("#email", practitioner)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.goto(f"{server}/app/clients/{person.id}")
    await expect(page.locator("[data-field=allergies]")).to_contain_text("ALLERGY-MARK")
    await context.close()


# The server runs on the SQLite backend; this process binds to the same database.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_sign_in_page_and_navigation_languages(backend, tenant_a, server, browser):
    email = await add_person(tenant_a, "reception")
    context = await browser.new_context(locale="fi-FI")
    page = await context.new_page()
    await page.goto(f"{server}/login")
    await expect(page.locator("h1")).to_have_text("Kirjaudu sisään")
    await page.click("text=中文")
    await expect(page.locator("h1")).to_have_text("登录")
    await expect(page.locator("label[for=tenant]")).to_have_text("机构")
    await page.goto(f"{server}/login?lang=ru")
    await expect(page.locator("h1")).to_have_text("Вход")
    await _sign_in(page, server, tenant_a.slug, email, "Wrong-Passw0rd")
    await expect(page.locator("#login-error")).to_be_visible()
    await expect(page.locator("#tenant")).to_have_value(tenant_a.slug)  # the form keeps it
    await _sign_in(page, server, tenant_a.slug, email)
    await expect(page).to_have_url(f"{server}/app")
    # The language picked on the sign-in page is kept (issue 17); the person's preference
    # in My account then switches the navigation.
    await expect(page.locator("a[data-nav=clients]")).to_have_text("Клиенты")
    await page.goto(f"{server}/app/account")
    await page.select_option("#language select", "fi")
    await page.click("#language button")
    await expect(page.locator("a[data-nav=clients]")).to_have_text("Asiakkaat")
    await expect(page.locator("a[data-nav=dashboard]")).to_have_text("Tänään")
    await context.close()
