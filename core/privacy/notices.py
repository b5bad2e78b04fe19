"""Messages to staff (the privacy officer's alerts and reminders) through the delivery outbox.

:func:`queue_notice` writes a ``staff_notice`` row in the caller's unit of work (rendered from a
built-in message template in the recipient's language); a second call with the same
``dedupe_key`` changes nothing (a unique key per tenant). :func:`deliver_notices` claims the
due rows with a lease (two workers never take the same row), sends them through the delivery
channels' e-mail channel (whose Message-ID comes from the row's idempotency key, so a resend
after a worker died is recognised) and retries transient failures with back-off.

Every alert raised on the privacy officer's board (:mod:`salonkeep.core.privacy.alerts`) is
queued at once for every active privacy officer (the owners when the tenant has none).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from jinja2 import FileSystemLoader, StrictUndefined, TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment

from salonkeep.core.delivery.channel import EMAIL, FAILED, RETRY, SENT, Channel, OutgoingMessage
from salonkeep.core.delivery.config import tenant_delivery
from salonkeep.core.formatting import install_filters
from salonkeep.core.privacy.tables import StaffNotice
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.tables import StaffMember
from salonkeep.tenants.tenant_settings import raw_settings

#: The outbox's "programme" for staff messages (the e-mail's idempotency key starts with it).
PROGRAMME = "staff_notice"
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)
BATCH = 100
_NO_BRANCH = UUID(int=0)


@dataclass(frozen=True)
class Recipient:
    """A staff member a notice goes to."""

    id: UUID
    name: str
    email: str
    locale: str | None


async def privacy_officers() -> list[Recipient]:
    """The active privacy officers, else the active owners (inside a unit of work)."""
    for role in ("privacy_officer", "owner"):
        rows = await scoped.objects(StaffMember).where(
            StaffMember.role == role,
            StaffMember.active == True,  # noqa: E712
        )
        if rows:
            return [Recipient(r.id, r.name, r.email, r.locale) for r in rows]
    return []


#: The staff messages: ``<name>.<language>.txt`` (first line ``Subject: …``), en, zh, ru, fi.
FOLDER = Path(__file__).parent / "notice_templates"


@functools.lru_cache(maxsize=1)
def _env() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(FOLDER)), autoescape=False, undefined=StrictUndefined
    )
    install_filters(env)
    return env


def render_notice(
    name: str, values: Mapping[str, Any], languages: list[str], zone: str
) -> tuple[str, str, str]:
    """(subject, body, language) of notice ``name`` in the first of ``languages`` it exists
    in (English last)."""
    for code in [*languages, "en"]:
        language = code.replace("-", "_").split("_")[0].lower()
        try:
            template = _env().get_template(f"{name}.{language}.txt")
        except TemplateNotFound:
            continue
        first, _, rest = template.render(**values, lang=language, time_zone=zone).strip().partition("\n")
        return first.removeprefix("Subject:").strip(), rest.strip(), language
    raise TemplateNotFound(name)


async def queue_notice(
    recipient: Recipient,
    template: str,
    values: Mapping[str, Any],
    *,
    dedupe_key: str,
    tenant_locale: str = "en",
    zone: str = "UTC",
) -> bool:
    """Queue notice ``template`` (a name in :data:`FOLDER`) for ``recipient``
    (inside the caller's unit of work); False when this ``dedupe_key`` was already queued."""
    key = f"{dedupe_key}:{recipient.id}"[:200]
    if await scoped.exists(StaffNotice, StaffNotice.dedupe_key == key):
        return False
    languages = [code for code in (recipient.locale, tenant_locale) if code]
    subject, body, language = render_notice(template, values, languages, zone)
    now = clock.now()
    await scoped.insert(
        scoped.new(
            StaffNotice,
            id=uuid4(),
            staff_id=recipient.id,
            to_address=recipient.email,
            to_name=recipient.name[:200],
            subject=subject[:300],
            body=body,
            language=language,
            dedupe_key=key,
            next_attempt_at=now,
            created_at=now,
        ),
        skip_duplicates=True,
    )
    return True


async def notify_officers(template: str, values: Mapping[str, Any], *, dedupe_key: str) -> int:
    """Queue ``template`` for every privacy officer (owners when there is none), inside the
    caller's unit of work; the number queued now."""
    tenant = await get_tenant(scoped.tenant_id())
    queued = 0
    for officer in await privacy_officers():
        queued += await queue_notice(
            officer,
            template,
            {**values, "salon": tenant.name},
            dedupe_key=dedupe_key,
            tenant_locale=tenant.default_locale,
            zone=tenant.time_zone,
        )
    return queued


@dataclass
class NoticeReport:
    """What one delivery run did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(60 * 2 ** max(0, attempts - 1), 6 * 3600))


async def deliver_notices(ctx: TenantContext, channels: Mapping[str, Channel]) -> NoticeReport:
    """Claim and send one batch of the tenant's due staff notices through the ``email``
    channel (sender: the tenant's delivery sender)."""
    report = NoticeReport()
    token = f"staff:{uuid4().hex[:20]}"
    now = clock.now()
    channel = channels.get(EMAIL)
    with tenant_scope(ctx):
        async with unit_of_work(ctx):
            claimed = await scoped.claim_rows(
                StaffNotice,
                "status = 'sending', lease_until = {}, claimed_by = {}",
                (now + LEASE, token),
                "(status = 'queued' and next_attempt_at <= {}) or (status = 'sending' and lease_until <= {})",
                now,
                now,
                order_by="next_attempt_at, id",
                limit=BATCH,
            )
            rows = [StaffNotice(_exists_in_db=True, **row) for row in claimed]  # type: ignore[arg-type]
            if not rows:
                return report
            tenant = await get_tenant(ctx.tenant_id)
        sender = tenant_delivery(
            raw_settings(tenant),
            name=tenant.name,
            slug=tenant.slug,
            fallback_from=os.environ.get("SALONKEEP_SMTP_FROM", ""),
        ).sender(None)
        outcomes: dict[UUID, tuple[str, str]] = {}
        if channel is None:
            outcomes = {row.id: (FAILED, "no e-mail channel") for row in rows}
        else:
            messages = [_message(row, tenant.slug, sender) for row in rows]
            try:
                results = await channel.send(messages)
                outcomes = {r.message_id: (r.status, r.reason) for r in results}
            except Exception as exc:  # a broken channel: the whole batch is retried later
                outcomes = {row.id: (RETRY, f"{type(exc).__name__}: {exc}"[:500]) for row in rows}
        async with unit_of_work(ctx):
            for row in rows:
                status, reason = outcomes.get(row.id, (RETRY, "the channel gave no result"))
                attempts = int(row.attempts or 0) + 1
                values: dict[Any, Any] = {StaffNotice.attempts: attempts, StaffNotice.lease_until: None}
                if status == SENT:
                    values |= {StaffNotice.status: "sent", StaffNotice.sent_at: clock.now()}
                    report.sent += 1
                elif status == RETRY and attempts < MAX_ATTEMPTS:
                    values |= {
                        StaffNotice.status: "queued",
                        StaffNotice.next_attempt_at: clock.now() + _backoff(attempts),
                        StaffNotice.last_error: reason,
                    }
                    report.retried += 1
                else:
                    values |= {StaffNotice.status: "failed", StaffNotice.last_error: reason}
                    report.failed += 1
                await scoped.update(StaffNotice, values).where(
                    (StaffNotice.id == row.id) & (StaffNotice.claimed_by == token)
                )
    return report


def _message(row: StaffNotice, slug: str, sender: tuple[str, str]) -> OutgoingMessage:
    return OutgoingMessage(
        id=row.id,
        idempotency_key=f"sk-staff-{row.id}",
        tenant_id=row.tenant_id,
        tenant_slug=slug,
        client_id=row.staff_id,  # the recipient: a staff member, not a client
        branch_id=_NO_BRANCH,
        programme=PROGRAMME,
        purpose="service",
        channel=EMAIL,
        to=row.to_address,
        client_name=row.to_name,
        sender_name=sender[0],
        sender_address=sender[1],
        subject=row.subject,
        body=row.body,
        language=row.language,
        attempt=int(row.attempts or 0) + 1,
    )


async def notices(staff_id: UUID | None = None) -> list[StaffNotice]:
    """The current tenant's staff notices, newest first (inside a unit of work)."""
    query = scoped.objects(StaffNotice)
    if staff_id is not None:
        query = query.where(StaffNotice.staff_id == staff_id)
    return list(await query.order_by(StaffNotice.created_at, ascending=False))


async def due_count() -> int:
    """The current tenant's notices due now (inside a unit of work)."""
    found = await scoped.rows(
        StaffNotice,
        "count(*) as n",
        "status in ('queued', 'sending') and next_attempt_at <= {}",
        clock.now(),
    )
    return int(found[0]["n"]) if found else 0
