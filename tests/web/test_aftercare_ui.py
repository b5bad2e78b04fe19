"""The aftercare screens over HTTP, on SQLite and PostgreSQL: call list, outcomes, call logs,
programme settings, the client page's aftercare panel and the printable pages."""

from __future__ import annotations

import re
from datetime import timedelta

from litestar.testing import AsyncTestClient

from salonkeep.core import consent
from salonkeep.core.aftercare import calls, programmes
from salonkeep.core.staff import staff_rows
from salonkeep.core.visits import service as visits
from salonkeep.tenants.context import tenant_scope
from salonkeep.web.app import create_app

from .staff_helpers import add_client, add_person, csrf_of, sign_in

HTMX = {"HX-Request": "true"}


def _touchpoint_ids(page: str) -> list[str]:
    return re.findall(r'data-touchpoint="([0-9a-f-]{36})"', page)


async def _client_page(client, client_id) -> str:
    """The client page with its Aftercare section open (its tab, as the browser gets it by
    htmx, and the page at the section's address), and the panel alone."""
    url = f"/app/clients/{client_id}/s/aftercare"
    page = await client.get(url)
    assert page.status_code == 200 and f'hx-get="{url}"' in page.text
    tab = await client.get(url, headers=HTMX)
    assert tab.status_code == 200 and "<html" not in tab.text and 'id="aftercare-panel"' in tab.text
    panel = await client.get(f"/app/clients/{client_id}/aftercare", headers=HTMX)
    assert panel.status_code == 200 and "<html" not in panel.text
    return page.text + panel.text


async def _claims_page(client, client_id) -> str:
    """The client page with the warranty plugin's section (its own tab) open."""
    page = await client.get(f"/app/clients/{client_id}/s/warranty-claims")
    assert page.status_code == 200 and 'data-open-section="warranty-claims"' in page.text
    return page.text


async def _sell_slimming(client, person_id, token: str) -> None:
    response = await client.post(
        f"/app/clients/{person_id}/sales",
        data={
            "product": "Slim Gel",
            "category": "slimming",
            "quantity": "1",
            "price": "39.90",
            "_csrf_token": token,
        },
    )
    assert response.status_code == 200  # the redirect to the profile, followed


async def _later(client, frozen_clock, days: int, slug: str, email: str) -> None:
    """Move the clock on; the idle screen lock then asks for a fresh sign-in."""
    frozen_clock.advance(timedelta(days=days))
    await sign_in(client, slug, email)


