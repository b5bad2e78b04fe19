"""Clients' rights: export, erasure, restriction, rectification and the requests board."""

from __future__ import annotations

import dataclasses
import json
import random
import re
import uuid
from datetime import date, timedelta

import pytest

from salonkeep.core import consent
from salonkeep.core.access import Forbidden
from salonkeep.core.audit import chain
from salonkeep.core.clients.service import ClientInput, create_client, get_client, update_client
from salonkeep.core.formatting import display_scope, format_date
from salonkeep.core.keys.tables import ClientKey
from salonkeep.core.privacy import break_glass, rights
from salonkeep.core.visits.service import book_appointment, client_history, record_sale, record_service
from salonkeep.tenants import clock
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import ValidationFailed

from .privacy_helpers import owner_sql, seed_privacy
from .test_encryption import database_text

PII: dict[str, str] = {}
VISIT_NOTE = ""
DOB = date(1931, 2, 17)


def _fresh_pii() -> None:
    """Values unique to one test, so the whole-database dump can only find this client's."""
    global VISIT_NOTE, DOB
    DOB = date(1920, 1, 1) + timedelta(days=random.randint(0, 9000))
    tag = uuid.uuid4().hex[:8]
    PII.clear()
    PII.update(
        {
            "first_name": f"Zinaida{tag}",
            "last_name": f"Quellmalz{tag}",
            "phone": f"040 9{random.randint(100000, 999999)}",
            "email": f"zinaida.{tag}@example.org",
            "needs": f"Rosacea-on-chin-{tag}",
            "allergies": f"Penicillin-{tag}",
            "health_notes": f"Epilepsy-medication-{tag}",
            "id_number": f"170231-{tag}",
            "treatment_notes": f"Botox 12 units glabella-{tag}",
        }
    )
    VISIT_NOTE = f"Skin reacted near the left ear-{tag}"


def _as(world, role):
    return dataclasses.replace(
        world.ctx,
        role=role,
        actor_id=world.owner_id,
        actor_label=role,
        branch_ids=frozenset({world.branch_id}),
    )


@pytest.fixture
async def full_client(tenant_a, frozen_clock):
    """A client with a row in every table that can hold client data."""
    _fresh_pii()
    with tenant_scope(_as(tenant_a, "owner")):
        client = await create_client(ClientInput(branch_id=tenant_a.branch_id, date_of_birth=DOB, **PII))
        await record_service(client.id, service="Facial", category="facial", notes=VISIT_NOTE)
        await record_sale(client.id, product="Serum", category="care", price_cents=4900)
        await book_appointment(client.id, service="Peel", starts_at=clock.now() + timedelta(days=5))
        await seed_privacy(client.id)
        await rights.open_request(client.id, "access", channel="e-mail", note=f"Asked by {PII['email']}")
    desk = dataclasses.replace(_as(tenant_a, "reception"), actor_id=uuid.uuid4())
    with tenant_scope(desk):
        await break_glass.open_break_glass(client.id, "client_present", f"{PII['first_name']} asks")
    return client


async def test_export_holds_every_tables_data_about_the_client(tenant_a, full_client):
    with tenant_scope(_as(tenant_a, "privacy_officer")):
        data = await rights.export_client(full_client.id)
    expected = {t._meta.tablename for t in rights.client_tables() if not getattr(t, "export_excluded", False)}
    assert set(data["tables"]) == expected
    assert "client_key" not in data["tables"]
    for table in ("visit", "sale", "appointment", "consent_event", "audit_event", "privacy_request"):
        assert data["tables"][table], f"the export misses the client's {table} rows"
        assert all(row["client_id"] == str(full_client.id) for row in data["tables"][table])
    assert data["client"]["allergies"] == PII["allergies"]
    assert data["client"]["id_number"] == PII["id_number"]
    assert not any(key.endswith("_enc") for key in data["client"])
    assert data["tables"]["visit"][0]["notes"] == VISIT_NOTE
    json.dumps(data)  # JSON for machines
    html = rights.export_html(data)
    assert PII["treatment_notes"] in html and "<h2>Services you received</h2>" in html
    with tenant_scope(_as(tenant_a, "reception")), pytest.raises(Forbidden):
        await rights.export_client(full_client.id)


