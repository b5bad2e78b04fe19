"""From a follow-up to a booking: the task a "wants an appointment" call leaves opens the
booking screen with the client and the visit's service filled in, an abnormal reaction's task
books a re-examination; and the week calendar across the EU summer-time changes in Helsinki."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

from litestar.testing import AsyncTestClient

from salonkeep.core import consent
from salonkeep.core.aftercare import calls
from salonkeep.core.appointments import service as appointments
from salonkeep.core.audit.tables import AuditEvent
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.visits.service import record_service
from salonkeep.tenants import scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.web.app import create_app

from ..appointments.helpers import prepare
from .staff_helpers import add_person, sign_in


def _booking_links(page: str) -> list[dict[str, list[str]]]:
    return [
        parse_qs(urlsplit(unescape(href)).query)
        for href in re.findall(r'class="button booking-link" href="([^"]+)"', page)
    ]


async def test_a_wanted_appointment_and_an_abnormal_reaction_open_the_booking_screen_prefilled(
    backend, tenant_a, frozen_clock
):
    b = await prepare(tenant_a)
    with tenant_scope(tenant_a.ctx):
        # Another service later, so "the client's last service" would be the wrong guess.
        await consent.grant(
            b.client_id, "health_data", channel="in_store_tablet", wording_shown="Health data"
        )
        await record_service(b.client_id, service_id=b.facial_id)
        frozen_clock.advance(timedelta(days=3, hours=2))  # the first-visit call is due
        (call,) = [c for c in await calls.due_calls(tenant_a.branch_id) if c.programme == "first_visit_call"]
        await calls.record_outcome(call.touchpoint_id, "wants_appointment", "Thursday afternoon")
    reception = await add_person(tenant_a, "reception")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, reception)
        dashboard = await client.get("/app")
        (link,) = _booking_links(dashboard.text)
        assert link == {"client": [str(b.client_id)], "service": [str(b.facial_id)]}
        screen = await client.get("/app/calendar", params={k: v[0] for k, v in link.items()})
        assert screen.status_code == 200
        assert 'id="book-client-name">Iris<' in screen.text
        assert f'<option value="{b.facial_id}" selected>' in screen.text
        # The free slots carry client and service on to the form.
        assert f"service={b.facial_id}" in unescape(screen.text)


async def test_an_abnormal_reaction_books_a_re_examination(backend, tenant_a, frozen_clock):
    b = await prepare(tenant_a)
    with tenant_scope(tenant_a.ctx):
        await record_service(b.client_id, service_id=b.facial_id)
        frozen_clock.advance(timedelta(days=3, hours=2))
        (call,) = [c for c in await calls.due_calls(tenant_a.branch_id) if c.programme == "first_visit_call"]
        await calls.record_outcome(call.touchpoint_id, "abnormal_reaction", "Swollen")
    manager = await add_person(tenant_a, "branch_manager")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, manager)
        dashboard = await client.get("/app")
        assert "Book a re-examination" in dashboard.text
        (link,) = _booking_links(dashboard.text)
        assert link == {
            "client": [str(b.client_id)],
            "service": [str(b.facial_id)],
            "purpose": ["reexamination"],
        }
        screen = await client.get("/app/calendar", params={k: v[0] for k, v in link.items()})
        assert screen.status_code == 200
        assert "Book a re-examination" in screen.text
        assert f'<option value="{b.facial_id}" selected>' in screen.text


async def test_the_week_calendar_across_both_summer_time_changes_in_helsinki(backend, tenant_a, frozen_clock):
    """29 March 2026 (UTC+2 to +3) and 25 October 2026 (back to +2): 10:00 local stays 10:00
    on the week's page, each appointment on its own local day, and the slots of the short and
    the long day are local wall times."""
    b = await prepare(tenant_a)
    with tenant_scope(tenant_a.ctx):
        booked = [
            await appointments.book(
                b.client_id, staff_id=b.staff_id, service_id=b.facial_id, starts_at=moment
            )
            for moment in (
                datetime(2026, 3, 28, 8, 0, tzinfo=UTC),  # Sat 10:00 winter time
                datetime(2026, 3, 29, 7, 0, tzinfo=UTC),  # Sun 10:00 summer time
                datetime(2026, 10, 24, 7, 0, tzinfo=UTC),  # Sat 10:00 summer time
                datetime(2026, 10, 25, 8, 0, tzinfo=UTC),  # Sun 10:00 winter time
            )
        ]
    reception = await add_person(tenant_a, "reception")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, reception)
        for day, (saturday, sunday) in (("2026-03-23", booked[:2]), ("2026-10-19", booked[2:])):
            week = await client.get("/app/calendar", params={"day": day, "view": "week"})
            assert week.status_code == 200
            text = unescape(week.text).replace("\u202f", " ")
            # The days in order, each with its own appointment, both at 10:00 local.
            sections = text.split("<h2>")[1:8]
            assert len(sections) == 7
            assert f"appointment-{saturday.id}" in sections[5] and f"appointment-{sunday.id}" in sections[6]
            for row in (saturday, sunday):
                item = text.split(f'id="appointment-{row.id}"', 1)[1].split("</strong>", 1)[0]
                assert re.search(r"10[:.]00", item) and re.search(r"11[:.]00", item), item
            # Sunday's free slots are local wall times from 09:00 (not shifted by an hour); the
            # booking blocks 09:50-11:15 (its buffers).
            pia = sections[6].split(f'data-staff="{b.staff_id}"', 1)[1]
            sunday_date = day[:8] + str(int(day[8:]) + 6)
            offered = re.findall(rf"at={sunday_date}T(\d\d:\d\d)", pia)
            assert offered[:3] == ["09:00", "09:30", "11:30"], offered


async def test_a_public_holiday_is_shown_closed_with_no_slots(backend, tenant_a, frozen_clock):
    """Good Friday, 3 April 2026, is a public holiday in Finland (the tenant's country)."""
    b = await prepare(tenant_a)
    reception = await add_person(tenant_a, "reception")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, reception)
        holiday = await client.get("/app/calendar", params={"day": "2026-04-03"})
        open_day = await client.get("/app/calendar", params={"day": "2026-04-02"})
    assert 'data-closed="2026-04-03"' in holiday.text and "Good Friday" in holiday.text
    assert "at=2026-04-03T" not in holiday.text
    assert (
        "data-closed" not in open_day.text and f"staff={b.staff_id}&amp;at=2026-04-02T09:00" in open_day.text
    )


