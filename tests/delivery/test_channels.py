"""The built-in channels against real servers: SMTP (aiosmtpd) with one connection per batch,
the Message-ID from the idempotency key and the branch's sender; the generic SMS webhook (its
Idempotency-Key header) and Twilio's Messages API form fields, both against a local HTTP
server; the per-tenant SMS rate; a crash resolved by a re-send counted on non-idempotent
channels; a worker dying mid-batch leaves only the message in flight to be sent again."""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from salonkeep.core.audit.tables import AuditEvent
from salonkeep.core.delivery import outbox
from salonkeep.core.delivery.channel import SendResult
from salonkeep.core.delivery.config import SettingsError, parse_smtp_url, update_tenant_delivery
from salonkeep.core.delivery.email import SmtpChannel
from salonkeep.core.delivery.registry import built_in_channels
from salonkeep.core.delivery.service import deliver_due
from salonkeep.core.delivery.sms import TwilioSmsChannel, WebhookSmsChannel
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work

from .helpers import add_client, config, messages, queue
from .smtp_sink import SmtpSink, free_port
from .test_plugin_channel import PagerPlugin

DAYTIME = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def test_smtp_urls_are_parsed_or_refused():
    plain = parse_smtp_url("smtp://user%40x:p%3Ass@mail.example:2525?starttls=1")
    assert (plain.host, plain.port, plain.username, plain.password) == (
        "mail.example",
        2525,
        "user@x",
        "p:ss",
    )
    assert plain.start_tls and not plain.use_tls
    tls = parse_smtp_url("smtps://mail.example")
    assert (tls.port, tls.use_tls, tls.username) == (465, True, None)
    for bad in ("http://mail.example", "smtp://", "smtp://host:notaport"):
        with pytest.raises(SettingsError):
            parse_smtp_url(bad)


async def test_smtp_sends_with_stable_message_id_and_the_branch_sender(
    backend, tenant_a, frozen_clock, tmp_path
):
    frozen_clock.at = DAYTIME
    await update_tenant_delivery(
        tenant_a.ctx.tenant_id,
        {
            "sender_name": "Aurora",
            "sender_address": "hello@aurora.example",
            "branches": {
                str(tenant_a.branch_id): {
                    "sender_name": "Aurora Kamppi",
                    "sender_address": "kamppi@aurora.example",
                }
            },
        },
    )
    client = await add_client(tenant_a, first_name="Aino", email="aino@client.example")
    ids = await queue(tenant_a, client.id, count=3, title="Hello from the branch")
    sink = SmtpSink(tmp_path / "maildir")
    try:
        smtp = SmtpChannel(parse_smtp_url(sink.url))
        report = await deliver_due(tenant_a.ctx, {"email": smtp}, config())
        assert report.sent == 3
        mails = sink.messages()
    finally:
        sink.stop()
    assert sorted(m["Message-ID"] for m in mails) == sorted(f"<sk-{i}@aurora.example>" for i in ids)
    assert {m["From"] for m in mails} == {"Aurora Kamppi <kamppi@aurora.example>"}
    assert {m["Subject"] for m in mails} == {"Hello from the branch"}
    rows = await messages(tenant_a)
    assert {rows[i].provider_ref for i in ids} == {f"<sk-{i}@aurora.example>" for i in ids}


async def test_unreachable_smtp_server_is_a_transient_failure(backend, tenant_a, frozen_clock):
    frozen_clock.at = DAYTIME
    client = await add_client(tenant_a)
    [message] = await queue(tenant_a, client.id)
    dead = SmtpChannel(parse_smtp_url(f"smtp://127.0.0.1:{free_port()}"), timeout=2)
    assert (await deliver_due(tenant_a.ctx, {"email": dead}, config())).retried == 1
    row = (await messages(tenant_a))[message]
    assert row.status == "queued" and row.last_error.startswith("SMTP server unreachable")


class Provider:
    """A local HTTP server standing in for an SMS provider; records requests."""

    def __init__(self, status: int = 200, body: dict | None = None) -> None:
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                outer.requests.append((self.path, dict(self.headers), self.rfile.read(length)))
                payload = json.dumps(
                    body or {"id": f"prov-{len(outer.requests)}", "sid": f"SM{len(outer.requests)}"}
                ).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()