async def test_reception_works_the_day2_call_and_manager_gets_the_urgent_task(
    backend, tenant_a, frozen_clock
):
    reception = await add_person(tenant_a, "reception")
    manager = await add_person(tenant_a, "branch_manager")
    person = await add_client(tenant_a, first_name="Maija", last_name="Slim")
    with tenant_scope(tenant_a.ctx):
        receptionist = next(r for r in await staff_rows() if r.email == reception)
    app = create_app(backend.settings)
    async with AsyncTestClient(app) as client:
        await sign_in(client, tenant_a.slug, reception)
        profile = await client.get(f"/app/clients/{person.id}")
        await _sell_slimming(client, person.id, csrf_of(profile.text))
        assert "Slimming day 2: Slim Gel" not in (await client.get("/app")).text  # not due yet

        await _later(client, frozen_clock, 2, tenant_a.slug, reception)
        dashboard = await client.get("/app")
        assert "Slimming day 2: Slim Gel" in dashboard.text
        assert (
            "You bought Slim Gel the day before yesterday; have you started using it?" in dashboard.text
        )  # the script
        assert "Maija Slim" in dashboard.text and f'href="/app/clients/{person.id}"' in dashboard.text
        assert "Overdue" not in dashboard.text
        [call_id] = _touchpoint_ids(dashboard.text)

        token = csrf_of(dashboard.text)
        missing = await client.post(
            f"/app/calls/{call_id}/outcome", data={"note": "x", "_csrf_token": token}, headers=HTMX
        )
        assert missing.status_code == 422 and "outcome" in missing.text

        # The day-5 call is due three days later; left open it becomes overdue the day after.
        recorded = await client.post(
            f"/app/calls/{call_id}/outcome",
            data={"outcome": "abnormal_reaction", "note": "Red skin on the belly", "_csrf_token": token},
            headers=HTMX,
        )
        assert recorded.status_code == 200
        assert "<li" in recorded.text and "<html" not in recorded.text  # the row only
        assert "Abnormal reaction" in recorded.text and "urgent task" in recorded.text

        log = await client.get("/app/calls/log")
        assert log.status_code == 200
        # The note can carry health information: reception sees that it exists (finding 4).
        assert "Maija Slim" in log.text and "Abnormal reaction" in log.text
        assert "Red skin" not in log.text and "Note (health information — hidden)" in log.text
        client_page = await _client_page(client, person.id)  # the client's call log
        assert "Red skin" not in client_page and "Note (health information — hidden)" in client_page
        assert "Urgent for you" not in (await client.get("/app")).text  # the task is the manager's

        assert (await client.get("/app/admin/programmes")).status_code == 403
        assert (await client.get(f"/app/calls/log?staff={tenant_a.owner_id}")).status_code == 403

    async with AsyncTestClient(app) as client:
        await sign_in(client, tenant_a.slug, manager)
        dashboard = await client.get("/app")
        assert "Urgent for you" in dashboard.text
        urgent = dashboard.text.split('id="my-urgent"', 1)[1].split("</ul>", 1)[0]
        assert "Abnormal reaction reported" in urgent and "Maija Slim" in urgent
        staff_page = await client.get("/app/calls/log")
        assert "No calls recorded yet." in staff_page.text
        # Managers may read a colleague's log.
        other = await client.get(f"/app/calls/log?staff={receptionist.id}")
        assert other.status_code == 200 and "Abnormal reaction" in other.text
        assert "Red skin" not in other.text  # managers see no health information either


async def test_overdue_no_answer_and_plain_form_post(backend, tenant_a, frozen_clock):
    reception = await add_person(tenant_a, "reception")
    person = await add_client(tenant_a, first_name="Olli", last_name="Late")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, reception)
        profile = await client.get(f"/app/clients/{person.id}")
        await _sell_slimming(client, person.id, csrf_of(profile.text))
        await _later(client, frozen_clock, 3, tenant_a.slug, reception)
        dashboard = await client.get("/app")
        assert 'class="call overdue"' in dashboard.text and "Overdue" in dashboard.text
        [call_id] = _touchpoint_ids(dashboard.text)
        # Without htmx: a plain form post and a redirect back to the dashboard.
        response = await client.post(
            f"/app/calls/{call_id}/outcome",
            data={"outcome": "no_answer", "_csrf_token": csrf_of(dashboard.text)},
            follow_redirects=False,
        )
        assert response.status_code == 303 and response.headers["location"].startswith("/app")
    # The database is read from the test only when the app is stopped (one engine per loop).
    with tenant_scope(tenant_a.ctx):
        [view] = [t for t in await calls.client_touchpoints(person.id) if str(t.id) == call_id]
    assert view.status == "planned" and view.attempts == 1 and view.outcome == "no_answer"


async def test_other_tenants_touchpoint_is_not_found(backend, tenant_a, tenant_b):
    person_b = await add_client(tenant_b, first_name="Bea")
    with tenant_scope(tenant_b.ctx):
        await visits.record_sale(person_b.id, product="Slim Gel", category="slimming")
        [foreign, *_] = [t for t in await calls.client_touchpoints(person_b.id) if t.kind == "call"]
    reception = await add_person(tenant_a, "reception")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, reception)
        token = csrf_of((await client.get("/app")).text)
        response = await client.post(
            f"/app/calls/{foreign.id}/outcome",
            data={"outcome": "reached", "_csrf_token": token},
            headers=HTMX,
        )
        assert response.status_code == 404
        assert (await client.get(f"/app/clients/{person_b.id}")).status_code == 404
    with tenant_scope(tenant_b.ctx):
        [still] = [t for t in await calls.client_touchpoints(person_b.id) if t.id == foreign.id]
    assert still.status == "planned" and still.attempts == 0