async def test_the_calendar_audits_one_view_per_client_shown(backend, tenant_a, frozen_clock):
    """The views of a page are written together before it commits (multi-row INSERTs): one
    row per client shown, each naming its client, none for a client not on the page."""
    b = await prepare(tenant_a)
    with tenant_scope(tenant_a.ctx):
        others = [
            await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name=f"Shown{n}"))
            for n in range(3)
        ]
        hidden = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Elsewhere"))
        for n, person in enumerate(others):
            await appointments.book(
                person.id,
                staff_id=b.staff_id,
                service_id=b.facial_id,
                starts_at=datetime(2026, 3, 30, 7 + 2 * n, 0, tzinfo=UTC),
            )
        await appointments.book(  # another week
            hidden.id,
            staff_id=b.staff_id,
            service_id=b.facial_id,
            starts_at=datetime(2026, 4, 8, 7, 0, tzinfo=UTC),
        )
    reception = await add_person(tenant_a, "reception")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, reception)
        week = await client.get("/app/calendar", params={"day": "2026-03-30", "view": "week"})
        assert week.status_code == 200
    with tenant_scope(tenant_a.ctx):
        async with unit_of_work(tenant_a.ctx):
            rows = await scoped.fetch(AuditEvent, "reason = {}", "calendar")
    assert sorted(str(r.client_id) for r in rows) == sorted(str(p.id) for p in others)
    assert {(r.action, r.role) for r in rows} == {("view", "reception")}