async def test_sms_webhook_sends_the_idempotency_key_and_respects_the_tenant_rate(
    backend, tenant_a, frozen_clock
):
    frozen_clock.at = DAYTIME
    await update_tenant_delivery(tenant_a.ctx.tenant_id, {"sms_per_minute": 2})
    client = await add_client(tenant_a, first_name="Ola", phone="+358401234567", email="")
    ids = await queue(tenant_a, client.id, count=3, script="See you tomorrow")
    provider = Provider()
    try:
        sms = WebhookSmsChannel(f"{provider.url}/send", "Bearer secret-token")
        report = await deliver_due(tenant_a.ctx, {"sms": sms}, config())
        assert (report.sent, report.deferred) == (2, 1)
        path, headers, body = provider.requests[0]
        sent = json.loads(body)
        assert path == "/send" and headers["Authorization"] == "Bearer secret-token"
        assert headers["Idempotency-Key"] == sent["idempotency_key"] and sent["idempotency_key"].startswith(
            "sk-"
        )
        assert (sent["to"], sent["body"]) == ("+358401234567", "See you tomorrow")
        rows = await messages(tenant_a)
        waiting = [rows[i] for i in ids if rows[i].status == "queued"]
        assert [w.last_error for w in waiting] == ["SMS rate limit"]
        assert waiting[0].next_attempt_at == DAYTIME + timedelta(minutes=1)
        assert {rows[i].provider_ref for i in ids if rows[i].status == "sent"} == {"prov-1", "prov-2"}
        frozen_clock.advance(timedelta(minutes=1, seconds=1))
        assert (await deliver_due(tenant_a.ctx, {"sms": sms}, config())).sent == 1
    finally:
        provider.stop()


@pytest.mark.parametrize(
    ("status", "outcome"), [(201, "sent"), (429, "queued"), (503, "queued"), (400, "failed")]
)
async def test_twilio_adapter_posts_the_documented_form_fields(
    backend, tenant_a, frozen_clock, status, outcome
):
    frozen_clock.at = DAYTIME
    client = await add_client(tenant_a, phone="+358401234567")
    [message] = await queue(tenant_a, client.id, channel="sms", script="Hello")
    provider = Provider(status=status, body={"sid": "SM123"} if status < 300 else {"message": "nope"})
    try:
        twilio = TwilioSmsChannel("AC123", "token", "+15005550006", provider.url)
        await deliver_due(tenant_a.ctx, {"sms": twilio}, config())
        path, headers, body = provider.requests[0]
    finally:
        provider.stop()
    assert path == "/2010-04-01/Accounts/AC123/Messages.json"
    assert headers["Authorization"].startswith("Basic ")
    assert parse_qs(body.decode()) == {"To": ["+358401234567"], "From": ["+15005550006"], "Body": ["Hello"]}
    row = (await messages(tenant_a))[message]
    assert row.status == outcome
    if outcome == "sent":
        assert row.provider_ref == "SM123"


async def test_a_crash_between_sending_and_sent_is_resent_and_counted_where_the_channel_cannot_dedupe(
    backend, tenant_a, frozen_clock
):
    frozen_clock.at = DAYTIME
    client = await add_client(tenant_a, phone="+358401234567")
    [paged] = await queue(tenant_a, client.id, channel="pager")
    [mailed] = await queue(tenant_a, client.id, channel="email")
    with tenant_scope(tenant_a.ctx):
        async with unit_of_work():
            claimed = await outbox.claim("dead-worker", clock.now(), 60, 10)  # then the worker died
    assert len(claimed) == 2
    found = {**built_in_channels(config(), backend.settings.data_dir), "pager": PagerPlugin.Pager()}
    assert (await deliver_due(tenant_a.ctx, found, config())).claimed == 0  # the lease still holds
    frozen_clock.advance(timedelta(seconds=61))
    report = await deliver_due(tenant_a.ctx, found, config())
    assert (report.recovered, report.sent) == (2, 2)
    rows = await messages(tenant_a)
    assert (rows[paged].status, rows[paged].possible_duplicates) == ("sent", 1)  # pager: not idempotent
    assert (rows[mailed].status, rows[mailed].possible_duplicates) == ("sent", 0)  # same Message-ID