async def test_programme_settings_validate_every_field_and_save_nothing_on_error(backend, tenant_a):
    owner = f"owner@{tenant_a.slug}.example"
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, owner)
        page = await client.get("/app/admin/programmes")
        assert page.status_code == 200
        assert 'data-nav="programmes"' in page.text
        assert "Slimming: day 2 and 5" in page.text  # the description
        assert 'name="slimming_days" value="2, 5"' in page.text  # the value shown, default 2, 5
        token = csrf_of(page.text)
        bad = await client.post(
            "/app/admin/programmes/product_follow_up",
            data={"slimming_days": "5, 2", "max_attempts": "4", "call_time": "11:00", "_csrf_token": token},
        )
        assert bad.status_code == 422
        assert 'data-field="slimming_days"' in bad.text and "increasing" in bad.text
        assert 'value="5, 2"' in bad.text  # the owner's input is kept
        unknown = await client.post("/app/admin/programmes/nope", data={"_csrf_token": token})
        assert unknown.status_code == 404
    with tenant_scope(tenant_a.ctx):
        unchanged = {s.programme.name: s for s in await programmes.list_programmes()}["product_follow_up"]
    assert unchanged.enabled is True  # the unchecked box was not saved either
    assert unchanged.settings["max_attempts"] == 3 and unchanged.settings["call_time"] == "10:00"

    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, owner)
        token = csrf_of((await client.get("/app/admin/programmes")).text)
        form = {"enabled": "1", "slimming_days": "3, 6", "max_attempts": "4", "_csrf_token": token}
        good = await client.post("/app/admin/programmes/product_follow_up", data=form, follow_redirects=False)
        assert good.status_code == 303
        off = await client.post(
            "/app/admin/programmes/product_follow_up", data={**form, "enabled": ""}, follow_redirects=False
        )
        assert off.status_code == 303
        page = await client.get("/app/admin/programmes")
        assert 'name="slimming_days" value="3, 6"' in page.text
    with tenant_scope(tenant_a.ctx):
        saved = {s.programme.name: s for s in await programmes.list_programmes()}["product_follow_up"]
    assert saved.enabled is False
    assert saved.settings["slimming_days"] == [3, 6] and saved.settings["max_attempts"] == 4

    # A disabled programme plans nothing for this tenant.
    person = await add_client(tenant_a)
    with tenant_scope(tenant_a.ctx):
        await visits.record_sale(person.id, product="Slim Gel", category="slimming")
        planned = [t for t in await calls.client_touchpoints(person.id) if t.programme == "product_follow_up"]
    assert planned == []


