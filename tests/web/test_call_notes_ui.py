"""Security review, finding 4, over HTTP on SQLite and PostgreSQL: a practitioner records an
abnormal reaction with the note "swelling after filler"; only the roles that see health data
read it on the dashboard, call list, call logs and client page; the others see that a note
exists."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from litestar.testing import AsyncTestClient

from salonkeep.core.staff import staff_rows
from salonkeep.core.visits import service as visits
from salonkeep.tenants.context import tenant_scope
from salonkeep.web.app import create_app

from ..core.test_encryption import database_text
from .staff_helpers import ROLES, add_client, add_person, csrf_of, sign_in

HTMX = {"HX-Request": "true"}
NOTE = "swelling after filler"
HIDDEN = "Note (health information — hidden)"
#: Roles that read call notes on the staff pages (the privacy officer sees health data too,
#: but works no call list and reads no call log: the privacy export gives it everything).
READERS = {"owner", "practitioner"}
MARKED = {"reception", "branch_manager"}


async def _pages(client, client_id, practitioner_id) -> str:
    """Every staff page that can show a call note, as one text (forbidden pages add nothing)."""
    texts = []
    for path in (
        "/app",
        "/app/calls",
        "/app/calls/log",
        f"/app/calls/log?staff={practitioner_id}",
        f"/app/clients/{client_id}",
    ):
        response = await client.get(path)
        assert response.status_code in (200, 403), path
        texts.append(response.text if response.status_code == 200 else "")
    panel = await client.get(f"/app/clients/{client_id}/aftercare", headers=HTMX)
    assert panel.status_code == 200
    return "\n".join([*texts, panel.text])


@pytest.fixture
async def reported(backend, tenant_a, frozen_clock):
    """The finding's attack: a practitioner records "abnormal reaction" with the note through
    the call list. (people by role, the client, the practitioner's staff id)"""
    people = {role: await add_person(tenant_a, role) for role in ROLES if role != "owner"}
    people["owner"] = f"owner@{tenant_a.slug}.example"
    person = await add_client(tenant_a, first_name="Noora", last_name="Filler")
    with tenant_scope(tenant_a.ctx):
        await visits.record_sale(person.id, product="Lip serum", category="treatment")
        practitioner_id = next(r.id for r in await staff_rows() if r.email == people["practitioner"])
    frozen_clock.advance(timedelta(days=3))
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, people["practitioner"])
        dashboard = await client.get("/app")
        [call_id] = re.findall(r'data-touchpoint="([0-9a-f-]{36})"', dashboard.text)
        recorded = await client.post(
            f"/app/calls/{call_id}/outcome",
            data={"outcome": "abnormal_reaction", "note": NOTE, "_csrf_token": csrf_of(dashboard.text)},
            headers=HTMX,
        )
        assert recorded.status_code == 200 and "urgent task" in recorded.text
    return people, person, practitioner_id


@pytest.mark.parametrize("role", ROLES)
async def test_who_reads_the_call_note_on_the_staff_pages(backend, tenant_a, reported, role):
    people, person, practitioner_id = reported
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, people[role])
        text = await _pages(client, person.id, practitioner_id)
    assert (NOTE in text, HIDDEN in text) == (role in READERS, role in MARKED), role
    assert "swelling" not in text or role in READERS


async def test_reception_and_the_database_never_get_the_note(backend, tenant_a, reported):
    people, person, practitioner_id = reported
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, people["reception"])
        dashboard = (await client.get("/app")).text
        # The urgent task is on reception's call list: what happened, not what was written.
        assert "Abnormal reaction reported" in dashboard and "Noora Filler" in dashboard
        assert HIDDEN in dashboard and "swelling" not in dashboard
        assert "swelling" not in (await client.get("/app/calls")).text
        assert "swelling" not in await _pages(client, person.id, practitioner_id)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, people["practitioner"])
        dashboard = (await client.get("/app")).text
        mine = dashboard.split('id="my-urgent"', 1)[1].split("</ul>", 1)[0]
        assert "Go and see the client about an abnormal reaction" in mine and NOTE in mine
        log = (await client.get("/app/calls/log")).text
        assert NOTE in log and "Abnormal reaction" in log
    dump = database_text(backend)
    assert "Abnormal reaction reported" in dump and NOTE not in dump
