"""In Chromium against a real uvicorn and a real worker process: reception records "wants an
appointment" on a first-visit call, follows the task to the booking screen (client and service
filled in), books, moves the appointment by a day; the day-before reminder is re-planned and
``salonkeep worker --burst`` sends it into a real SMTP server (aiosmtpd); a second booking of
the same staff slot is refused with a clear message."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import expect

from salonkeep.core.aftercare import calls
from salonkeep.core.aftercare.tables import Touchpoint
from salonkeep.core.appointments.rules import closed_day
from salonkeep.core.visits.service import record_service
from salonkeep.tenants import scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import get_tenant

from ..appointments.helpers import prepare
from ..conftest import BURST_WORKER_TIMEOUT, run_cli
from ..delivery.smtp_sink import SmtpSink
from .staff_helpers import add_client, add_person
from .test_browser_aftercare import _sign_in, browser, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
ZONE = ZoneInfo("Europe/Helsinki")


async def _reminders(world, client_id) -> list[Touchpoint]:
    with tenant_scope(world.ctx):
        async with unit_of_work(world.ctx):
            return await scoped.fetch(
                Touchpoint,
                "programme = {} and client_id = {}",
                "next_appointment_reminder",
                client_id,
                order_by="created_at, due_at",
            )


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_book_from_a_call_move_it_and_the_moved_reminder_is_mailed(
    backend,
    tenant_a,
    server,  # noqa: F811
    browser,  # noqa: F811
    tmp_path,
):
    b = await prepare(tenant_a)
    reception = await add_person(tenant_a, "reception")
    person = await add_client(tenant_a, first_name="Kaisa", last_name="Booked", email="kaisa@client.example")
    with tenant_scope(tenant_a.ctx):
        await record_service(person.id, service_id=b.facial_id)
        (call,) = [t for t in await calls.client_touchpoints(person.id) if t.programme == "first_visit_call"]
        country = str((await get_tenant(tenant_a.ctx.tenant_id)).country)
    calling = call.due_at + timedelta(minutes=30)
    server.set_clock(calling)
    # Two open days after the call's day: the booking, and the day it moves to.
    day = calling.astimezone(ZONE).date() + timedelta(days=2)
    while closed_day(day, country) or closed_day(day + timedelta(days=1), country):
        day += timedelta(days=1)
    moved_to = day + timedelta(days=1)

    context = await browser.new_context()
    page = await context.new_page()
    await _sign_in(page, server.base, tenant_a.slug, reception)
    row = page.locator("#call-list li.call").filter(has_text="First-visit call: Facial")
    await row.locator("input[value=wants_appointment]").check()
    await row.locator("textarea[name=note]").fill("Next week, mornings")
    await row.locator("button[type=submit]").click()
    await expect(page.locator("#call-list li.recorded")).to_contain_text("A booking task went to reception.")

    # The task opens the booking screen with Kaisa and the facial filled in.
    await page.goto(f"{server.base}/app")
    task = page.locator("li.call").filter(has_text="Book the appointment the client asked for")
    await task.locator("a.booking-link").click()
    await expect(page.locator("#book-client-name")).to_have_text("Kaisa Booked")
    await expect(page.locator("#book-service")).to_have_value(str(b.facial_id))
    await page.select_option("#book-staff", str(b.staff_id))
    await page.fill("#book-at", f"{day.isoformat()}T10:00")
    await page.click("#book-form button[type=submit]")
    booked = page.locator("li.appointment").filter(has_text="Kaisa Booked")
    await expect(booked).to_have_count(1)

    # Moved by a day, to the same hour.
    await booked.locator("a.change-link").click()
    await page.fill("#move-at", f"{moved_to.isoformat()}T10:00")
    await page.click("#move-form button[type=submit]")
    await page.goto(f"{server.base}/app/calendar?day={moved_to.isoformat()}")
    await expect(page.locator("li.appointment").filter(has_text="Kaisa Booked")).to_contain_text("Moved")

    # The same staff slot again: refused, in words, and nothing booked.
    await page.fill("#book-client", str(person.id))
    await page.select_option("#book-service", str(b.facial_id))
    await page.select_option("#book-staff", str(b.staff_id))
    await page.fill("#book-at", f"{moved_to.isoformat()}T10:00")
    await page.click("#book-form button[type=submit]")
    await expect(page.locator("#calendar-errors")).to_contain_text(
        "the staff member is already booked at this time"
    )
    await expect(page.locator("li.appointment").filter(has_text="Kaisa Booked")).to_have_count(1)
    await context.close()

    # The reminder follows the move: the first withdrawn, the second due the day before.
    first, second = await _reminders(tenant_a, person.id)
    assert first.status == "cancelled" and second.status == "queued"
    assert second.due_at.astimezone(ZONE).date() == day

    # That morning the worker sends it into the SMTP server, once.
    server.set_clock(datetime.combine(day, time(10, 30), tzinfo=ZONE))
    sink = SmtpSink(tmp_path / "maildir")
    try:
        env = {**backend.env, "SALONKEEP_CLOCK_FILE": str(server.clock_file), "SALONKEEP_SMTP_URL": sink.url}
        result = run_cli("worker", "--burst", env=env, timeout=BURST_WORKER_TIMEOUT)
        assert result.returncode == 0, result.stderr[-2000:]
        mails = [m for m in sink.messages() if m["To"] == "Kaisa Booked <kaisa@client.example>"]
    finally:
        sink.stop()
    assert len(mails) == 1
    assert [t.status for t in await _reminders(tenant_a, person.id)] == ["cancelled", "sent"]