async def test_client_page_panels_queued_message_and_printables(backend, tenant_a, frozen_clock):
    practitioner = await add_person(tenant_a, "practitioner")
    person = await add_client(tenant_a, first_name="Rita", last_name="Lips")
    other = await add_client(tenant_a, first_name="Other")
    with tenant_scope(tenant_a.ctx):
        await consent.grant(
            person.id, "health_data", channel="in_store_tablet", wording_shown="Health data for my treatment"
        )
        await visits.record_service(person.id, service="Lip filler", category="medical_aesthetics")
        await visits.record_sale(person.id, product="Skin Device", category="device")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, practitioner)
        page = await _client_page(client, person.id)
        assert 'id="panel-aftercare"' in page
        assert "Queued — sent by the workers later" in page
        assert "Aftercare instructions: Lip filler" in page
        assert "Day 1 recovery check-in: Lip filler" in page
        assert 'id="plugin-panel-medical_aftercare"' in page and "Aftercare period" in page
        assert 'id="plugin-panel-warranty"' in page and "Skin Device" in page
        token = csrf_of(page)

        saved = await client.post(
            f"/app/clients/{person.id}/preferred-time",
            data={"preferred_time": "weekdays after 17:00", "_csrf_token": token},
        )
        assert saved.status_code == 200
        assert 'value="weekdays after 17:00"' in await _client_page(client, person.id)
        too_long = await client.post(
            f"/app/clients/{person.id}/preferred-time",
            data={"preferred_time": "x" * 101, "_csrf_token": token},
        )
        assert too_long.status_code == 422 and "preferred_time" in too_long.text

        await _later(client, frozen_clock, 1, tenant_a.slug, practitioner)
        dashboard = await client.get("/app")
        assert "Day 1 recovery check-in: Lip filler" in dashboard.text
        assert "weekdays after 17:00" in dashboard.text  # the preferred time on the call list

        printable = await client.get(f"/app/clients/{person.id}/aftercare/instructions")
        assert printable.status_code == 200
        assert (
            "Wound care" in printable.text
            and "Lip filler" in printable.text
            and "@media print" not in printable.text
        )
        assert "/static/print.css" in printable.text

        # A warranty claim through to its receipt.
        claims = await _claims_page(client, person.id)
        warranty_id = re.search(r'<option value="([0-9a-f-]{36})">Skin Device', claims).group(1)
        missing_proof = await client.post(
            "/app/warranty/claims",
            data={
                "client": str(person.id),
                "warranty": warranty_id,
                "proof_of_purchase": "",
                "description": "Stops",
                "_csrf_token": token,
            },
        )
        assert missing_proof.status_code == 422 and "proof_of_purchase" in missing_proof.text
        opened = await client.post(
            "/app/warranty/claims",
            data={
                "client": str(person.id),
                "warranty": warranty_id,
                "proof_of_purchase": "R-1",
                "description": "Stops",
                "_csrf_token": token,
            },
        )
        assert opened.status_code == 200
        claim_id = re.search(r'data-claim="([0-9a-f-]{36})"', await _claims_page(client, person.id)).group(1)
        assert (await client.get(f"/app/warranty/claims/{claim_id}/receipt")).status_code == 404  # not done
        mine = {"client": str(person.id), "_csrf_token": token}
        # A claim is only handled through its own client's page.
        wrong = await client.post(
            f"/app/warranty/claims/{claim_id}/triage", data={**mine, "client": str(other.id)}
        )
        assert wrong.status_code == 404
        assert 'data-status="reported"' in await _claims_page(client, person.id)
        await client.post(f"/app/warranty/claims/{claim_id}/triage", data=mine)
        await client.post(f"/app/warranty/claims/{claim_id}/remedy", data={**mine, "remedy": "repair"})
        receipt = await client.post(f"/app/warranty/claims/{claim_id}/complete", data=mine)
        assert receipt.status_code == 200
        assert "After-sales service receipt" in receipt.text
        # Issue 17: the receipt names who issued it: the salon, the branch and its address.
        issuer = receipt.text.split('id="receipt-issuer"', 1)[1].split("</header>", 1)[0]
        assert f"Salon {tenant_a.slug}" in issuer and "Main street" in issuer and "Main street 1" in issuer
        number = re.search(r'id="receipt-number">(AS-\d{4}-\d{5})<', receipt.text).group(1)
        assert number.endswith("-00001")
        again = await _claims_page(client, person.id)
        assert number in again and f"/app/warranty/claims/{claim_id}/receipt" in again


async def test_a_referral_is_recorded_from_the_client_page(backend, tenant_a, frozen_clock):
    reception = await add_person(tenant_a, "reception")
    member = await add_client(
        tenant_a, first_name="Ritva", last_name="Member", phone="+358405550101", kind="member"
    )
    guest = await add_client(tenant_a, first_name="Gia", last_name="Guest", phone="+358405550202")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, reception)
        page = await _client_page(client, guest.id)
        assert 'id="referral-form"' in page
        token = csrf_of(page)
        nobody = await client.post(
            f"/app/clients/{guest.id}/referral", data={"referrer": "+358409999999", "_csrf_token": token}
        )
        assert nobody.status_code == 422 and "referrer" in nobody.text
        saved = await client.post(
            f"/app/clients/{guest.id}/referral", data={"referrer": "+358405550101", "_csrf_token": token}
        )
        assert saved.status_code == 200
        page = await _client_page(client, guest.id)
        assert 'id="referrer"' in page and "Ritva Member" in page and 'id="referral-form"' not in page
        again = await client.post(
            f"/app/clients/{guest.id}/referral", data={"referrer": str(member.id), "_csrf_token": token}
        )
        assert again.status_code == 409