async def test_the_provider_rate_is_shared_by_all_tenants_through_redis(
    backend, tenant_a, tenant_b, frozen_clock
):
    from redis.asyncio import Redis

    from salonkeep.core.delivery.rates import redis_reserve

    frozen_clock.at = DAYTIME
    redis = Redis.from_url(backend.settings.redis_url)
    second = 1_000_000_000 + int(uuid.uuid4().int % 1_000_000)  # a window of this test only
    reserve = redis_reserve(redis, {"sms": 3}, now=lambda: second)
    found = built_in_channels(config(), backend.settings.data_dir)
    ids = {}
    try:
        for world in (tenant_a, tenant_b):
            client = await add_client(world, phone="+358401234567")
            ids[world.slug] = await queue(world, client.id, channel="sms", count=2)
        first = await deliver_due(tenant_a.ctx, found, config(), reserve=reserve)
        other = await deliver_due(tenant_b.ctx, found, config(), reserve=reserve)
        unlimited = await reserve("email", 50)
    finally:
        await redis.aclose()
    assert (first.sent, first.deferred) == (2, 0)
    assert (other.sent, other.deferred) == (1, 1)  # 3 per second for both tenants together
    assert unlimited == 50
    waiting = [m for m in (await messages(tenant_b)).values() if m.status == "queued"]
    assert [(m.last_error, m.next_attempt_at) for m in waiting] == [
        ("sms provider rate", DAYTIME + timedelta(seconds=1))
    ]


class _DiesMidBatch:
    """A streaming e-mail channel whose worker dies (the task is cancelled, as by SIGKILL: no
    more code of the batch runs) right after handing over message ``dies_at``."""

    name = "email"
    idempotent = True

    def __init__(self, dies_at: int | None = None) -> None:
        self.dies_at = dies_at
        self.handed: list[uuid.UUID] = []

    async def send(self, messages):
        return [result async for result in self.send_each(messages)]

    async def send_each(self, messages):
        for n, message in enumerate(messages, start=1):
            self.handed.append(message.id)  # the server has it now
            if n == self.dies_at:
                raise asyncio.CancelledError  # the worker is gone before its answer is written
            yield SendResult(message.id, "sent")


async def test_a_worker_dying_mid_batch_sends_only_the_message_in_flight_again(
    backend, tenant_a, frozen_clock
):
    frozen_clock.at = DAYTIME
    client = await add_client(tenant_a)
    ids = await queue(tenant_a, client.id, count=5, channel="email")
    dying = _DiesMidBatch(dies_at=4)
    with pytest.raises(asyncio.CancelledError):
        await deliver_due(tenant_a.ctx, {"email": dying}, config())
    rows = await messages(tenant_a)
    order = dying.handed
    assert len(order) == 4
    # Each answer was written before the next message went: the first three are sent and
    # audited, the one in flight and the one never handed over still wait under the lease.
    assert [rows[i].status for i in order] == ["sent", "sent", "sent", "sending"]
    assert [i for i in ids if rows[i].status == "sending"] == [i for i in ids if i not in order[:3]]
    with tenant_scope(tenant_a.ctx):
        async with unit_of_work():
            audited = await scoped.fetch(AuditEvent, "action = {}", "message.sent")
    assert sorted(a.subject_id for a in audited) == sorted(order[:3])

    frozen_clock.advance(timedelta(seconds=61))  # the lease (config: 60 s) has expired
    next_worker = _DiesMidBatch()
    report = await deliver_due(tenant_a.ctx, {"email": next_worker}, config())
    assert (report.recovered, report.sent) == (2, 2)
    # Sent again: only the message that was in flight (the mail system drops it by its
    # Message-ID), and the one that never went.
    assert set(next_worker.handed) == set(ids) - set(order[:3])
    assert {row.status for row in (await messages(tenant_a)).values()} == {"sent"}


class _Slow:
    """A streaming e-mail channel that takes 40 seconds per message (the lease is 60 s) and,
    at each message, lets another worker try to claim the tenant's due messages."""

    name = "email"
    idempotent = True

    def __init__(self, frozen_clock) -> None:
        self.clock = frozen_clock
        self.stolen: list[outbox.Claimed] = []

    async def send(self, messages):
        return [result async for result in self.send_each(messages)]

    async def send_each(self, messages):
        for message in messages:
            self.clock.advance(timedelta(seconds=40))
            async with unit_of_work():
                self.stolen += await outbox.claim("another-worker", clock.now(), 60, 10)
            yield SendResult(message.id, "sent")


async def test_a_slow_worker_that_makes_progress_keeps_its_lease(backend, tenant_a, frozen_clock):
    frozen_clock.at = DAYTIME
    client = await add_client(tenant_a)
    ids = await queue(tenant_a, client.id, count=4, channel="email")
    slow = _Slow(frozen_clock)
    report = await deliver_due(tenant_a.ctx, {"email": slow}, config())  # 160 s for a 60 s lease
    assert slow.stolen == []  # each answer written extended the lease of the rest
    assert report.sent == 4
    rows = await messages(tenant_a)
    assert {rows[i].status for i in ids} == {"sent"} and all(not rows[i].possible_duplicates for i in ids)
