"""One delivery batch for one tenant: claim, re-check, render, send, record, audit.

::

    claim (1 statement: due rows → "sending", lease, token)      ┐ one transaction
    read tenant, branches, clients, consent (4 statements)       │
    decide per row: suppressed (consent withdrawn, restricted,   │
      erased, no address) | deferred (quiet hours, SMS rate) |   │
      send (template rendered)                                   │
    write the outcomes decided so far + their audit rows         ┘
    per channel: send_each(batch), each result written as it comes ← the network, no transaction open
                 (outcome + audit row, guarded by the token: one small transaction per message;
                 a channel with ``send`` only: one transaction after the batch)

While a worker records answers it extends its lease once half of it is gone, so a slow but
live worker keeps its batch. A worker killed mid-batch leaves its unrecorded rows
``sending``; once the lease expires another claim takes them over (``claim_recovered``) and
sends again. With a streaming channel
that is at most the message in flight (its result not yet written); idempotent channels make
that harmless (same Message-ID / idempotency key), others count it on the row.
"""

from __future__ import annotations

import os
import random
import socket
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import structlog

from salonkeep.core import audit, consent
from salonkeep.core.aftercare.contact import CALL, parse_channels
from salonkeep.core.aftercare.tables import CallPreference, Touchpoint
from salonkeep.core.clients.tables import Client
from salonkeep.core.delivery import metrics, outbox, templates
from salonkeep.core.delivery.channel import (
    EMAIL,
    LETTER,
    RETRY,
    SENT,
    SMS,
    Channel,
    OutgoingMessage,
    SendResult,
    streaming,
)
from salonkeep.core.delivery.config import DeliveryConfig, TenantDelivery, tenant_delivery
from salonkeep.core.delivery.outbox import Claimed
from salonkeep.core.delivery.quiet_hours import next_allowed
from salonkeep.core.delivery.rates import Reserve
from salonkeep.core.plugins.api import SERVICE
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.tables import Branch
from salonkeep.tenants.tenant_settings import raw_settings

log = structlog.get_logger("salonkeep.delivery")

#: Longest back-off between two attempts.
MAX_BACKOFF = timedelta(hours=6)


@dataclass
class BatchReport:
    """What one batch did (counts by outcome)."""

    claimed: int = 0
    sent: int = 0
    suppressed: int = 0
    failed: int = 0
    retried: int = 0
    deferred: int = 0
    recovered: int = 0
    #: Messages that became calls on the call list (the client prefers a call).
    to_call: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)
    #: The claim's limit: a batch that took this many may have left due rows behind.
    batch_size: int = 0

    @property
    def full(self) -> bool:
        """True when the claim may have left due rows behind (it took a whole batch)."""
        return self.claimed > 0 and self.batch_size <= self.claimed


@dataclass
class _Context:
    tenant_name: str
    tenant_slug: str
    tenant_locale: str
    tenant_zone: str
    delivery: TenantDelivery
    zones: Mapping[Any, str]
    clients: Mapping[Any, Mapping[str, Any]]
    allowed: set[tuple[UUID, str]]
    sms_sent_last_minute: int
    templates: Mapping[str, Any]
    #: (client, purpose) → the channel the client prefers, for messages planned without one.
    preferred: Mapping[tuple[Any, str], str] = field(default_factory=dict)


