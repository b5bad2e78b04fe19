"""Per-staff iCalendar feeds: made and revoked from the staff page, opened by a secret URL
whose token is stored hashed; the feed carries the service and the client's initials only,
with the branch's zone (DST-correct); a revoked, replaced, foreign or out-of-scope feed
shows nothing."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

import icalendar
from litestar.testing import AsyncTestClient

from salonkeep.core.appointments import service as appointments
from salonkeep.core.appointments.tables import CalendarFeed
from salonkeep.core.catalogue import service as catalogue
from salonkeep.tenants import scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import add_branch
from salonkeep.tenants.tables import StaffBranch, StaffMember
from salonkeep.web.app import create_app

from .staff_helpers import add_client, add_person, csrf_of, sign_in

#: Saturday 28 March 2026 10:00 in Helsinki is 08:00 UTC (winter time) ...
SATURDAY_TEN = datetime(2026, 3, 28, 8, 0, tzinfo=UTC)
#: ... and Monday 30 March 10:00 is 07:00 UTC (summer time from Sunday 29 March).
MONDAY_TEN = datetime(2026, 3, 30, 7, 0, tzinfo=UTC)


async def _staff_id(world, email: str):
    async with unit_of_work(world.ctx):
        (row,) = await scoped.fetch(StaffMember, "email = {}", email)
    return row.id


async def _book_two(world, staff_id):
    """A client with allergies, a phone and an e-mail, booked before and after the DST change."""
    client = await add_client(world)
    with tenant_scope(world.ctx):
        facial = await catalogue.save_service(
            catalogue.ServiceInput(name="Facial", category="facial", duration_minutes=60)
        )
        for moment in (SATURDAY_TEN, MONDAY_TEN):
            await appointments.book(client.id, staff_id=staff_id, service_id=facial.id, starts_at=moment)
    return client, facial


async def _new_feed(client) -> tuple[str, str]:
    """Make a feed on the staff page; (its path, its id)."""
    page = await client.get("/app/calendar-feed")
    assert page.status_code == 200
    made = await client.post("/app/calendar-feed", data={"_csrf_token": csrf_of(page.text)})
    assert made.status_code == 201 or made.status_code == 200
    path = re.search(r'value="https?://[^/"]+(/t/[^"]+\.ics)"', made.text)
    feed_id = re.search(r'action="/app/calendar-feed/([0-9a-f-]+)/revoke"', made.text)
    assert path and feed_id
    return path.group(1), feed_id.group(1)


async def test_the_feed_shows_service_and_initials_only_in_the_branch_zone(backend, tenant_a, frozen_clock):
    email = await add_person(tenant_a, "practitioner")
    staff_id = await _staff_id(tenant_a, email)
    await _book_two(tenant_a, staff_id)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, email)
        path, _ = await _new_feed(client)
        client.cookies.clear()  # a calendar app has no session
        feed = await client.get(path)
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    text = feed.text
    for leak in (
        "ALLERGY",
        "HEALTH",
        "Latex",
        "Pregnant",
        "Dry skin",
        "+358",
        "401234567",
        "aino@",
        "Aino",
        "Virtanen",
    ):
        assert leak not in text, leak
    cal = icalendar.Calendar.from_ical(feed.content)
    events = sorted(cal.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert [str(e["summary"]) for e in events] == ["Facial · A. V.", "Facial · A. V."]
    assert [e.decoded("dtstart").astimezone(UTC) for e in events] == [SATURDAY_TEN, MONDAY_TEN]
    assert "DTSTART;TZID=Europe/Helsinki:20260328T100000" in text
    assert "DTSTART;TZID=Europe/Helsinki:20260330T100000" in text
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/Helsinki" in text
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    async with unit_of_work(tenant_a.ctx):
        (stored,) = await scoped.fetch(CalendarFeed)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in stored.token_hash


async def test_revoked_replaced_and_foreign_feeds_answer_404(backend, tenant_a, tenant_b, frozen_clock):
    email = await add_person(tenant_a, "practitioner")
    await _book_two(tenant_a, await _staff_id(tenant_a, email))
    owner = f"owner@{tenant_a.slug}.example"
    owner_b = await add_person(tenant_b, "owner")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, email)
        first, _ = await _new_feed(client)
        second, second_id = await _new_feed(client)  # the first stops working
        assert (await client.get(first)).status_code == 404
        assert (await client.get(second)).status_code == 200
        foreign = second.replace(f"/t/{tenant_a.slug}/", f"/t/{tenant_b.slug}/")
        assert (await client.get(foreign)).status_code == 404
        assert (await client.get(second.removesuffix(".ics"))).status_code == 404
        page = await client.get("/app/calendar-feed")
        revoked = await client.post(
            f"/app/calendar-feed/{second_id}/revoke", data={"_csrf_token": csrf_of(page.text)}
        )
        assert revoked.status_code in (200, 201) and 'id="no-own-feed"' in revoked.text
        assert (await client.get(second)).status_code == 404
        third, third_id = await _new_feed(client)
        client.cookies.clear()
        await sign_in(client, tenant_b.slug, owner_b)
        page_b = await client.get("/app/calendar-feed")
        assert third_id not in page_b.text
        refused = await client.post(
            f"/app/calendar-feed/{third_id}/revoke", data={"_csrf_token": csrf_of(page_b.text)}
        )
        assert refused.status_code == 404
        assert (await client.get(third)).status_code == 200
        client.cookies.clear()
        await sign_in(client, tenant_a.slug, owner)  # an owner revokes anyone's feed
        page_a = await client.get("/app/calendar-feed")
        assert f'id="feed-{third_id}"' in page_a.text
        await client.post(f"/app/calendar-feed/{third_id}/revoke", data={"_csrf_token": csrf_of(page_a.text)})
        assert (await client.get(third)).status_code == 404


async def test_a_colleague_cannot_revoke_another_persons_feed(backend, tenant_a, frozen_clock):
    email = await add_person(tenant_a, "practitioner")
    colleague = await add_person(tenant_a, "reception")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, email)
        path, feed_id = await _new_feed(client)
        client.cookies.clear()
        await sign_in(client, tenant_a.slug, colleague)
        page = await client.get("/app/calendar-feed")
        assert feed_id not in page.text
        refused = await client.post(
            f"/app/calendar-feed/{feed_id}/revoke", data={"_csrf_token": csrf_of(page.text)}
        )
        assert refused.status_code == 404
        assert (await client.get(path)).status_code == 200


async def test_the_feed_keeps_to_the_staff_members_branch_scope(backend, tenant_a, frozen_clock):
    email = await add_person(tenant_a, "practitioner")
    staff_id = await _staff_id(tenant_a, email)
    with tenant_scope(tenant_a.ctx):
        harbour = await add_branch(name="Harbour")
    async with unit_of_work(tenant_a.ctx):
        await scoped.insert(scoped.new(StaffBranch, staff_id=staff_id, branch_id=harbour.id))
    client_row = await add_client(tenant_a)
    with tenant_scope(tenant_a.ctx):
        facial = await catalogue.save_service(catalogue.ServiceInput(name="Facial", category="facial"))
        await appointments.book(
            client_row.id, staff_id=staff_id, service_id=facial.id, starts_at=SATURDAY_TEN
        )
        await appointments.book(
            client_row.id, staff_id=staff_id, service_id=facial.id, starts_at=MONDAY_TEN, branch_id=harbour.id
        )
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, email)
        path, _ = await _new_feed(client)
        both = await client.get(path)
    async with unit_of_work(tenant_a.ctx):  # the practitioner no longer works in Harbour
        await scoped.delete(StaffBranch).where(
            (StaffBranch.staff_id == staff_id) & (StaffBranch.branch_id == harbour.id)
        )
    async with AsyncTestClient(create_app(backend.settings)) as client:
        one = await client.get(path)
    assert both.text.count("BEGIN:VEVENT") == 2 and "Harbour" in both.text
    assert one.text.count("BEGIN:VEVENT") == 1 and "Harbour" not in one.text
