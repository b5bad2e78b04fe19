"""Public privacy pages: the privacy notice and consent self-service through a signed link."""

from __future__ import annotations

import re
from datetime import timedelta

from litestar.testing import AsyncTestClient

from salonkeep.core import consent
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.consent import links
from salonkeep.core.consent.policy import publish_policy
from salonkeep.core.consent.tables import ConsentEvent
from salonkeep.tenants import clock
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.web.app import create_app

from ..core.privacy_helpers import policy_text
from .staff_helpers import sign_in


def _csrf(page: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', page)
    assert match
    return match.group(1)


async def test_privacy_notice_shows_the_policy_in_force_and_the_announced_change(
    backend, tenant_a, frozen_clock
):
    with tenant_scope(tenant_a.ctx):
        await publish_policy(
            {"en": policy_text(" (first)")}, effective_from=clock.now(), override_notice=True
        )
        await publish_policy({"en": policy_text(" (second)")})
    async with AsyncTestClient(create_app(backend.settings)) as http:
        page = await http.get(f"/t/{tenant_a.slug}/privacy")
        missing = await http.get("/t/no-such-salon/privacy")
    assert page.status_code == 200
    assert "(first)" in page.text and "(second)" in page.text and 'id="upcoming"' in page.text
    for question in ("What data is collected", "To whom it may be given", "complaints about data handling"):
        assert question in page.text
    assert missing.status_code == 404


async def test_consent_self_service_through_a_signed_link(backend, tenant_a, frozen_clock):
    with tenant_scope(tenant_a.ctx):
        client = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Liisa"))
        await consent.grant(
            client.id, consent.Purpose.MARKETING_SMS, channel="in_store_tablet", wording_shown="SMS yes"
        )
        await publish_policy({"en": policy_text()}, effective_from=clock.now(), override_notice=True)
    path = links.link_path(tenant_a.slug, tenant_a.ctx.tenant_id, client.id)
    async with AsyncTestClient(create_app(backend.settings)) as http:
        page = await http.get(path)
        assert page.status_code == 200
        assert consent.wording(consent.Purpose.MARKETING_EMAIL) in page.text
        assert re.search(r'name="purpose.marketing_sms" value="yes" checked', page.text)
        done = await http.post(
            path,
            data={
                "purpose.marketing_email": "yes",
                "purpose.marketing_sms": "no",
                "purpose.photos": "no",
                "_csrf_token": _csrf(page.text),
            },
        )
        assert done.status_code == 200 and 'id="saved"' in done.text
        forged = await http.get(path[:-3] + "abc")
        assert forged.status_code == 404
        other_tenant = await http.get(path.replace(tenant_a.slug, "x-" + tenant_a.slug))
        assert other_tenant.status_code == 404
    with tenant_scope(tenant_a.ctx):
        assert await consent.allows(client.id, consent.Purpose.MARKETING_EMAIL)
        assert not await consent.allows(client.id, consent.Purpose.MARKETING_SMS)
    async with unit_of_work(tenant_a.ctx):
        online = await ConsentEvent.objects().where(
            (ConsentEvent.client_id == client.id) & (ConsentEvent.channel == "online_form")
        )
    # Only the two changes were recorded (photos stayed "no"), with the wording shown.
    assert sorted((e.purpose, e.granted, e.wording, e.recorded_by) for e in online) == [
        ("marketing_email", True, consent.wording(consent.Purpose.MARKETING_EMAIL), "client (signed link)"),
        ("marketing_sms", False, consent.wording(consent.Purpose.MARKETING_SMS), "client (signed link)"),
    ]
    assert all(e.policy_version_id is not None for e in online)
    frozen_clock.advance(links.LINK_VALIDITY + timedelta(minutes=1))
    async with AsyncTestClient(create_app(backend.settings)) as http:
        expired = await http.get(path)
    assert expired.status_code == 404 and "expired" in expired.text


async def test_a_grant_under_old_wording_is_confirmed_through_the_link(backend, tenant_a, frozen_clock):
    old = "I want offers by e-mail (the 2025 wording)."
    with tenant_scope(tenant_a.ctx):
        client = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Liisa"))
        await consent.grant(
            client.id, consent.Purpose.MARKETING_EMAIL, channel="paper_scanned", wording_shown=old
        )
    frozen_clock.advance(timedelta(days=30))
    path = links.link_path(tenant_a.slug, tenant_a.ctx.tenant_id, client.id)
    async with AsyncTestClient(create_app(backend.settings)) as http:
        await sign_in(http, tenant_a.slug, f"owner@{tenant_a.slug}.example")
        panel = await http.get(f"/app/clients/{client.id}/consent")
        assert panel.text.count('class="to-confirm"') == 1
        page = await http.get(path)
        assert page.text.count("to-confirm") == 1
        done = await http.post(
            path,
            data={"purpose.marketing_email": "yes", "purpose.photos": "no", "_csrf_token": _csrf(page.text)},
        )
        assert done.status_code == 200 and "to-confirm" not in done.text
    with tenant_scope(tenant_a.ctx):
        state = await consent.current_state(client.id)
        ledger = await consent.ledger(client.id)
    assert state[("marketing_email", "")].granted and not state[("marketing_email", "")].to_confirm
    assert sorted(e.wording for e in ledger if e.purpose == "marketing_email") == sorted(
        [old, consent.wording(consent.Purpose.MARKETING_EMAIL)]
    )