def claim_token() -> str:
    """A token naming one claim: host, process and a random part."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid4().hex[:12]}"


def backoff(attempts: int, first_seconds: int) -> timedelta:
    """Exponential back-off with jitter for the ``attempts``-th failure (1, 2, …): the base
    doubles each time (capped at :data:`MAX_BACKOFF`), plus up to 50% random jitter."""
    base = min(first_seconds * 2 ** max(0, attempts - 1), MAX_BACKOFF.total_seconds())
    return timedelta(seconds=base * (1 + random.random() / 2))


def _channel_for(row: Claimed, client: Mapping[str, Any], preferred: Mapping[tuple[Any, str], str]) -> str:
    if row.channel:
        return str(row.channel)
    chosen = preferred.get((row.client_id, row.purpose))
    if chosen:
        return chosen  # the client's preference for this purpose (staff recorded it)
    if row.purpose == "marketing_sms":
        return SMS
    if row.purpose == "marketing_email":
        return EMAIL
    return EMAIL if client.get("email") else SMS


def _address(channel: str, client: Mapping[str, Any]) -> str:
    if channel == EMAIL:
        return str(client.get("email") or "")
    if channel == SMS:
        return str(client.get("phone") or "")
    if channel == LETTER:
        return "post"  # staff print and post it; the task names the client
    return str(client.get("phone") or client.get("email") or "")  # a plugin channel: phone, else e-mail


async def _load(rows: Sequence[Claimed], tenant_id: UUID, now: datetime) -> _Context:
    tenant = await get_tenant(tenant_id)
    settings = raw_settings(tenant)
    delivery = tenant_delivery(
        settings, name=tenant.name, slug=tenant.slug, fallback_from=os.environ.get("SALONKEEP_SMTP_FROM", "")
    )
    zones = {
        r["id"]: str(r["time_zone"] or tenant.time_zone) for r in await scoped.rows(Branch, "id, time_zone")
    }
    ids = sorted({row.client_id for row in rows}, key=str)
    marks = ", ".join(["{}"] * len(ids))
    clients = {
        r["id"]: r
        for r in await scoped.rows(
            Client,
            "id, first_name, last_name, email, phone, preferred_locale, restricted, erased_at",
            f"id in ({marks})",
            *ids,
        )
    }
    preferred: dict[tuple[Any, str], str] = {}
    without_channel = sorted({row.client_id for row in rows if not row.channel}, key=str)
    if without_channel:
        marks_ = ", ".join(["{}"] * len(without_channel))
        for r in await scoped.rows(
            CallPreference,
            "client_id, channels",
            f"client_id in ({marks_}) and channels <> ''",
            *without_channel,
        ):
            for purpose, channel in parse_channels(str(r["channels"])).items():
                preferred[(r["client_id"], purpose)] = channel
    pairs = [(row.client_id, row.purpose) for row in rows if row.purpose != SERVICE]
    allowed = await consent.allowed_pairs(pairs)
    sms_recent = 0
    if any(row.channel in (None, SMS) for row in rows):
        found = await scoped.rows(
            Touchpoint,
            "count(*) as n",
            "kind = 'message' and status = 'sent' and channel = 'sms' and completed_at > {}",
            now - timedelta(minutes=1),
        )
        sms_recent = int(found[0]["n"]) if found else 0
    return _Context(
        tenant_name=tenant.name,
        tenant_slug=tenant.slug,
        templates=settings.get("message_templates") or {},
        tenant_locale=tenant.default_locale,
        tenant_zone=tenant.time_zone,
        delivery=delivery,
        zones=zones,
        clients=clients,
        allowed=allowed,
        sms_sent_last_minute=sms_recent,
        preferred=preferred,
    )


def _decide(
    rows: Sequence[Claimed], context: _Context, channels: Mapping[str, Channel], now: datetime
) -> tuple[list[outbox.Outcome], dict[str, list[tuple[Claimed, OutgoingMessage]]]]:
    decided: list[outbox.Outcome] = []
    to_send: dict[str, list[tuple[Claimed, OutgoingMessage]]] = defaultdict(list)
    sms_budget = context.delivery.sms_per_minute - context.sms_sent_last_minute
    for row in rows:
        client = context.clients.get(row.client_id)
        if client is None or client.get("erased_at") is not None:
            decided.append(outbox.Outcome(row.id, "suppressed", "the client was erased"))
            continue
        if client.get("restricted"):
            decided.append(outbox.Outcome(row.id, "suppressed", "processing is restricted"))
            continue
        if row.purpose != SERVICE and (row.client_id, row.purpose) not in context.allowed:
            decided.append(outbox.Outcome(row.id, "suppressed", f"no consent to {row.purpose} at send time"))
            continue
        channel_name = _channel_for(row, client, context.preferred)
        if channel_name == CALL:
            # The client prefers a call for this purpose: the message goes on the call list.
            decided.append(outbox.Outcome(row.id, "to_call", "the client prefers a call"))
            continue
        if channel_name not in channels:
            decided.append(outbox.Outcome(row.id, "failed", f"no channel named {channel_name!r}"))
            continue
        to = _address(channel_name, client)
        if not to:
            reason = "no e-mail address" if channel_name == EMAIL else "no phone number"
            decided.append(outbox.Outcome(row.id, "suppressed", reason, channel=channel_name))
            continue
        zone = context.zones.get(row.branch_id, context.tenant_zone)
        allowed_at = next_allowed(now, context.delivery.quiet(channel_name), zone)
        if allowed_at > now:
            decided.append(
                outbox.Outcome(
                    row.id, "deferred", "quiet hours", next_attempt_at=allowed_at, channel=channel_name
                )
            )
            continue
        if channel_name == SMS:
            if sms_budget <= 0:
                decided.append(
                    outbox.Outcome(
                        row.id, "deferred", "SMS rate limit", next_attempt_at=now + timedelta(minutes=1)
                    )
                )
                continue
            sms_budget -= 1
        languages = [str(code) for code in (client.get("preferred_locale"), context.tenant_locale) if code]
        try:
            subject, body, language = templates.render_message(
                row, client, languages, context.tenant_name, context.templates, zone
            )
        except Exception as exc:  # a broken template fails this message, not the batch
            decided.append(outbox.Outcome(row.id, "failed", f"template: {type(exc).__name__}: {exc}"[:500]))
            continue
        sender_name, sender_address = context.delivery.sender(row.branch_id)
        name = " ".join(str(part) for part in (client.get("first_name"), client.get("last_name")) if part)
        message = OutgoingMessage(
            id=row.id,
            idempotency_key=idempotency_key(row),
            tenant_id=row.tenant_id,
            tenant_slug=context.tenant_slug,
            client_id=row.client_id,
            branch_id=row.branch_id,
            programme=row.programme,
            purpose=row.purpose,
            channel=channel_name,
            to=to,
            client_name=name,
            sender_name=sender_name,
            sender_address=sender_address,
            subject=subject,
            body=body,
            language=language,
            attempt=int(row.attempts or 0) + 1,
            recovered=bool(row.claim_recovered),
        )
        to_send[channel_name].append((row, message))
    return decided, to_send


def idempotency_key(row: Claimed) -> str:
    """The message's idempotency key: ``sk-<touchpoint id>`` (one per message, every attempt)."""
    return f"sk-{row.id}"


