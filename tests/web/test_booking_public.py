"""The public booking page of a branch: a visitor requests a free slot with no account and
reception confirms it into an appointment; bad input refused field by field; robots and a
burst from one address refused with nothing stored; the same answer whether or not the
contact is a client; requests stay in their tenant and their branch."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from litestar.testing import AsyncTestClient

from salonkeep.core.appointments import requests
from salonkeep.core.appointments.tables import BookingRequest
from salonkeep.core.audit.tables import AuditEvent
from salonkeep.core.clients.tables import Client
from salonkeep.core.public_forms import PublicForm
from salonkeep.core.visits.tables import Appointment
from salonkeep.tenants import scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import NotFound
from salonkeep.tenants.onboarding import add_branch, add_staff
from salonkeep.web import booking_public
from salonkeep.web.app import create_app

from ..appointments.helpers import prepare
from .staff_helpers import add_client, add_person, csrf_of, sign_in

#: Monday 30 March 2026, 10:00 in Helsinki (summer time since Sunday): 07:00 UTC.
MONDAY_TEN = datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
GOOD = {
    "name": "Aino Virtanen",
    "email": "aino@example.com",
    "phone": "",
    "privacy_consent": "yes",
}


def _url(world) -> str:
    return f"/t/{world.slug}/book/{world.branch_id}"


async def _form(client, world, service_id) -> tuple[dict[str, str], list[str]]:
    """The hidden fields of the page with ``service_id`` chosen, and the slots offered."""
    page = await client.get(f"{_url(world)}?service={service_id}")
    assert page.status_code == 200 and 'name="website"' in page.text
    token = re.search(r'name="form_token" value="([^"]+)"', page.text)
    assert token
    slots = re.findall(r'name="slot" value="([^"]+)"', page.text)
    hidden = {"_csrf_token": csrf_of(page.text), "form_token": token.group(1), "service": str(service_id)}
    return hidden, slots


def _slot_at(slots: list[str], moment: datetime) -> str:
    return next(s for s in slots if datetime.fromisoformat(s.split("|")[1]) == moment)


async def _stored(world) -> list[BookingRequest]:
    async with unit_of_work(world.ctx):
        return await scoped.fetch(BookingRequest, order_by="received_at")


async def test_a_visitor_books_without_an_account_and_reception_confirms(backend, tenant_a, frozen_clock):
    booking = await prepare(tenant_a)
    reception = await add_person(tenant_a, "reception")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        start = await client.get(_url(tenant_a))
        assert start.status_code == 200 and "Facial" in start.text
        hidden, slots = await _form(client, tenant_a, booking.facial_id)
        page = await client.get(f"{_url(tenant_a)}?service={booking.facial_id}")
        assert f'href="/t/{tenant_a.slug}/privacy"' in page.text and 'name="privacy_consent"' in page.text
        assert 'name="marketing_consent"' in page.text
        chosen = _slot_at(slots, MONDAY_TEN)
        frozen_clock.advance(timedelta(seconds=30))
        sent = await client.post(
            _url(tenant_a), data={**GOOD, **hidden, "slot": chosen, "marketing_consent": "yes"}
        )
        assert sent.status_code == 200 and "Thank you" in sent.text
        await sign_in(client, tenant_a.slug, reception)
        board = await client.get("/app/booking-requests")
        assert board.status_code == 200 and "Aino Virtanen" in board.text
        action = re.search(r'action="(/app/booking-requests/[^/]+/confirm)"', board.text)
        assert action
        confirmed = await client.post(
            action.group(1),
            data={"_csrf_token": csrf_of(board.text), "branch": str(tenant_a.branch_id)},
            follow_redirects=False,
        )
        assert confirmed.status_code == 303
    (made,) = await _stored(tenant_a)
    assert made.status == "confirmed" and made.marketing_consent and made.consent_wording
    async with unit_of_work(tenant_a.ctx):
        appointment = await scoped.get(Appointment, made.appointment_id)
        client_row = await scoped.get(Client, made.client_id)
    assert appointment is not None and client_row is not None
    assert (appointment.starts_at, appointment.staff_id, appointment.service_id) == (
        MONDAY_TEN,
        uuid.UUID(chosen.split("|")[0]),
        booking.facial_id,
    )
    assert (client_row.first_name, client_row.last_name, client_row.email) == (
        "Aino",
        "Virtanen",
        "aino@example.com",
    )


async def test_free_slots_keep_the_booking_rules(backend, tenant_a, frozen_clock):
    booking = await prepare(tenant_a, min_notice_days=1, performer_roles=("practitioner",))
    with tenant_scope(tenant_a.ctx):
        from salonkeep.core.appointments import service as appointments

        await appointments.book(
            booking.client_id, staff_id=booking.staff_id, service_id=booking.facial_id, starts_at=MONDAY_TEN
        )
        await appointments.book(
            booking.client_id,
            staff_id=booking.other_staff_id,
            service_id=booking.facial_id,
            starts_at=MONDAY_TEN,
        )
    async with AsyncTestClient(create_app(backend.settings)) as client:
        _, slots = await _form(client, tenant_a, booking.facial_id)
    moments = {datetime.fromisoformat(s.split("|")[1]) for s in slots}
    today = datetime(2026, 3, 27, tzinfo=UTC)
    assert moments and all(m >= today + timedelta(days=1) for m in moments)  # no same-day booking
    # Both practitioners are booked 10:00-11:00 on Monday (buffers 10 before, 15 after): the
    # next start that keeps both buffers is 11:30 (11:00 + 15 + 10, on the 15-minute step).
    monday = {m for m in moments if m.date() == MONDAY_TEN.date()}
    assert MONDAY_TEN not in monday and MONDAY_TEN + timedelta(hours=1) not in monday
    assert MONDAY_TEN + timedelta(minutes=90) in monday
    # 09:00 (the first time of a day without working hours) would end, with its buffer, after
    # 09:50 where the 10:00 bookings' buffer begins: 11:30 is the first free start.
    assert min(monday) == MONDAY_TEN + timedelta(minutes=90)
    assert max(moments) < datetime(2026, 4, 3, tzinfo=UTC)  # a week from today
    async with AsyncTestClient(create_app(backend.settings)) as client:
        page = await client.get(f"{_url(tenant_a)}?service={booking.facial_id}")
        later = re.search(r'href="(\?service=[^"]+week=2026-04-03)"', page.text)
        assert later, "a link to the next week"
        next_week = await client.get(_url(tenant_a) + later.group(1).replace("&amp;", "&"))
    days = {
        datetime.fromisoformat(v.split("|")[1]).date()
        for v in re.findall(r'name="slot" value="([^"]+)"', next_week.text)
    }
    assert days and min(days) >= datetime(2026, 4, 3).date()
    assert datetime(2026, 4, 3).date() not in days  # Good Friday: the salon is closed


FIELD_CASES = {
    "service": {"service": "not-a-service"},
    "slot": {"slot": "tomorrow at noon"},
    "name": {"name": ""},
    "email": {"email": "not-an-address"},
    "phone": {"phone": "12"},
    "privacy_consent": {"privacy_consent": ""},
}


async def test_bad_input_is_refused_field_by_field(backend, tenant_a, frozen_clock, monkeypatch):
    monkeypatch.setattr(booking_public, "FORM", PublicForm("booking-form", 100))
    booking = await prepare(tenant_a)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        hidden, slots = await _form(client, tenant_a, booking.facial_id)
        good = {**GOOD, **hidden, "slot": _slot_at(slots, MONDAY_TEN)}
        frozen_clock.advance(timedelta(seconds=30))
        for field, bad in FIELD_CASES.items():
            refused = await client.post(_url(tenant_a), data={**good, **bad})
            assert refused.status_code == 422, field
            errors = set(re.findall(r'id="([a-z_]+)-error"', refused.text))
            assert errors == {field}, (field, errors)
        too_long = await client.post(_url(tenant_a), data={**good, "name": "A" * 201})
        assert too_long.status_code == 422 and 'id="name-error"' in too_long.text
        no_contact = await client.post(_url(tenant_a), data={**good, "email": "", "phone": ""})
        assert no_contact.status_code == 422 and 'id="email-error"' in no_contact.text
        everything = await client.post(
            _url(tenant_a), data={**hidden, "service": "x", "slot": "", "name": ""}
        )
        assert everything.status_code == 422
        for field in ("service", "slot", "name", "email", "privacy_consent"):
            assert f'id="{field}-error"' in everything.text, field
        missing = await client.get(f"/t/{tenant_a.slug}/book/{uuid.uuid4()}")
        assert missing.status_code == 404
    assert await _stored(tenant_a) == []


async def test_a_taken_slot_is_refused_by_name(backend, tenant_a, frozen_clock):
    booking = await prepare(tenant_a)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        hidden, slots = await _form(client, tenant_a, booking.facial_id)
    chosen = _slot_at(slots, MONDAY_TEN)
    with tenant_scope(tenant_a.ctx):
        from salonkeep.core.appointments import service as appointments

        await appointments.book(
            booking.client_id,
            staff_id=uuid.UUID(chosen.split("|")[0]),
            service_id=booking.facial_id,
            starts_at=MONDAY_TEN,
        )
    frozen_clock.advance(timedelta(seconds=30))
    async with AsyncTestClient(create_app(backend.settings)) as client:
        page = await client.get(f"{_url(tenant_a)}?service={booking.facial_id}")
        assert chosen not in page.text  # no longer offered
        data = {**GOOD, **hidden, "_csrf_token": csrf_of(page.text), "slot": chosen}
        refused = await client.post(_url(tenant_a), data=data)
    assert refused.status_code == 422 and 'id="slot-error"' in refused.text
    assert await _stored(tenant_a) == []


async def test_robots_are_refused_and_nothing_is_stored(backend, tenant_a, frozen_clock):
    booking = await prepare(tenant_a)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        hidden, slots = await _form(client, tenant_a, booking.facial_id)
        good = {**GOOD, **hidden, "slot": _slot_at(slots, MONDAY_TEN)}
        too_fast = await client.post(_url(tenant_a), data=good)
        assert too_fast.status_code == 400 and 'id="form-error"' in too_fast.text
        frozen_clock.advance(timedelta(seconds=30))
        forged = await client.post(_url(tenant_a), data={**good, "form_token": "booking-form.AAAA.BBBB"})
        assert forged.status_code == 400
        honeypot = await client.post(_url(tenant_a), data={**good, "website": "http://spam.example"})
        assert honeypot.status_code == 200 and "Thank you" in honeypot.text
        frozen_clock.advance(timedelta(hours=3))
        stale = await client.post(_url(tenant_a), data=good)
        assert stale.status_code == 400
    assert await _stored(tenant_a) == []


async def test_a_burst_from_one_address_is_refused_after_the_limit(backend, tenant_a, frozen_clock):
    booking = await prepare(tenant_a)
    statuses = []
    async with AsyncTestClient(create_app(backend.settings)) as client:
        hidden, slots = await _form(client, tenant_a, booking.facial_id)
        good = {**GOOD, **hidden, "slot": _slot_at(slots, MONDAY_TEN)}
        frozen_clock.advance(timedelta(seconds=30))
        for n in range(100):
            sent = await client.post(_url(tenant_a), data={**good, "name": f"Burst {n}"})
            statuses.append(sent.status_code)
    limit = booking_public.MAX_PER_HOUR
    assert statuses == [200] * limit + [429] * (100 - limit)
    assert sorted(r.contact_name for r in await _stored(tenant_a)) == sorted(
        f"Burst {n}" for n in range(limit)
    )


async def test_the_answer_never_tells_whether_the_contact_is_a_client(backend, tenant_a, frozen_clock):
    booking = await prepare(tenant_a)
    await add_client(tenant_a, email="known@example.com", phone="+358401234567")
    answers = []
    async with AsyncTestClient(create_app(backend.settings)) as client:
        for email, phone in (
            ("known@example.com", "+358401234567"),
            ("stranger@example.com", "+358409999999"),
        ):
            hidden, slots = await _form(client, tenant_a, booking.facial_id)
            frozen_clock.advance(timedelta(seconds=30))
            data = {**GOOD, **hidden, "email": email, "phone": phone, "slot": _slot_at(slots, MONDAY_TEN)}
            sent = await client.post(_url(tenant_a), data=data)
            answers.append((sent.status_code, re.sub(r'name="_csrf_token" value="[^"]+"', "", sent.text)))
    assert answers[0] == answers[1] and answers[0][0] == 200
    assert [r.client_id for r in await _stored(tenant_a)] == [None, None]


async def _request_in(world, branch_id, service_id, staff_id, starts_at, name="Visitor Person") -> uuid.UUID:
    slot = f"{staff_id}|{starts_at.isoformat()}"
    data = requests.RequestInput(
        service=str(service_id), slot=slot, name=name, email="visitor@example.com", privacy_consent=True
    )
    await requests.submit_request(world.ctx, branch_id, data)
    async with unit_of_work(world.ctx):
        rows = await scoped.fetch(BookingRequest, "contact_name = {}", name)
    return rows[0].id


async def test_requests_stay_in_their_tenant_and_branch(backend, tenant_a, tenant_b, frozen_clock):
    booking = await prepare(tenant_a)
    with tenant_scope(tenant_a.ctx):
        second = await add_branch(name="Harbour")
        far, _ = await add_staff(
            email="far@example.com", name="Far", role="practitioner", branch_names=["Harbour"]
        )
    main_request = await _request_in(
        tenant_a, tenant_a.branch_id, booking.facial_id, booking.staff_id, MONDAY_TEN
    )
    harbour_request = await _request_in(
        tenant_a, second.id, booking.facial_id, far.id, MONDAY_TEN, name="Harbour Visitor"
    )
    reception = await add_person(tenant_a, "reception")  # works in Main street only
    other = await add_person(tenant_b, "reception")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, reception)
        board = await client.get(f"/app/booking-requests?branch={second.id}")
        assert "Visitor Person" in board.text and "Harbour Visitor" not in board.text
        token = csrf_of(board.text)
        refused = await client.post(
            f"/app/booking-requests/{harbour_request}/confirm", data={"_csrf_token": token}
        )
        assert refused.status_code == 404
        await client.post("/logout", data={"_csrf_token": token})
        await sign_in(client, tenant_b.slug, other)
        board_b = await client.get("/app/booking-requests")
        assert "Visitor Person" not in board_b.text
        refused_b = await client.post(
            f"/app/booking-requests/{main_request}/decline", data={"_csrf_token": csrf_of(board_b.text)}
        )
        assert refused_b.status_code == 404
    with tenant_scope(tenant_b.ctx):
        assert await requests.list_requests() == []
        with pytest.raises(NotFound):
            await requests.decline(main_request)
    assert {r.status for r in await _stored(tenant_a)} == {"new"}


async def test_reception_proposes_another_time_as_a_service_message(backend, tenant_a, frozen_clock):
    from salonkeep.core.aftercare.tables import Touchpoint

    booking = await prepare(tenant_a)
    known = await add_client(tenant_a, email="visitor@example.com", phone="")
    request_id = await _request_in(
        tenant_a, tenant_a.branch_id, booking.facial_id, booking.staff_id, MONDAY_TEN
    )
    later = MONDAY_TEN + timedelta(days=1)
    with tenant_scope(tenant_a.ctx):
        await requests.propose(request_id, starts_at=later)
        (message,) = await scoped_touchpoints(tenant_a, Touchpoint)
        assert (message.client_id, message.purpose, message.template) == (
            known.id,
            "service",
            requests.PROPOSAL_TEMPLATE,
        )
        appointment_id = await requests.confirm(request_id)
    async with unit_of_work(tenant_a.ctx):
        appointment = await scoped.get(Appointment, appointment_id)
    assert appointment is not None and appointment.starts_at == later and appointment.client_id == known.id
    async with unit_of_work(tenant_a.ctx):
        actions = [
            r["action"] for r in await scoped.rows(AuditEvent, "action", "subject = 'booking_request'")
        ]
    assert {"create", "booking_request.propose", "booking_request.confirm"} <= set(actions)


async def scoped_touchpoints(world, table):
    async with unit_of_work(world.ctx):
        return await scoped.fetch(table, "programme = {}", requests.PROGRAMME)
