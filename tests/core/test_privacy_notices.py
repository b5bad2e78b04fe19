"""Messages to the privacy officer through the staff-notice outbox: a break-glass opening (and
every other alert, e.g. a breach deadline) is queued at once for every privacy officer in their
language, sent once over real SMTP by the worker job (a second run sends nothing), with no
free text in it; a dead SMTP server is retried later (both backends)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from salonkeep.core.delivery.config import parse_smtp_url
from salonkeep.core.delivery.email import SmtpChannel
from salonkeep.core.privacy import breach, break_glass, notices, unusual
from salonkeep.core.privacy.tables import StaffNotice
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import add_branch, add_staff
from salonkeep.tenants.tables import StaffMember
from salonkeep.workers.privacy_jobs import staff_notice_sweep

from ..delivery.smtp_sink import SmtpSink, free_port


@pytest.fixture
async def world(tenant_a, frozen_clock):
    from salonkeep.core.clients.service import ClientInput, create_client

    with tenant_scope(tenant_a.ctx):
        other = await add_branch(name="Harbour")
        client = await create_client(
            ClientInput(branch_id=other.id, first_name="Mei", allergies="Penicillin")
        )
        officer, _ = await add_staff(
            email="dpo@clinic.example",
            name="Dana Officer",
            role="privacy_officer",
            password="Str0ng-Passw0rd",
        )
        nurse, _ = await add_staff(
            email="nurse@clinic.example",
            name="Nina Nurse",
            role="practitioner",
            branch_names=["Main street"],
            password="Str0ng-Passw0rd",
        )
    return tenant_a, client, officer, nurse


async def _notices(world) -> list[StaffNotice]:
    with tenant_scope(world.ctx):
        async with unit_of_work():
            return await notices.notices()


async def _break_glass(tenant, client, nurse) -> None:
    ctx = dataclasses.replace(
        tenant.ctx,
        role="practitioner",
        actor_id=nurse.id,
        actor_label="staff nurse@clinic.example",
        branch_ids=frozenset({tenant.branch_id}),
    )
    with tenant_scope(ctx):
        await break_glass.open_break_glass(client.id, "emergency", "Mei collapsed in the waiting room")


async def test_break_glass_messages_the_privacy_officer_at_once_and_the_worker_sends_it_once(
    backend, world, tmp_path, monkeypatch
):
    tenant, client, officer, nurse = world
    await _break_glass(tenant, client, nurse)
    [queued] = await _notices(tenant)
    assert (queued.staff_id, queued.to_address, queued.status) == (officer.id, "dpo@clinic.example", "queued")
    assert "Break-glass" in queued.subject
    assert "Mei collapsed" not in queued.body and "Penicillin" not in queued.body  # no free text
    assert "nurse@clinic.example" in queued.body
    sink = SmtpSink(tmp_path / "maildir")
    try:
        monkeypatch.setenv("SALONKEEP_SMTP_URL", sink.url)
        monkeypatch.setenv("SALONKEEP_SMTP_FROM", "privacy@clinic.example")
        ctx = {"settings": backend.settings}
        mine = str(tenant.ctx.tenant_id)
        assert (await staff_notice_sweep(ctx))[mine] == 1  # other tests' tenants may have some too
        assert mine not in await staff_notice_sweep(ctx)
        mails = [m for m in sink.messages() if m["Message-ID"].startswith(f"<sk-staff-{queued.id}@")]
    finally:
        sink.stop()
    assert [m["To"] for m in mails] == ["Dana Officer <dpo@clinic.example>"]  # sent once
    [sent] = await _notices(tenant)
    assert sent.status == "sent" and sent.sent_at is not None


async def test_the_officer_reads_it_in_their_language_and_raising_again_queues_nothing(world):
    tenant, client, officer, nurse = world
    with tenant_scope(tenant.ctx):
        async with unit_of_work():
            await scoped.update(StaffMember, {StaffMember.locale: "fi"}).where(StaffMember.id == officer.id)
    await _break_glass(tenant, client, nurse)
    [queued] = await _notices(tenant)
    assert queued.language == "fi" and queued.subject.startswith("Tietosuojahälytys")
    with tenant_scope(tenant.ctx):
        async with unit_of_work():
            recipient = (await notices.privacy_officers())[0]
            values = {"kind": "break_glass", "raised_at": clock.now(), "staff": "", "salon": "x"}
            again = await notices.queue_notice(
                recipient, "alert", values, dedupe_key=queued.dedupe_key.rsplit(":", 1)[0]
            )
    assert again is False and len(await _notices(tenant)) == 1


async def test_breach_deadline_reminders_reach_the_officer_once_per_stage(world, frozen_clock):
    tenant, *_ = world
    with tenant_scope(tenant.ctx):
        made = await breach.open_breach("Laptop stolen", clock.now())
    frozen_clock.advance(timedelta(hours=49))
    with tenant_scope(tenant.ctx):
        await unusual.scan()
        await unusual.scan()  # the hourly job runs again: nothing new
    assert [n.subject for n in await _notices(tenant)] == [
        "Privacy alert: A breach's 72-hour notification deadline is near or passed"
    ]
    frozen_clock.advance(timedelta(hours=24))
    with tenant_scope(tenant.ctx):
        await unusual.scan()
    assert len(await _notices(tenant)) == 2
    assert made.id


async def test_a_dead_smtp_server_is_retried_later(world):
    tenant, client, _, nurse = world
    await _break_glass(tenant, client, nurse)
    dead = SmtpChannel(parse_smtp_url(f"smtp://127.0.0.1:{free_port()}"), timeout=2)
    report = await notices.deliver_notices(tenant.ctx, {"email": dead})
    assert (report.sent, report.retried) == (0, 1)
    [row] = await _notices(tenant)
    assert row.status == "queued" and row.attempts == 1 and row.next_attempt_at > clock.now()
    again = await notices.deliver_notices(tenant.ctx, {"email": dead})
    assert (again.sent, again.retried) == (0, 0)  # not due yet
