"""The satisfaction survey through the delivery workers, against a real SMTP server: the
invitation goes out by e-mail with the signed link, which opens the survey page; a client who
withdrew the consent in between gets nothing (the gate is asked again at sending time)."""

from __future__ import annotations

import re
from datetime import timedelta

from litestar.testing import AsyncTestClient

from salonkeep.core import consent
from salonkeep.core.complaints import survey
from salonkeep.core.delivery.config import parse_smtp_url, update_tenant_delivery
from salonkeep.core.delivery.email import SmtpChannel
from salonkeep.core.delivery.service import deliver_due
from salonkeep.core.visits.service import record_service
from salonkeep.tenants.context import tenant_scope
from salonkeep.web.app import create_app

from .helpers import add_client, config
from .smtp_sink import SmtpSink


async def test_the_invitation_is_mailed_with_a_link_that_opens_the_survey(
    backend, tenant_a, frozen_clock, tmp_path
):
    await update_tenant_delivery(
        tenant_a.ctx.tenant_id, {"sender_name": "Aurora", "sender_address": "hello@aurora.example"}
    )
    keeps = await add_client(tenant_a, first_name="Aino", email="aino@client.example")
    withdraws = await add_client(tenant_a, first_name="Bea", email="bea@client.example")
    with tenant_scope(tenant_a.ctx):
        for client in (keeps, withdraws):
            await consent.record_consent(
                client.id, "marketing_email", True, channel="in_store_tablet", wording_shown="yes"
            )
            await record_service(client.id, service="Facial", category="facial")
        frozen_clock.advance(timedelta(hours=3))
        assert await survey.invite_due() == 2
        await consent.record_consent(
            withdraws.id, "marketing_email", False, channel="in_store_tablet", wording_shown="no"
        )
    sink = SmtpSink(tmp_path / "maildir")
    try:
        report = await deliver_due(tenant_a.ctx, {"email": SmtpChannel(parse_smtp_url(sink.url))}, config())
        mails = sink.messages()
    finally:
        sink.stop()
    assert report.sent == 1
    assert ["aino@client.example" in m["To"] for m in mails] == [True]
    body = mails[0].get_payload(decode=True).decode() if not mails[0].is_multipart() else str(mails[0])
    assert mails[0]["Subject"] == "How was your visit?"
    found = re.search(rf"/t/{tenant_a.slug}/survey/[A-Za-z0-9_.\-]+", body)
    assert found, body
    async with AsyncTestClient(create_app(backend.settings)) as http:
        page = await http.get(found.group(0))
    assert page.status_code == 200 and 'name="score"' in page.text