def _outcome(
    row: Claimed, result: SendResult, channel: Channel, config: DeliveryConfig, now: datetime
) -> outbox.Outcome:
    if result.status == SENT:
        duplicate = bool(row.claim_recovered) and not channel.idempotent
        return outbox.Outcome(
            row.id, "sent", "", channel.name, result.provider_ref, possible_duplicate=duplicate
        )
    attempts = int(row.attempts or 0) + 1
    if result.status == RETRY and attempts < config.max_attempts:
        return outbox.Outcome(
            row.id,
            "retry",
            result.reason,
            channel.name,
            next_attempt_at=now + backoff(attempts, config.retry_seconds),
        )
    reason = (
        result.reason if result.status != RETRY else f"gave up after {attempts} attempts: {result.reason}"
    )
    return outbox.Outcome(row.id, "failed", reason[:500], channel.name)


_AUDIT = {
    "to_call": audit.AuditAction.UPDATE,
    "sent": audit.AuditAction.MESSAGE_SENT,
    "suppressed": audit.AuditAction.MESSAGE_SUPPRESSED,
    "failed": audit.AuditAction.MESSAGE_FAILED,
}


@dataclass
class _Claim:
    """One batch's claim: its token and how long its lease holds."""

    token: str
    lease_seconds: int
    lease_until: datetime

    async def keep(self) -> None:
        """Inside a unit of work: once half the lease is gone, extend it for the rows still
        held (a worker that makes progress keeps its batch however slow the channel is; one
        that stops, stuck or dead, loses it when the lease runs out)."""
        now = clock.now()
        if now >= self.lease_until - timedelta(seconds=self.lease_seconds / 2):
            self.lease_until = now + timedelta(seconds=self.lease_seconds)
            await outbox.extend(self.token, self.lease_until)


async def _record(
    ctx: TenantContext, claim: _Claim, outcomes: Sequence[outbox.Outcome], by_id: Mapping[UUID, Claimed]
) -> None:
    """Write ``outcomes`` and their audit rows in one transaction (joins an open one)."""
    if not outcomes:
        return
    async with unit_of_work(ctx):
        await claim.keep()
        await outbox.finish(claim.token, clock.now(), outcomes)
        await audit.record_many(
            audit.AuditItem(
                action=str(_AUDIT[o.status]),
                client_id=by_id[o.id].client_id,
                subject="touchpoint",
                subject_id=o.id,
                fields=(o.channel or "",),
                reason=f"{by_id[o.id].programme}: {o.reason or by_id[o.id].title}",
            )
            for o in outcomes
            if o.status in _AUDIT
        )


