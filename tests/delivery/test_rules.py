"""Send-time rules on both databases: quiet hours across time zones and DST, consent and
restriction re-checked, back-off with jitter up to the failed state, retry and cancel."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from salonkeep.core.audit.tables import AuditEvent
from salonkeep.core.delivery import messages as outbox_messages
from salonkeep.core.delivery.channel import SendResult
from salonkeep.core.delivery.config import update_tenant_delivery
from salonkeep.core.delivery.quiet_hours import next_allowed
from salonkeep.core.delivery.registry import built_in_channels
from salonkeep.core.delivery.service import backoff, deliver_due
from salonkeep.core.privacy import rights
from salonkeep.tenants import scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import ValidationFailed

from ..conftest import make_tenant
from .helpers import add_client, config, messages, queue

QUIET = (time(21, 0), time(9, 0))


@pytest.mark.parametrize(
    ("moment", "zone", "expected"),
    [
        # Shanghai (UTC+8, no DST): 22:00 local → 09:00 next morning local.
        (datetime(2026, 3, 28, 14, 0, tzinfo=UTC), "Asia/Shanghai", datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        # 03:00 local, after midnight → 09:00 the same day.
        (datetime(2026, 3, 28, 19, 0, tzinfo=UTC), "Asia/Shanghai", datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        # 12:00 local: allowed now.
        (datetime(2026, 3, 28, 4, 0, tzinfo=UTC), "Asia/Shanghai", datetime(2026, 3, 28, 4, 0, tzinfo=UTC)),
        # Tallinn, the night clocks go forward (29 March 2026, 03:00 EET → 04:00 EEST):
        # 23:00 EET (UTC+2) → 09:00 EEST (UTC+3) = 06:00 UTC, not 07:00.
        (datetime(2026, 3, 28, 21, 0, tzinfo=UTC), "Europe/Tallinn", datetime(2026, 3, 29, 6, 0, tzinfo=UTC)),
        # The night they go back (25 October 2026, 04:00 EEST → 03:00 EET): 09:00 EET = 07:00 UTC.
        (
            datetime(2026, 10, 24, 19, 0, tzinfo=UTC),
            "Europe/Tallinn",
            datetime(2026, 10, 25, 7, 0, tzinfo=UTC),
        ),
        # 20:59 local in Tallinn (summer) is still allowed.
        (
            datetime(2026, 6, 1, 17, 59, tzinfo=UTC),
            "Europe/Tallinn",
            datetime(2026, 6, 1, 17, 59, tzinfo=UTC),
        ),
    ],
)
def test_quiet_hours_end_at_the_local_morning(moment, zone, expected):
    assert next_allowed(moment, QUIET, zone) == expected


def test_quiet_window_that_does_not_wrap_midnight_and_no_window():
    lunch = (time(12, 0), time(13, 0))
    at = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)  # 12:30 in Tallinn
    assert next_allowed(at, lunch, "Europe/Tallinn") == datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    assert next_allowed(at, None, "Europe/Tallinn") == at


async def test_quiet_hours_defer_in_each_tenants_zone_then_send(backend, frozen_clock):
    shanghai = await make_tenant(country="CN", time_zone="Asia/Shanghai")
    tallinn = await make_tenant(country="EE", time_zone="Europe/Tallinn")
    frozen_clock.at = datetime(2026, 3, 28, 21, 0, tzinfo=UTC)  # 05:00 Sunday in Shanghai, 23:00 in Tallinn
    found = built_in_channels(config(), backend.settings.data_dir)
    rows = {}
    for world in (shanghai, tallinn):
        client = await add_client(world, phone="+37255512345")
        [rows[world.slug]] = await queue(world, client.id)
        [letter] = await queue(world, client.id, channel="letter", title="Birthday card")
        report = await deliver_due(world.ctx, found, config())
        assert (report.deferred, report.sent) == (1, 1)  # the letter has no quiet hours
        assert (await messages(world))[letter].status == "sent"
    assert (await messages(shanghai))[rows[shanghai.slug]].next_attempt_at == datetime(
        2026, 3, 29, 1, 0, tzinfo=UTC
    )
    assert (await messages(tallinn))[rows[tallinn.slug]].next_attempt_at == datetime(
        2026, 3, 29, 6, 0, tzinfo=UTC
    )
    frozen_clock.at = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert (await deliver_due(shanghai.ctx, found, config())).sent == 1
    assert (await deliver_due(tallinn.ctx, found, config())).claimed == 0
    frozen_clock.at = datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
    assert (await deliver_due(tallinn.ctx, found, config())).sent == 1


async def test_quiet_hours_are_a_tenant_setting_per_channel(backend, tenant_a, frozen_clock):
    frozen_clock.at = datetime(2026, 6, 1, 20, 0, tzinfo=UTC)  # 23:00 in Helsinki
    await update_tenant_delivery(
        tenant_a.ctx.tenant_id, {"quiet_hours": {"email": None, "sms": ["22:00", "08:00"]}}
    )
    client = await add_client(tenant_a, phone="+358401234567")
    [mail] = await queue(tenant_a, client.id, channel="email")
    [sms] = await queue(tenant_a, client.id, channel="sms")
    await deliver_due(tenant_a.ctx, built_in_channels(config(), backend.settings.data_dir), config())
    rows = await messages(tenant_a)
    assert rows[mail].status == "sent"
    assert rows[sms].status == "queued" and rows[sms].next_attempt_at == datetime(
        2026, 6, 2, 5, 0, tzinfo=UTC
    )
    with pytest.raises(ValidationFailed) as refused:
        await update_tenant_delivery(tenant_a.ctx.tenant_id, {"quiet_hours": {"sms": ["late", "08:00"]}})
    assert "delivery.quiet_hours.sms" in refused.value.errors


async def _audited(world, action: str) -> list[AuditEvent]:
    with tenant_scope(world.ctx):
        async with unit_of_work():
            return await scoped.fetch(AuditEvent, "action = {}", action)


async def test_consent_and_restriction_are_checked_again_at_send_time(backend, tenant_a, frozen_clock):
    frozen_clock.at = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    client = await add_client(tenant_a)
    restricted = await add_client(tenant_a)
    # Queued while consent stood, consent gone by now (a withdrawal also cancels queued
    # messages at once; this is the send-time gate behind it).
    [greeting] = await queue(tenant_a, client.id, purpose="greetings")
    [service] = await queue(tenant_a, client.id)
    [owed] = await queue(tenant_a, restricted.id)
    with tenant_scope(tenant_a.ctx):
        await rights.restrict_processing(restricted.id)
    report = await deliver_due(tenant_a.ctx, built_in_channels(config(), backend.settings.data_dir), config())
    assert (report.sent, report.suppressed) == (1, 2)
    rows = await messages(tenant_a)
    assert rows[greeting].status == "suppressed"
    assert rows[greeting].last_error == "no consent to greetings at send time"
    assert rows[owed].status == "suppressed" and rows[owed].last_error == "processing is restricted"
    assert rows[service].status == "sent"
    suppressed = await _audited(tenant_a, "message.suppressed")
    assert sorted(str(a.subject_id) for a in suppressed) == sorted([str(greeting), str(owed)])
    assert all("no consent" in a.reason or "restricted" in a.reason for a in suppressed)


class Flaky:
    """A channel that answers "retry" (a transient failure) every time."""

    name = "email"
    idempotent = True

    def __init__(self) -> None:
        self.calls = 0

    async def send(self, batch):
        self.calls += 1
        return [SendResult(m.id, "retry", "SMTP 451: try later") for m in batch]


async def test_transient_failures_back_off_with_jitter_then_fail_and_can_be_retried(
    backend, tenant_a, frozen_clock
):
    frozen_clock.at = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    client = await add_client(tenant_a)
    [message] = await queue(tenant_a, client.id)
    flaky = Flaky()
    settings = config(max_attempts=3, retry_seconds=60)
    gaps = []
    for attempt in (1, 2):
        before = frozen_clock.at
        report = await deliver_due(tenant_a.ctx, {"email": flaky}, settings)
        assert report.retried == 1
        row = (await messages(tenant_a))[message]
        assert (row.status, row.attempts, row.last_error) == ("queued", attempt, "SMTP 451: try later")
        gap = (row.next_attempt_at - before).total_seconds()
        base = 60 * 2 ** (attempt - 1)
        assert base <= gap <= base * 1.5
        gaps.append(gap)
        assert (
            await deliver_due(tenant_a.ctx, {"email": flaky}, settings)
        ).claimed == 0  # not before its time
        frozen_clock.at = row.next_attempt_at
    assert gaps[1] > gaps[0]
    await deliver_due(tenant_a.ctx, {"email": flaky}, settings)
    row = (await messages(tenant_a))[message]
    assert row.status == "failed"
    assert row.last_error == "gave up after 3 attempts: SMTP 451: try later"
    assert [a.subject_id for a in await _audited(tenant_a, "message.failed")] == [message]
    with tenant_scope(tenant_a.ctx):
        [problem] = await outbox_messages.list_messages("failed")
        assert problem.id == message
        await outbox_messages.retry(message)
    report = await deliver_due(tenant_a.ctx, built_in_channels(config(), backend.settings.data_dir), settings)
    assert report.sent == 1
    with tenant_scope(tenant_a.ctx), pytest.raises(ValidationFailed):
        await outbox_messages.cancel(message)  # sent: nothing to cancel


def test_backoff_doubles_and_is_capped():
    assert timedelta(seconds=60) <= backoff(1, 60) <= timedelta(seconds=90)
    assert timedelta(seconds=480) <= backoff(4, 60) <= timedelta(seconds=720)
    assert backoff(40, 60) <= timedelta(hours=9)
