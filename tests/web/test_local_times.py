"""Finding 10: every date and time a person reads is local (the tenant's or the branch's zone),
in the person's locale, with the zone named where times are compared. On SQLite and PostgreSQL.

The finding: a sale at 00:30 in Helsinki (22:30 UTC on 25 November) showed 25.11 under
purchases but 26.11 on the warranty and the receipt; consent history and the audit trail showed
UTC without saying so while the call log showed local time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from litestar.testing import AsyncTestClient

from salonkeep.core import consent
from salonkeep.core.aftercare import calls
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.visits import service as visits
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import add_branch
from salonkeep.tenants.tables import Tenant
from salonkeep.web.app import create_app

from .staff_helpers import PASSWORD, add_client, csrf_of, sign_in

HTMX = {"HX-Request": "true"}
#: 00:30 on 26 November in Helsinki (UTC+2 in winter).
SALE_MOMENT = datetime(2026, 11, 25, 22, 30, tzinfo=UTC)
NNBSP = "\u202f"  # CLDR puts a narrow no-break space before AM/PM (en) and the year abbreviation (ru)


@pytest.fixture
def late_evening():
    """The application clock frozen at 22:30 UTC on 25 November 2026."""
    frozen = clock.FrozenClock(SALE_MOMENT)
    clock.set_clock(frozen)
    yield frozen
    clock.set_clock(None)


def _table(page: str, table_id: str) -> str:
    match = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, re.S)
    assert match, f"the page has the table {table_id}"
    return match.group(0)


async def _sell_and_handle(world):
    """A client who, at 22:30 UTC on 25 November, consents, has a procedure, buys a device and
    has a call answered: every kind of record the finding compares."""
    person = await add_client(world, first_name="Rita", last_name="Night")
    with tenant_scope(world.ctx):
        await consent.grant(person.id, "health_data", channel="in_store_tablet", wording_shown="Health data")
        await visits.record_service(person.id, service="Lip filler", category="medical_aesthetics")
        await visits.record_sale(person.id, product="Skin Device", category="device")
        call = next(t for t in await calls.client_touchpoints(person.id) if t.kind == "call")
        await calls.record_outcome(call.id, "reached", "fine")
    return person


async def _complete_claim(client, person_id, page: str) -> str:
    """Report, triage, remedy and complete a warranty claim; the printable receipt."""
    token = csrf_of(page)
    warranty_id = re.search(r'<option value="([0-9a-f-]{36})">Skin Device', page).group(1)
    form = {"client": str(person_id), "_csrf_token": token}
    await client.post(
        "/app/warranty/claims",
        data={**form, "warranty": warranty_id, "proof_of_purchase": "R-1", "description": "Stops"},
    )
    panel = (await client.get(f"/app/clients/{person_id}/s/warranty-claims", headers=HTMX)).text
    claim_id = re.search(r'data-claim="([0-9a-f-]{36})"', panel).group(1)
    await client.post(f"/app/warranty/claims/{claim_id}/triage", data=form)
    await client.post(f"/app/warranty/claims/{claim_id}/remedy", data={**form, "remedy": "repair"})
    receipt = await client.post(f"/app/warranty/claims/{claim_id}/complete", data=form)
    assert receipt.status_code == 200 and "After-sales service receipt" in receipt.text
    return receipt.text


async def test_a_late_evening_sale_is_the_next_day_on_every_screen(backend, tenant_a, late_evening):
    person = await _sell_and_handle(tenant_a)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example", PASSWORD)
        profile = (await client.get(f"/app/clients/{person.id}/s/history")).text
        panel = (await client.get(f"/app/clients/{person.id}/s/warranty-claims", headers=HTMX)).text

        # Purchases and visits: the local date, as the warranty has it.
        assert "Nov 26, 2026" in _table(profile, "sales")
        assert "Nov 26, 2026" in _table(profile, "visits")
        # The warranty panel and the claim form.
        assert "Skin Device (Nov 26, 2026)" in panel
        assert '">Skin Device (Nov 26, 2026)</option>' in panel
        # The call log: the same local time.
        call_log = (await client.get(f"/app/clients/{person.id}/aftercare", headers=HTMX)).text
        assert f"11/26/26, 12:30{NNBSP}AM" in call_log

        receipt = await _complete_claim(client, person.id, panel)
        assert "<dt>Sold on</dt><dd>Nov 26, 2026</dd>" in receipt
        assert "<dt>Reported on</dt><dd>Nov 26, 2026</dd>" in receipt

        # Consent history: local, the zone named in the column and next to each time.
        consent_panel = (await client.get(f"/app/clients/{person.id}/consent", headers=HTMX)).text
        history = _table(consent_panel, "consent-history")
        assert "(Europe/Helsinki)" in history and f"11/26/26, 12:30{NNBSP}AM (UTC+02:00)" in history
        assert f"11/26/26, 12:30{NNBSP}AM (UTC+02:00)" in _table(consent_panel, "consent-state")

        # The audit panel and the client's printable access report.
        audit = (await client.get(f"/app/clients/{person.id}/audit", headers=HTMX)).text
        report = (await client.get(f"/app/clients/{person.id}/access-report")).text
        for page in (audit, report):
            assert f"Nov 26, 2026, 12:30:00{NNBSP}AM (UTC+02:00)" in page
            assert "(Europe/Helsinki)" in page
        assert "Times are in the Europe/Helsinki time zone." in report

        # The staff member's own call log (recorded as the system here: the owner's is empty)
        # and the call list use the same helper; nowhere is the UTC date or a raw timestamp.
        for page in (profile, panel, receipt, consent_panel, audit, report):
            assert "Nov 25, 2026" not in page and "11/25/26" not in page
            assert "2026-11-25" not in page and "22:30" not in page


async def test_a_branch_with_its_own_zone_shows_its_records_in_it(backend, tenant_a, late_evening):
    with tenant_scope(tenant_a.ctx):
        stockholm = await add_branch(name="Stockholm", time_zone="Europe/Stockholm")
    person = await add_client(tenant_a, first_name="Sven")
    with tenant_scope(tenant_a.ctx):
        await visits.record_sale(person.id, product="Cream", category="care")
    with tenant_scope(tenant_a.ctx):
        other = await create_client(ClientInput(branch_id=stockholm.id, first_name="Saga", last_name="Berg"))
        await visits.record_sale(other.id, product="Cream", category="care")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example", PASSWORD)
        helsinki = (await client.get(f"/app/clients/{person.id}/s/history")).text
        sweden = (await client.get(f"/app/clients/{other.id}/s/history")).text
    assert "Nov 26, 2026" in _table(helsinki, "sales")  # 00:30 in Helsinki
    assert "Nov 25, 2026" in _table(sweden, "sales")  # 23:30 in Stockholm


@pytest.mark.parametrize(
    ("language", "sale_day", "audit_time"),
    [
        ("fi", "26.11.2026", "26.11.2026 0.30.00 (UTC+02:00)"),
        ("ru", f"26 нояб. 2026{NNBSP}г.", f"26 нояб. 2026{NNBSP}г., 00:30:00 (UTC+02:00)"),  # noqa: RUF001
        ("zh", "2026年11月26日", "2026年11月26日 00:30:00 (UTC+02:00)"),
    ],
)
async def test_dates_follow_the_persons_locale(
    backend, tenant_a, late_evening, language, sale_day, audit_time
):
    async with unit_of_work(tenant_a.ctx):  # the directory row is written as its own tenant
        await scoped.update_tenant({Tenant.default_locale: language})
    person = await _sell_and_handle(tenant_a)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example", PASSWORD)
        profile = (await client.get(f"/app/clients/{person.id}/s/history")).text
        panel = (await client.get(f"/app/clients/{person.id}/s/warranty-claims", headers=HTMX)).text
        audit = (await client.get(f"/app/clients/{person.id}/audit", headers=HTMX)).text
    assert f'<html lang="{language}">' in profile
    assert sale_day in _table(profile, "sales")
    assert f"Skin Device ({sale_day})" in panel  # the plugin's panel text too
    assert audit_time in audit


async def test_consent_history_across_the_autumn_dst_change(backend, tenant_a):
    """03:30 happens twice in Helsinki on 25 October 2026: the zone tells the two apart."""
    person = await add_client(tenant_a)
    frozen = clock.FrozenClock(datetime(2026, 10, 25, 0, 30, tzinfo=UTC))  # 03:30 summer time
    clock.set_clock(frozen)
    try:
        with tenant_scope(tenant_a.ctx):
            await consent.grant(person.id, "marketing_email", channel="in_store_tablet", wording_shown="News")
            frozen.advance(timedelta(hours=1))  # 03:30 again, winter time
            await consent.withdraw(
                person.id, "marketing_email", channel="in_store_tablet", wording_shown="No"
            )
        async with AsyncTestClient(create_app(backend.settings)) as client:
            await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example", PASSWORD)
            page = (await client.get(f"/app/clients/{person.id}/consent", headers=HTMX)).text
    finally:
        clock.set_clock(None)
    history = _table(page, "consent-history")
    assert f"10/25/26, 3:30{NNBSP}AM (UTC+03:00)" in history
    assert f"10/25/26, 3:30{NNBSP}AM (UTC+02:00)" in history