async def test_the_export_follows_a_new_column_without_code_changes(backend, tenant_a, full_client):
    tid = tenant_a.ctx.tenant_id
    await owner_sql(backend, tid, "alter table appointment add column fixture_extra text")
    try:
        await owner_sql(
            backend,
            tid,
            "update appointment set fixture_extra = 'bring-sunscreen' where client_id = $1",
            full_client.id,
        )
        with tenant_scope(tenant_a.ctx):
            data = await rights.export_client(full_client.id)
        assert data["tables"]["appointment"][0]["fixture_extra"] == "bring-sunscreen"
    finally:
        await owner_sql(backend, tid, "alter table appointment drop column fixture_extra")


async def test_erasure_leaves_no_clear_text_pii_and_the_chain_verifies(backend, tenant_a, full_client):
    with tenant_scope(tenant_a.ctx):
        await consent.grant(
            full_client.id, consent.Purpose.MARKETING_SMS, channel="in_store_tablet", wording_shown="SMS ok"
        )
        before = database_text(backend)
        assert PII["first_name"] in before  # the dump sees this client
        assert VISIT_NOTE not in before  # treatment notes are encrypted at rest
    with tenant_scope(_as(tenant_a, "privacy_officer")):
        request = await rights.open_request(full_client.id, "erasure", channel="in store")
        report = await rights.erase_client(full_client.id, request_id=request.id)
    assert report.key_shredded and report.deleted["appointment"] == 1
    assert set(report.deleted).isdisjoint(report.kept)
    assert {"visit", "sale", "audit_event", "consent_event", "privacy_request"} <= set(report.kept)
    dump = database_text(backend)
    for name, value in {**PII, "visit note": VISIT_NOTE, "birthday": DOB.isoformat()}.items():
        assert value not in dump, f"{name} survived erasure"
    assert "+358" + PII["phone"].replace(" ", "")[1:] not in dump
    # Sales and visits remain, pointing at the pseudonymised client.
    with tenant_scope(tenant_a.ctx):
        history = await client_history(full_client.id)
        view = await get_client(full_client.id)
        assert not await consent.allows(full_client.id, consent.Purpose.MARKETING_SMS)
        with pytest.raises(ValidationFailed):
            await update_client(full_client.id, ClientInput(branch_id=tenant_a.branch_id, first_name="Back"))
    assert len(history.sales) == 1 and len(history.visits) == 1 and history.visits[0].notes == ""
    assert (view.first_name, view.last_name, view.erased, view.allergies) == (
        "Erased",
        report.pseudonym,
        True,
        "",
    )
    async with unit_of_work(tenant_a.ctx):
        assert not await ClientKey.exists().where(ClientKey.client_id == full_client.id)
    assert not (await chain.seal(backend.settings, tenant_a.ctx.tenant_id)).refused
    result = await chain.verify(backend.settings, tenant_a.ctx.tenant_id)
    assert result.ok, result
    with tenant_scope(tenant_a.ctx):
        board = await rights.list_requests(status=None)
    assert {(r.kind, r.status) for r in board} >= {("erasure", "done")}
    assert all(r.note == "" for r in board)


async def test_restriction_blocks_processing_but_keeps_the_data(tenant_a, full_client):
    with tenant_scope(_as(tenant_a, "privacy_officer")):
        assert await consent.allows(full_client.id, consent.Purpose.MARKETING_EMAIL)
        await rights.restrict_processing(full_client.id)
        assert await rights.is_restricted(full_client.id)
        assert not await consent.allows(full_client.id, consent.Purpose.MARKETING_EMAIL)
        assert (await get_client(full_client.id)).allergies == PII["allergies"]
        await rights.restrict_processing(full_client.id, False)
        assert await consent.allows(full_client.id, consent.Purpose.MARKETING_EMAIL)