async def _send(
    ctx: TenantContext,
    claim: _Claim,
    channel: Channel,
    items: Sequence[tuple[Claimed, OutgoingMessage]],
    config: DeliveryConfig,
) -> list[outbox.Outcome]:
    """Hand ``items`` to ``channel`` and record what became of each: as each result comes
    (every ``config.mark_every`` results) for a streaming channel, else after the batch.
    A channel that raises makes its unanswered messages a transient failure, not a crash."""
    by_id = {row.id: row for row, _ in items}
    messages = [message for _, message in items]
    done: list[outbox.Outcome] = []
    pending: list[outbox.Outcome] = []
    answered: set[UUID] = set()

    def take(result: SendResult) -> None:
        row = by_id.get(result.message_id)
        if row is not None and row.id not in answered:
            answered.add(row.id)
            pending.append(_outcome(row, result, channel, config, clock.now()))

    started = time.perf_counter()
    stream = streaming(channel)
    try:
        if stream is None:
            for result in await channel.send(messages):
                take(result)
        else:
            async for result in stream.send_each(messages):
                take(result)
                if len(pending) >= config.mark_every:
                    await _record(ctx, claim, pending, by_id)
                    done += pending
                    pending = []
    except Exception as exc:  # a broken channel is a transient failure of the rest, not a crash
        log.warning("delivery.channel_error", channel=channel.name, error=str(exc))
        reason = f"{channel.name} channel error: {type(exc).__name__}: {exc}"[:500]
        for m in messages:
            take(SendResult(m.id, RETRY, reason))
    finally:
        metrics.SEND_SECONDS.labels(channel.name).observe(time.perf_counter() - started)
    for m in messages:
        take(SendResult(m.id, RETRY, f"{channel.name} channel gave no result"))
    await _record(ctx, claim, pending, by_id)
    return done + pending


async def deliver_batch(
    ctx: TenantContext,
    channels: Mapping[str, Channel],
    config: DeliveryConfig,
    reserve: Reserve | None = None,
) -> BatchReport:
    """Claim and deliver one batch of the tenant's due messages; returns what happened.
    ``reserve`` applies the per-provider rates (:mod:`.rates`); what does not fit waits a second.

    What is decided without the network (suppressed, deferred, failed) is written in the
    claim's transaction; each send result is written as it comes (see :func:`_send`)."""
    report = BatchReport(batch_size=config.batch_size)
    now = clock.now()
    claim = _Claim(claim_token(), config.lease_seconds, now + timedelta(seconds=config.lease_seconds))
    with tenant_scope(ctx):
        async with unit_of_work(ctx):
            rows = await outbox.claim(claim.token, now, config.lease_seconds, config.batch_size)
            if not rows:
                return report
            context = await _load(rows, ctx.tenant_id, now)
            by_id = {row.id: row for row in rows}
            decided, to_send = _decide(rows, context, channels, now)
            await _record(ctx, claim, decided, by_id)
        report.claimed = len(rows)
        report.recovered = sum(1 for row in rows if row.claim_recovered)
        for name, items in to_send.items():
            channel = channels[name]
            if reserve is not None:
                granted = await reserve(name, len(items))
                later = now + timedelta(seconds=1)
                waiting = [
                    outbox.Outcome(row.id, "deferred", f"{name} provider rate", next_attempt_at=later)
                    for row, _ in items[granted:]
                ]
                await _record(ctx, claim, waiting, by_id)
                decided += waiting
                items = items[:granted]
                if not items:
                    continue
            decided += await _send(ctx, claim, channel, items, config)
    for o in decided:
        setattr(report, _REPORT[o.status], getattr(report, _REPORT[o.status]) + 1)
        if o.status == "sent" and o.channel:
            report.by_channel[o.channel] = report.by_channel.get(o.channel, 0) + 1
        metrics.OUTCOMES.labels(o.channel or "none", o.status).inc()
    log.info(
        "delivery.batch",
        tenant=context.tenant_slug,
        **{k: v for k, v in vars(report).items() if k != "batch_size"},
    )
    return report


_REPORT = {
    "to_call": "to_call",
    "sent": "sent",
    "suppressed": "suppressed",
    "failed": "failed",
    "retry": "retried",
    "deferred": "deferred",
}


async def deliver_due(
    ctx: TenantContext,
    channels: Mapping[str, Channel],
    config: DeliveryConfig,
    max_batches: int | None = None,
    reserve: Reserve | None = None,
) -> BatchReport:
    """Deliver batch after batch until nothing is due (or ``max_batches``); the total."""
    total = BatchReport(batch_size=config.batch_size)
    done = 0
    while max_batches is None or done < max_batches:
        report = await deliver_batch(ctx, channels, config, reserve)
        done += 1
        for name in ("claimed", "sent", "suppressed", "failed", "retried", "deferred", "recovered"):
            setattr(total, name, getattr(total, name) + getattr(report, name))
        for name, count in report.by_channel.items():
            total.by_channel[name] = total.by_channel.get(name, 0) + count
        if not report.full:
            break
    return total


__all__ = ["LETTER", "BatchReport", "backoff", "deliver_batch", "deliver_due", "idempotency_key"]
