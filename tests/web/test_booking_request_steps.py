"""Reception's steps on a booking request beyond confirming: a decline (with an optional note)
and a proposal (with one) reach the client as consent-free service messages in the language
the visitor used, with the booking page linked on a decline; the same steps through the JSON
API, with the key's role and branch checked; bad input refused by name with nothing written."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from salonkeep.core.aftercare.tables import Touchpoint
from salonkeep.core.apikeys.service import create_api_key
from salonkeep.core.appointments import requests
from salonkeep.core.appointments import service as appointments
from salonkeep.core.appointments.tables import BookingRequest
from salonkeep.core.clients.tables import Client
from salonkeep.core.delivery.channel import SendResult
from salonkeep.core.delivery.config import DeliveryConfig
from salonkeep.core.delivery.registry import channels as delivery_channels
from salonkeep.core.delivery.service import deliver_due
from salonkeep.tenants import scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import add_branch, add_staff
from salonkeep.web.app import create_app

from ..appointments.helpers import prepare
from .staff_helpers import add_client, add_person, csrf_of, sign_in

#: Monday 30 March 2026, 10:00 in Helsinki: 07:00 UTC.
MONDAY_TEN = datetime(2026, 3, 30, 7, 0, tzinfo=UTC)


async def _request(world, service_id, staff_id, *, name="Visitor Person", email="visitor@example.com",
                   locale="", branch_id=None) -> uuid.UUID:  # fmt: skip
    data = requests.RequestInput(
        service=str(service_id),
        slot=f"{staff_id}|{MONDAY_TEN.isoformat()}",
        name=name,
        email=email,
        privacy_consent=True,
        locale=locale,
    )
    await requests.submit_request(world.ctx, branch_id or world.branch_id, data)
    async with unit_of_work(world.ctx):
        (row,) = await scoped.fetch(BookingRequest, "contact_name = {}", name)
    return row.id


async def _row(world, request_id) -> BookingRequest:
    async with unit_of_work(world.ctx):
        row = await scoped.get(BookingRequest, request_id)
    assert row is not None
    return row


async def _messages(world) -> list[Touchpoint]:
    async with unit_of_work(world.ctx):
        return await scoped.fetch(Touchpoint, "programme = {}", requests.PROGRAMME, order_by="created_at")


class _Recorder:
    """Wraps a real channel and keeps what it was handed."""

    def __init__(self, inner: Any, seen: list[Any]) -> None:
        self.inner, self.name, self.idempotent, self.seen = inner, inner.name, inner.idempotent, seen

    async def send(self, messages: Any) -> list[SendResult]:
        self.seen.extend(messages)
        return await self.inner.send(messages)


async def _deliver(world, backend) -> list[Any]:
    """Deliver what is due now as the workers would (e-mail written to files: no SMTP set)."""
    seen: list[Any] = []
    config = DeliveryConfig()
    found = delivery_channels(config, backend.settings.data_dir)
    await deliver_due(world.ctx, {n: _Recorder(c, seen) for n, c in found.items()}, config)
    return seen


async def test_a_decline_tells_the_client_in_their_language_with_the_note(backend, tenant_a, frozen_clock):
    booking = await prepare(tenant_a)
    reception = await add_person(tenant_a, "reception")
    finnish = await _request(tenant_a, booking.facial_id, booking.staff_id, locale="fi")
    chinese = await _request(
        tenant_a, booking.facial_id, booking.staff_id, name="Li Wei", email="li@example.com", locale="zh"
    )
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, reception)
        board = await client.get("/app/booking-requests")
        assert f'id="decline-message-{finnish}"' in board.text
        token = csrf_of(board.text)
        branch = str(tenant_a.branch_id)
        too_long = await client.post(
            f"/app/booking-requests/{finnish}/decline",
            data={"_csrf_token": token, "branch": branch, "message": "x" * 501},
        )
        assert too_long.status_code == 422 and 'id="message-error"' in too_long.text
        # (the database is read after the test client closes: the app binds its own engine)
        for request_id, note in ((finnish, "Olemme lomalla sen viikon."), (chinese, "")):
            declined = await client.post(
                f"/app/booking-requests/{request_id}/decline",
                data={"_csrf_token": token, "branch": branch, "message": note},
                follow_redirects=False,
            )
            assert declined.status_code == 303
        again = await client.post(
            f"/app/booking-requests/{finnish}/decline", data={"_csrf_token": token, "branch": branch}
        )
        assert again.status_code == 422  # already handled: no second message
    assert {(await _row(tenant_a, r)).status for r in (finnish, chinese)} == {"declined"}
    queued = await _messages(tenant_a)
    assert [(m.template, m.purpose, m.status) for m in queued] == [
        (requests.DECLINE_TEMPLATE, "service", "queued")
    ] * 2
    sent = {m.to: m for m in await _deliver(tenant_a, backend)}  # no consent asked: a service message
    aino, li = sent["visitor@example.com"], sent["li@example.com"]
    assert (aino.language, aino.subject) == ("fi", "Varauspyyntösi")
    assert "Olemme lomalla sen viikon." in aino.body and "30.3.2026 klo 10.00" in aino.body
    assert f"/t/{tenant_a.slug}/book/{tenant_a.branch_id}" in aino.body
    assert (li.language, li.subject) == ("zh", "关于您的预约申请")
    assert "无法接受" in li.body and f"/t/{tenant_a.slug}/book/" in li.body
    async with unit_of_work(tenant_a.ctx):
        made = await scoped.get(Client, (await _row(tenant_a, finnish)).client_id)
    assert made is not None and made.preferred_locale == "fi"


async def test_a_proposal_carries_the_note_and_a_clients_own_language_is_kept(
    backend, tenant_a, frozen_clock
):
    booking = await prepare(tenant_a)
    known = await add_client(tenant_a, email="visitor@example.com", phone="")
    async with unit_of_work(tenant_a.ctx):
        await scoped.update(Client, {Client.preferred_locale: "ru"}).where(Client.id == known.id)
    request_id = await _request(tenant_a, booking.facial_id, booking.staff_id, locale="fi")
    with tenant_scope(tenant_a.ctx):
        await requests.propose(request_id, starts_at=MONDAY_TEN + timedelta(days=1), message="Ждём вас!")
    (message,) = await _deliver(tenant_a, backend)
    assert message.language == "ru" and "Ждём вас!" in message.body and "31 мар." in message.body


async def _key(world, role: str, branch: str = "Main street") -> dict[str, str]:
    with tenant_scope(world.ctx):
        _, key = await create_api_key(f"{role} key", role, branch)
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
async def api(backend):
    transport = httpx.ASGITransport(app=create_app(backend.settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_the_api_lists_proposes_confirms_and_declines(api, backend, tenant_a, frozen_clock):
    booking = await prepare(tenant_a)
    first = await _request(tenant_a, booking.facial_id, booking.staff_id, locale="fi")
    second = await _request(tenant_a, booking.facial_id, booking.other_staff_id, name="Second One",
                            email="second@example.com")  # fmt: skip
    auth = await _key(tenant_a, "reception")
    listing = await api.get("/api/v1/booking-requests", headers=auth)
    assert listing.status_code == 200
    assert [(r["contact_name"], r["status"], r["starts_at"]) for r in listing.json()] == [
        ("Visitor Person", "new", "2026-03-30T07:00:00Z"),
        ("Second One", "new", "2026-03-30T07:00:00Z"),
    ]
    too_long = await api.post(
        f"/api/v1/booking-requests/{first}/propose",
        json={"starts_at": "2026-03-31T10:00:00+03:00", "message": "x" * 501},
        headers=auth,
    )
    assert too_long.status_code == 422 and "message" in too_long.json()["errors"]
    with tenant_scope(tenant_a.ctx):
        await appointments.book(
            booking.client_id,
            staff_id=booking.other_staff_id,
            service_id=booking.facial_id,
            starts_at=MONDAY_TEN + timedelta(days=1),
        )
    taken = await api.post(
        f"/api/v1/booking-requests/{first}/propose",
        json={"starts_at": "2026-03-31T10:00:00+03:00", "staff_id": str(booking.other_staff_id)},
        headers=auth,
    )
    assert taken.status_code == 409 and "starts_at" in taken.json()["errors"]
    naive = await api.post(
        f"/api/v1/booking-requests/{first}/propose", json={"starts_at": "2026-03-31T10:00:00"}, headers=auth
    )
    assert naive.status_code == 422 and "starts_at" in naive.json()["errors"]
    assert await _messages(tenant_a) == []
    proposed = await api.post(
        f"/api/v1/booking-requests/{first}/propose",
        json={"starts_at": "2026-03-31T10:00:00+03:00", "message": "Tiistai sopii?"},
        headers=auth,
    )
    assert proposed.status_code == 201, proposed.text
    body = proposed.json()
    assert (body["status"], body["proposed_starts_at"]) == ("proposed", "2026-03-31T07:00:00Z")
    assert body["client_id"]
    confirmed = await api.post(f"/api/v1/booking-requests/{first}/confirm", json={}, headers=auth)
    assert confirmed.status_code == 201, confirmed.text
    assert confirmed.json()["status"] == "confirmed" and confirmed.json()["appointment_id"]
    appointment = await api.get(f"/api/v1/appointments/{confirmed.json()['appointment_id']}", headers=auth)
    assert appointment.json()["starts_at"] == "2026-03-31T07:00:00Z"
    declined = await api.post(
        f"/api/v1/booking-requests/{second}/decline", json={"message": "Sorry!"}, headers=auth
    )
    assert (declined.status_code, declined.json()["status"]) == (201, "declined")
    handled = await api.post(f"/api/v1/booking-requests/{second}/decline", json={}, headers=auth)
    assert handled.status_code == 422 and "status" in handled.json()["errors"]
    assert (await api.get("/api/v1/booking-requests", headers=auth)).json() == []
    every = await api.get("/api/v1/booking-requests", params={"status": "all"}, headers=auth)
    assert sorted(r["status"] for r in every.json()) == ["confirmed", "declined"]
    read = await api.get(f"/api/v1/booking-requests/{second}", headers=auth)
    assert read.status_code == 200 and read.json()["contact_email"] == "second@example.com"
    templates = sorted(m.template for m in await _messages(tenant_a))
    assert templates == [requests.DECLINE_TEMPLATE, requests.PROPOSAL_TEMPLATE]
    bad_branch = await api.get("/api/v1/booking-requests", params={"branch_id": "nope"}, headers=auth)
    assert bad_branch.status_code == 422 and "branch_id" in bad_branch.json()["errors"]


async def test_the_api_checks_the_role_the_branch_and_the_tenant(
    api, backend, tenant_a, tenant_b, frozen_clock
):
    booking = await prepare(tenant_a)
    with tenant_scope(tenant_a.ctx):
        harbour = await add_branch(name="Harbour")
        far, _ = await add_staff(
            email="far@example.com", name="Far", role="practitioner", branch_names=["Harbour"]
        )
    main = await _request(tenant_a, booking.facial_id, booking.staff_id)
    away = await _request(tenant_a, booking.facial_id, far.id, name="Harbour Visitor", branch_id=harbour.id)
    reception = await _key(tenant_a, "reception")
    officer = await _key(tenant_a, "privacy_officer", "")
    stranger = await _key(tenant_b, "owner", "")
    seen = await api.get("/api/v1/booking-requests", headers=reception)
    assert [r["contact_name"] for r in seen.json()] == ["Visitor Person"]
    for path, body in (("confirm", {}), ("propose", {"starts_at": "2026-03-31T10:00:00+03:00"}),
                       ("decline", {})):  # fmt: skip
        url = f"/api/v1/booking-requests/{away}/{path}"
        assert (await api.post(url, json=body, headers=reception)).status_code == 404, path
        assert (await api.post(url, json=body, headers=stranger)).status_code == 404, path
        refused = await api.post(f"/api/v1/booking-requests/{main}/{path}", json=body, headers=officer)
        assert refused.status_code == 403, path
    assert (await api.get(f"/api/v1/booking-requests/{away}", headers=reception)).status_code == 404
    assert (await api.get("/api/v1/booking-requests", headers=officer)).status_code == 403
    assert (await api.get("/api/v1/booking-requests", headers=stranger)).json() == []
    assert (await api.get("/api/v1/booking-requests/not-an-id", headers=reception)).status_code == 404
    assert {(await _row(tenant_a, r)).status for r in (main, away)} == {"new"}
    assert await _messages(tenant_a) == []


async def test_a_request_keeps_the_language_the_visitor_saw_the_page_in(backend, tenant_a, frozen_clock):
    from .test_booking_public import GOOD, _form, _slot_at, _url

    booking = await prepare(tenant_a)
    finnish = {"Accept-Language": "fi-FI,fi;q=0.9,en;q=0.5"}
    async with AsyncTestClient(create_app(backend.settings)) as client:
        client.headers.update(finnish)
        hidden, slots = await _form(client, tenant_a, booking.facial_id)
        frozen_clock.advance(timedelta(seconds=30))
        sent = await client.post(_url(tenant_a), data={**GOOD, **hidden, "slot": _slot_at(slots, MONDAY_TEN)})
    assert sent.status_code == 200 and '<html lang="fi">' in sent.text
    async with unit_of_work(tenant_a.ctx):
        (row,) = await scoped.fetch(BookingRequest)
    assert row.locale == "fi"
