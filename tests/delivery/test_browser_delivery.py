"""In Chromium against a real uvicorn and a real worker process: a treatment recorded on the
profile plans its aftercare instructions; the clock file moves to daytime; ``salonkeep worker
--burst`` sends the message to a real SMTP server (aiosmtpd); the profile shows it as sent and
the owner's Reminders page counts it. (A sale plans only staff calls in the built-in
programmes, so the message comes from a medical-aesthetics service.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import expect

from salonkeep.core import consent
from salonkeep.tenants.context import tenant_scope

from ..conftest import BURST_WORKER_TIMEOUT, run_cli
from ..web.staff_helpers import add_client, add_person
from ..web.test_browser_aftercare import _sign_in, browser, server  # noqa: F401 - fixtures
from .smtp_sink import SmtpSink

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_treatment_message_is_sent_by_the_worker_and_shown_as_sent(
    backend,
    tenant_a,
    server,  # noqa: F811
    browser,  # noqa: F811
    tmp_path,
):
    practitioner = await add_person(tenant_a, "practitioner")
    person = await add_client(tenant_a, first_name="Ilona", last_name="Sent", email="ilona@client.example")
    with tenant_scope(tenant_a.ctx):
        await consent.grant(person.id, "health_data", channel="in_store_tablet", wording_shown="Health data")
    start = datetime.now(UTC).replace(microsecond=0)
    server.set_clock(start)

    context = await browser.new_context()
    page = await context.new_page()
    await _sign_in(page, server.base, tenant_a.slug, practitioner)
    await page.goto(f"{server.base}/app/clients/{person.id}")
    await page.click("#tab-record")  # the "Record a visit" section
    await page.fill("#service", "Filler")
    await page.select_option("#service-category", "medical_aesthetics")
    await page.click("#service-form button[type=submit]")
    await page.click("#tab-aftercare")
    instructions = page.locator("#touchpoints tr").filter(has_text="Aftercare instructions: Filler")
    await expect(instructions).to_contain_text("Queued")
    await context.close()

    # Daytime tomorrow in Helsinki (whatever the hour of the test run): no quiet hours.
    daytime = (start + timedelta(days=1)).replace(hour=9, minute=0, second=0)
    server.set_clock(daytime)
    sink = SmtpSink(tmp_path / "maildir")
    try:
        env = {**backend.env, "SALONKEEP_CLOCK_FILE": str(server.clock_file), "SALONKEEP_SMTP_URL": sink.url}
        result = run_cli("worker", "--burst", env=env, timeout=BURST_WORKER_TIMEOUT)
        assert result.returncode == 0, result.stderr[-2000:]
        mails = [m for m in sink.messages() if m["To"] == "Ilona Sent <ilona@client.example>"]
    finally:
        sink.stop()
    assert [m["Subject"] for m in mails] == ["Aftercare instructions: Filler"]

    context = await browser.new_context()
    page = await context.new_page()
    await _sign_in(page, server.base, tenant_a.slug, f"owner@{tenant_a.slug}.example")
    await page.goto(f"{server.base}/app/clients/{person.id}/s/aftercare")
    instructions = page.locator("#touchpoints tr").filter(has_text="Aftercare instructions: Filler")
    await expect(instructions).to_contain_text("Sent")
    await page.click("[data-navgroup=manage] > summary")  # admin screens sit in the Manage menu
    await page.click("a[data-nav=reminders]")
    row = page.locator(f'tr[data-day="{daytime.date().isoformat()}"][data-channel="email"]')
    await expect(row.locator("td[data-outcome=sent]")).to_have_text("1")
    await context.close()
