"""The aftercare call list in Chromium against a real uvicorn server whose clock the test moves
(through SALONKEEP_CLOCK_FILE): a slimming sale, its day-2 call, an abnormal reaction and the
branch manager's urgent task."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from ..live_server import web_server
from .staff_helpers import PASSWORD, add_client, add_person

pytestmark = pytest.mark.browser


@dataclass
class Server:
    """The web server and the file its clock reads."""

    base: str
    clock_file: Path

    def set_clock(self, moment: datetime) -> None:
        """Make the server's clock read ``moment`` (then run on from there)."""
        self.clock_file.write_text(moment.isoformat())


@pytest.fixture(scope="module")
def server(sqlite_backend, tmp_path_factory) -> Iterator[Server]:
    """uvicorn on the migrated SQLite database, its clock read from a file."""
    clock_file = tmp_path_factory.mktemp("clock") / "now.txt"
    clock_file.write_text("")
    with web_server({**sqlite_backend.env, "SALONKEEP_CLOCK_FILE": str(clock_file)}) as base:
        yield Server(base, clock_file)


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless."""
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        yield chromium
        await chromium.close()


async def _sign_in(page: Page, base: str, slug: str, email: str) -> None:
    await page.goto(f"{base}/login")
    await page.fill("#tenant", slug)
    await page.fill("#email", email)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await expect(page).to_have_url(f"{base}/app")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_slimming_sale_day2_call_abnormal_reaction_urgent_task(backend, tenant_a, server, browser):
    reception = await add_person(tenant_a, "reception")
    manager = await add_person(tenant_a, "branch_manager")
    person = await add_client(tenant_a, first_name="Maija", last_name="Slim", phone="+358401112223")
    start = datetime.now(UTC).replace(microsecond=0)
    server.set_clock(start)

    context = await browser.new_context()
    page = await context.new_page()
    await _sign_in(page, server.base, tenant_a.slug, reception)
    await page.goto(f"{server.base}/app/clients/{person.id}")
    await page.click("#tab-record")  # the "Record a visit" section
    await page.fill("#product", "Slim Gel")
    await page.select_option("#product-category", "slimming")
    await page.fill("#price", "39.90")
    await page.click("#sale-form button[type=submit]")
    await expect(page.locator("#sales")).to_contain_text("Slim Gel")  # saved: the History section
    await page.click("#tab-aftercare")
    await expect(page.locator("#touchpoints")).to_contain_text("Slimming day 2: Slim Gel")
    await page.click("a[data-nav=dashboard]")
    await expect(page.locator("#followups")).not_to_contain_text("Slimming day 2")

    # Two days later the call is due: the idle lock asks for the password first.
    server.set_clock(start + timedelta(days=2))
    await page.reload()
    await expect(page).to_have_url(f"{server.base}/app/lock")
    await page.fill("#secret", PASSWORD)
    await page.click("button:has-text('Unlock')")
    await page.goto(f"{server.base}/app")
    row = page.locator("#call-list li.call").filter(has_text="Slimming day 2: Slim Gel")
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text("Maija Slim")
    await expect(row).to_contain_text("+358401112223")
    await expect(row).to_contain_text(
        "You bought Slim Gel the day before yesterday; have you started using it?"
    )
    await expect(row).to_contain_text("Product follow-ups")

    # Abnormal reaction: htmx replaces the row in place, the page does not navigate.
    await row.locator("input[value=abnormal_reaction]").check()
    await row.locator("textarea[name=note]").fill("Red, itchy skin")
    await row.locator("button[type=submit]").click()
    recorded = page.locator("#call-list li.recorded")
    await expect(recorded).to_contain_text("Abnormal reaction")
    await expect(recorded).to_contain_text("urgent task")
    await expect(page).to_have_url(f"{server.base}/app")
    await page.click("a[data-nav=call_log]")
    # Reception sees that a note exists, not the note (it can carry health information).
    await expect(page.locator(".call-log")).to_contain_text("Note (health information — hidden)")
    await expect(page.locator(".call-log")).not_to_contain_text("itchy")
    await context.close()

    # The branch manager sees the urgent task at the top of their dashboard.
    context = await browser.new_context()
    page = await context.new_page()
    await _sign_in(page, server.base, tenant_a.slug, manager)
    urgent = page.locator("#my-urgent li.urgent")
    await expect(urgent).to_have_count(1)
    await expect(urgent).to_contain_text("Abnormal reaction reported")
    await expect(urgent).to_contain_text("Maija Slim")
    await expect(urgent.locator(".badge-urgent")).to_have_text("Urgent")
    await context.close()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_owner_edits_programme_settings(backend, tenant_a, server, browser):
    server.set_clock(datetime.now(UTC))
    context = await browser.new_context()
    page = await context.new_page()
    await _sign_in(page, server.base, tenant_a.slug, f"owner@{tenant_a.slug}.example")
    await page.click("[data-navgroup=manage] > summary")  # admin screens sit in the Manage menu
    await page.click("a[data-nav=programmes]")
    form = page.locator("#programme-product_follow_up")
    await form.locator("summary").click()
    await form.locator("input[name=slimming_days]").fill("5, 2")
    await form.locator("input[name=enabled]").uncheck()
    await form.locator("button[type=submit]").click()
    form = page.locator("#programme-product_follow_up")
    await expect(form.locator(".error[data-field=slimming_days]")).to_contain_text("increasing")
    await expect(form.locator("input[name=slimming_days]")).to_have_value("5, 2")
    await form.locator("input[name=slimming_days]").fill("2, 4")
    await form.locator("button[type=submit]").click()
    await expect(page.locator(".notice")).to_contain_text("Saved")
    form = page.locator("#programme-product_follow_up")
    await expect(form.locator("input[name=enabled]")).not_to_be_checked()
    await expect(form.locator("input[name=slimming_days]")).to_have_value("2, 4")
    await context.close()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_warranty_claim_from_the_client_page_to_the_printed_receipt(backend, tenant_a, server, browser):
    """The warranty plugin's screens (its routes, client-page section and templates, brought
    through the plugin hooks) in Chromium: a device sold, a claim reported, triaged, remedied,
    completed, and the numbered receipt ready to print."""
    reception = await add_person(tenant_a, "reception")
    person = await add_client(tenant_a, first_name="Vilja", last_name="Device")
    server.set_clock(datetime.now(UTC).replace(microsecond=0))
    context = await browser.new_context()
    page = await context.new_page()
    await _sign_in(page, server.base, tenant_a.slug, reception)
    await page.goto(f"{server.base}/app/clients/{person.id}")
    await page.click("#tab-record")  # the "Record a visit" section
    await page.fill("#product", "Skin Device")
    await page.select_option("#product-category", "device")
    await page.fill("#price", "129.00")
    await page.click("#sale-form button[type=submit]")
    await page.click("#tab-warranty-claims")
    claims = page.locator("#warranty-claims")
    await expect(claims).to_contain_text("No warranty claims.")

    await expect(claims.locator("#claim-warranty option")).to_contain_text(["Skin Device"])
    await claims.locator("#claim-warranty").select_option(index=0)
    await claims.locator("#proof").fill("R-2026-1")
    await claims.locator("#claim-description").fill("Does not switch on")
    await claims.locator("#claim-form button[type=submit]").click()
    row = page.locator("#warranty-claims tr[data-claim]")
    await expect(row).to_have_attribute("data-status", "reported")
    await expect(row).to_contain_text("Does not switch on")

    await row.locator("button:has-text('Triage')").click()
    await expect(page.locator("#warranty-claims tr[data-claim]")).to_have_attribute("data-status", "in_scope")
    await page.locator("#warranty-claims tr[data-claim] select[name=remedy]").select_option("repair")
    await page.locator("#warranty-claims tr[data-claim] button:has-text('Agree remedy')").click()
    row = page.locator("#warranty-claims tr[data-claim]")
    await expect(row).to_have_attribute("data-status", "remedy_agreed")
    await row.locator("button:has-text('Remedy done')").click()

    await expect(page).to_have_url(re.compile(r"/app/warranty/claims/[0-9a-f-]{36}/receipt$"))
    await expect(page.locator("h1")).to_have_text("After-sales service receipt")
    await expect(page.locator("#receipt-number")).to_have_text(re.compile(r"^AS-\d{4}-\d{5}$"))
    await expect(page.locator("#print-button")).to_be_visible()
    await context.close()
