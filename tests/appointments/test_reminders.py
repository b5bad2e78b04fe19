"""The first-visit programme's day-before reminder follows the appointment: planned when
booked, re-planned when moved, withdrawn when cancelled, and sent by the delivery workers."""

from __future__ import annotations

import email
from datetime import UTC, datetime, timedelta

from salonkeep.core.aftercare.tables import Touchpoint
from salonkeep.core.appointments import service as appointments
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.delivery.registry import built_in_channels
from salonkeep.core.delivery.service import deliver_due
from salonkeep.tenants import scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work

from ..delivery.helpers import config
from .helpers import prepare

REMINDER = "next_appointment_reminder"


async def reminders(world) -> list[Touchpoint]:
    with tenant_scope(world.ctx):
        async with unit_of_work(world.ctx):
            return await scoped.fetch(Touchpoint, "programme = {}", REMINDER, order_by="created_at, due_at")


async def test_moving_re_plans_and_cancelling_withdraws_the_reminder(backend, tenant_a, frozen_clock):
    b = await prepare(tenant_a)
    with tenant_scope(tenant_a.ctx):
        client = await create_client(
            ClientInput(branch_id=tenant_a.branch_id, first_name="Aino", email="aino@client.example")
        )
        # Wednesday 1 April 14:00 Helsinki.
        row = await appointments.book(
            client.id,
            staff_id=b.staff_id,
            service_id=b.facial_id,
            starts_at=datetime(2026, 4, 1, 11, 0, tzinfo=UTC),
        )
    (first,) = await reminders(tenant_a)
    assert (first.status, first.due_at) == ("queued", datetime(2026, 3, 31, 7, 0, tzinfo=UTC))
    frozen_clock.advance(timedelta(minutes=5))
    with tenant_scope(tenant_a.ctx):
        await appointments.move(row.id, starts_at=datetime(2026, 4, 2, 11, 0, tzinfo=UTC))
    old, new = await reminders(tenant_a)
    assert (old.id, old.status) == (first.id, "cancelled")
    assert (new.status, new.due_at) == ("queued", datetime(2026, 4, 1, 7, 0, tzinfo=UTC))
    assert "Apr 2, 2026" in new.script

    # The day before, the delivery worker's sweep sends the moved reminder, once.
    frozen_clock.at = datetime(2026, 4, 1, 7, 30, tzinfo=UTC)
    channels = built_in_channels(config(), backend.settings.data_dir)
    report = await deliver_due(tenant_a.ctx, channels, config())
    assert (report.claimed, report.sent) == (1, 1)
    eml = backend.settings.data_dir / "outbox" / f"sk-{new.id}.eml"
    assert email.message_from_bytes(eml.read_bytes())["To"] == "Aino <aino@client.example>"
    assert {t.id: t.status for t in await reminders(tenant_a)} == {old.id: "cancelled", new.id: "sent"}


async def test_cancelling_withdraws_the_reminder_before_it_goes_out(backend, tenant_a, frozen_clock):
    b = await prepare(tenant_a)
    with tenant_scope(tenant_a.ctx):
        row = await appointments.book(
            b.client_id,
            staff_id=b.staff_id,
            service_id=b.facial_id,
            starts_at=datetime(2026, 4, 1, 11, 0, tzinfo=UTC),
        )
        await appointments.cancel(row.id, reason="Salon closed for repairs", cancelled_by="salon")
    (reminder,) = await reminders(tenant_a)
    assert reminder.status == "cancelled"
    frozen_clock.at = datetime(2026, 3, 31, 8, 0, tzinfo=UTC)
    report = await deliver_due(tenant_a.ctx, built_in_channels(config(), backend.settings.data_dir), config())
    assert report.claimed == 0