async def test_rectification_is_logged_on_the_board(tenant_a, full_client):
    with tenant_scope(_as(tenant_a, "privacy_officer")):
        request = await rights.open_request(full_client.id, "rectification")
    with tenant_scope(_as(tenant_a, "owner")):
        await rights.rectify(
            full_client.id,
            ClientInput(branch_id=tenant_a.branch_id, first_name="Zinaida", last_name="Quell"),
            request_id=request.id,
        )
        assert (await get_client(full_client.id)).last_name == "Quell"
        board = {r.id: r for r in await rights.list_requests(status=None)}
    assert board[request.id].status == "done" and board[request.id].closed_at is not None


async def test_the_board_tracks_the_thirty_day_deadline(tenant_a, full_client, frozen_clock):
    with tenant_scope(_as(tenant_a, "privacy_officer")):
        request = await rights.open_request(full_client.id, "objection")
        assert request.due_at == request.received_at + timedelta(days=30)
        frozen_clock.advance(timedelta(days=31))
        open_now = await rights.list_requests()
        assert [r.overdue for r in open_now if r.id == request.id] == [True]
        closed = await rights.close_request(request.id, status="refused", note="not applicable")
        assert closed.status == "refused" and not closed.overdue
        with pytest.raises(ValidationFailed):
            await rights.open_request(full_client.id, "wishes")
    with tenant_scope(_as(tenant_a, "reception")), pytest.raises(Forbidden):
        await rights.list_requests()


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
#: What the letter must never show: column names, codes, internal ids, UTC stamps.
_INTERNAL = ("tenant_id", "client_id", "branch_id", "price_cents", "_enc", "in_store_tablet", "health_data")


@pytest.mark.parametrize(
    ("language", "title", "price", "details"),
    [
        ("en", "Services you received", "€49.00", "Your details"),
        ("fi", "Saamasi palvelut", "49,00\xa0€", "Perustietosi"),
        ("ru", "Полученные услуги", "49,00\xa0€", "Ваши данные"),
        ("zh", "您接受的服务", "€49.00", "您的基本信息"),
    ],
)
async def test_readable_export_is_a_letter_without_internals(
    tenant_a, full_client, language, title, price, details
):
    """Issue 17 item 3: sections with titles, labelled values, money and dates in the reader's
    language, times in the tenant's zone, nothing internal; the JSON stays complete."""
    with tenant_scope(_as(tenant_a, "privacy_officer")):
        data = await rights.export_client(full_client.id)
    assert data["client"]["tenant_id"] and data["tables"]["sale"][0]["price_cents"] == 4900  # JSON: complete
    with display_scope("Europe/Helsinki", "en"):
        html = rights.export_html(data, language)
    assert f'<html lang="{language}">' in html
    assert f"<h2>{title}</h2>" in html and f"<h2>{details}</h2>" in html
    assert price in html
    assert format_date(DOB, locale=language, width="long") in html
    for value in (PII["allergies"], PII["treatment_notes"], VISIT_NOTE, "Serum", "Facial"):
        assert value in html, value
    assert not _UUID.search(html) and not _ISO_MOMENT.search(html)
    for internal in _INTERNAL:
        assert internal not in html, internal
    assert "Europe/Helsinki" in html  # the zone is named once


async def test_readable_export_is_in_the_clients_language(tenant_a, full_client):
    with tenant_scope(_as(tenant_a, "privacy_officer")):
        data = await rights.export_client(full_client.id)
    data["client"]["preferred_locale"] = "fi"
    with display_scope("Europe/Helsinki", "en"):
        html = rights.export_html(data)
    assert '<html lang="fi">' in html and "Hyvä " in html and "Kieli" in html and "Suomi" in html
