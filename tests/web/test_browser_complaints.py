"""The complaint promise in Chromium against a real uvicorn whose clock the test moves (through
SALONKEEP_CLOCK_FILE): a client files a complaint on the branch's public page; it appears on
the branch board with its first-contact deadline; once the clock is past the deadline the
complaints cron job (a real arq worker) escalates it to the branch manager — an e-mail through
the staff-notice outbox into a real SMTP server and the complaint on the manager's dashboard;
staff link it to the client, refuse-then-accept a remedy and close it; the satisfaction call
appears on the call list the next day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import Page, expect

from ..delivery.smtp_sink import SmtpSink
from ..workers.test_aftercare_sweep import _run_sweep
from .staff_helpers import PASSWORD, add_client, add_person
from .test_browser_aftercare import _sign_in, browser, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


async def _unlock(page: Page, base: str) -> None:
    """After the clock jumped, the idle lock asks for the password again."""
    await page.goto(f"{base}/app")
    if page.url.endswith("/app/lock"):
        await page.fill("#secret", PASSWORD)
        await page.click("button:has-text('Unlock')")
        await page.goto(f"{base}/app")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_public_complaint_escalated_to_the_manager_then_resolved_after_one_refusal(
    backend,
    tenant_a,
    server,  # noqa: F811
    browser,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    manager = await add_person(tenant_a, "branch_manager")
    person = await add_client(tenant_a, first_name="Aino", last_name="Virtanen", phone="+358401234567")
    start = datetime.now(UTC).replace(microsecond=0)
    server.set_clock(start)

    # The client: the public page of the branch, no account.
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(f"{server.base}/t/{tenant_a.slug}/complaint/{tenant_a.branch_id}")
    await page.fill("#name", "Aino Virtanen")
    await page.fill("#phone", "+358401234567")
    await page.select_option("#about", "service")
    await page.fill("#description", "My hair colour came out uneven.")
    await page.check("input[name=contact_consent]")
    server.set_clock(start + timedelta(seconds=30))  # a person takes a while to fill it in
    await page.click("#complaint-form button[type=submit]")
    await expect(page.locator("body")).to_contain_text("Thank you. Your complaint has reached the salon")
    await context.close()

    # The branch board: the complaint with its deadline, 24 hours after it came in.
    context = await browser.new_context()
    page = await context.new_page()
    await _sign_in(page, server.base, tenant_a.slug, manager)
    await page.goto(f"{server.base}/app/complaints")
    row = page.locator("#complaints tbody tr")
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text("23 h 59 min left")
    complaint_id = (await row.get_attribute("id") or "").removeprefix("complaint-")
    assert complaint_id

    # Past the deadline: the complaints cron job escalates, the staff-notice job e-mails.
    server.set_clock(start + timedelta(hours=25))
    for key, value in backend.env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("SALONKEEP_CLOCK_FILE", str(server.clock_file))
    sink = SmtpSink(tmp_path / "maildir")
    try:
        monkeypatch.setenv("SALONKEEP_SMTP_URL", sink.url)
        for job in ("complaints_sweep", "staff_notice_sweep"):
            worker = await _run_sweep(backend, f"browser-complaints-{job}-{tenant_a.slug}", job)
            assert (worker.jobs_complete, worker.jobs_failed) == (1, 0)
        mails = [m for m in sink.messages() if m["To"] == f"Branch_Manager Person <{manager}>"]
    finally:
        sink.stop()
    assert [m["Subject"] for m in mails] == [
        "Complaint escalated: first-contact deadline missed at Main street"
    ]
    assert f"/app/complaints/{complaint_id}" in mails[0].get_payload(decode=True).decode()

    await _unlock(page, server.base)
    escalated = page.locator(f"#escalated-{complaint_id}")
    await expect(escalated).to_contain_text("Overdue by")
    await escalated.locator("a").click()

    # Handling: the client named, first contact, one refused proposal, an accepted one, closed.
    await page.check(f"#link-{person.id}")
    await page.click("#link-form button[type=submit]")
    await expect(page.locator("#complaint")).to_contain_text("Client profile")
    await page.click("#first-contact-form button[type=submit]")
    await page.select_option("#remedy", "explanation")
    await page.fill("#remedy_detail", "Colour settles after two washes")
    await page.click("#propose-form button[type=submit]")
    await page.click("#answer-form button[value=refused]")
    await page.select_option("#remedy", "free_correction")
    await page.click("#propose-form button[type=submit]")
    await page.click("#answer-form button[value=accepted]")
    await page.fill("#outcome", "Colour corrected free of charge; client satisfied")
    await page.click("#close-form button[type=submit]")
    await expect(page.locator("#complaint-closed")).to_contain_text("A satisfaction call is planned")
    await expect(page.locator("#round-1")).to_contain_text("Refused")
    await expect(page.locator("#round-2")).to_contain_text("Accepted")

    # The next day the satisfaction call is on the branch's call list.
    server.set_clock(start + timedelta(hours=25, days=1, minutes=5))
    await _unlock(page, server.base)
    call = page.locator("#call-list li.call").filter(has_text="Satisfaction call after a complaint")
    await expect(call).to_have_count(1)
    await expect(call).to_contain_text("Aino Virtanen")
    await context.close()
