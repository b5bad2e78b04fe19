"""The outbox on both databases: claims with leases, sent once, file channels, audit."""

from __future__ import annotations

import email
from datetime import timedelta

from salonkeep.core.audit.tables import AuditEvent
from salonkeep.core.delivery import outbox
from salonkeep.core.delivery.registry import built_in_channels
from salonkeep.core.delivery.service import deliver_due
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work

from .helpers import add_client, config, messages, queue


async def test_due_message_is_sent_once_as_a_file_and_audited(backend, tenant_a, frozen_clock):
    client = await add_client(tenant_a, first_name="Aino", email="aino@client.example")
    frozen_clock.at = frozen_clock.at.replace(hour=10)  # 12:00 in Helsinki: no quiet hours
    [due] = await queue(tenant_a, client.id)
    [later] = await queue(tenant_a, client.id, due_at=clock.now() + timedelta(days=1))
    found = built_in_channels(config(), backend.settings.data_dir)
    report = await deliver_due(tenant_a.ctx, found, config())
    assert (report.claimed, report.sent) == (1, 1)
    rows = await messages(tenant_a)
    assert rows[due].status == "sent" and rows[due].channel == "email"
    assert rows[due].lease_until is None and rows[due].claimed_by is None
    assert rows[later].status == "queued"
    eml = backend.settings.data_dir / "outbox" / f"sk-{due}.eml"
    parsed = email.message_from_bytes(eml.read_bytes())
    assert parsed["To"] == "Aino <aino@client.example>"
    assert parsed["Message-ID"].startswith(f"<sk-{due}@")
    again = await deliver_due(tenant_a.ctx, found, config())
    assert again.claimed == 0
    with tenant_scope(tenant_a.ctx):
        async with unit_of_work():
            audited = await scoped.fetch(AuditEvent, "action = 'message.sent'")
    assert [(a.subject_id, a.client_id) for a in audited] == [(due, client.id)]


async def test_claims_take_rows_once_and_reclaim_expired_leases(backend, tenant_a, frozen_clock):
    client = await add_client(tenant_a)
    ids = await queue(tenant_a, client.id, count=5)
    now = clock.now()
    with tenant_scope(tenant_a.ctx):
        async with unit_of_work():
            first = await outbox.claim("w1", now, 60, 3)
        async with unit_of_work():
            second = await outbox.claim("w2", now, 60, 3)
        async with unit_of_work():
            none_left = await outbox.claim("w3", now + timedelta(seconds=59), 60, 10)
        async with unit_of_work():
            expired = await outbox.claim("w4", now + timedelta(seconds=61), 60, 10)
    assert len(first) == 3 and len(second) == 2
    assert {r.id for r in first} | {r.id for r in second} == set(ids)
    assert none_left == []
    assert {r.id for r in expired} == set(ids)
    assert all(r.claim_recovered and r.claimed_by == "w4" for r in expired)
    # w1 lost its lease: what it writes now changes nothing.
    with tenant_scope(tenant_a.ctx):
        async with unit_of_work():
            await outbox.finish("w1", now, [outbox.Outcome(first[0].id, "sent", channel="email")])
    assert (await messages(tenant_a))[first[0].id].status == "sending"


async def test_cross_tenant_claims_see_only_their_tenant(backend, tenant_a, tenant_b, frozen_clock):
    client = await add_client(tenant_a)
    await queue(tenant_a, client.id, count=2)
    with tenant_scope(tenant_b.ctx):
        async with unit_of_work():
            assert await outbox.claim("wb", clock.now(), 60, 10) == []
