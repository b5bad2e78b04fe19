"""Delivery configuration: process-wide (environment) and per tenant (``tenant.settings``).

Environment (docs/configuration.md): ``SALONKEEP_SMTP_URL`` (``smtp://user:pass@host:port``,
``?starttls=1``, or ``smtps://``), ``SALONKEEP_SMTP_FROM`` (default sender address),
``SALONKEEP_SMS_PROVIDER`` (``webhook`` or ``twilio``), ``SALONKEEP_SMS_WEBHOOK_URL`` and
``SALONKEEP_SMS_WEBHOOK_AUTH`` (the ``Authorization`` header value), ``SALONKEEP_TWILIO_ACCOUNT_SID``
/ ``_AUTH_TOKEN`` / ``_FROM`` (/ ``_API_URL`` for a test double), and the worker's
``SALONKEEP_DELIVERY_BATCH`` (rows per claim, 100), ``SALONKEEP_DELIVERY_LEASE_SECONDS`` (300),
``SALONKEEP_DELIVERY_MAX_ATTEMPTS`` (6), ``SALONKEEP_DELIVERY_RETRY_SECONDS`` (first back-off, 60)
and ``SALONKEEP_DELIVERY_MARK_EVERY`` (a streaming channel's answers written per this many, 1).

Per tenant, ``tenant.settings["delivery"]``::

    {"sender_name": "Aurora Beauty", "sender_address": "hello@aurora.example",
     "branches": {"<branch id>": {"sender_name": "Aurora Kamppi", "sender_address": "…"}},
     "quiet_hours": {"email": ["21:00", "09:00"], "sms": ["21:00", "09:00"], "letter": null},
     "sms_per_minute": 60}
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.settings import SettingsError

DEFAULT_QUIET = ("21:00", "09:00")
DEFAULT_SMS_PER_MINUTE = 60


def _int_env(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(f"SALONKEEP_{name}", "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < minimum:
        raise SettingsError(f"SALONKEEP_{name} must be a whole number of at least {minimum} (got {raw!r})")
    return int(raw)


@dataclass(frozen=True)
class SmtpServer:
    """Where e-mail goes: parsed from ``SALONKEEP_SMTP_URL``."""

    host: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool
    start_tls: bool


def parse_smtp_url(url: str) -> SmtpServer:
    """``smtp://user:pass@host:port`` (``?starttls=1``) or ``smtps://…``; raises SettingsError."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise SettingsError("SALONKEEP_SMTP_URL must look like smtp://user:pass@host:port or smtps://…")
    query = parse_qs(parts.query)
    start_tls = query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes")
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError:
        raise SettingsError("SALONKEEP_SMTP_URL has a bad port") from None
    return SmtpServer(
        host=parts.hostname,
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_tls=parts.scheme == "smtps",
        start_tls=start_tls,
    )


@dataclass(frozen=True)
class DeliveryConfig:
    """The process-wide delivery settings (read once per worker). The defaults: no SMTP
    server, no SMS provider (the file channels)."""

    smtp: SmtpServer | None = None
    smtp_from: str = ""
    sms_provider: str = ""
    sms_webhook_url: str = ""
    sms_webhook_auth: str = ""
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from: str = ""
    twilio_api_url: str = "https://api.twilio.com"
    batch_size: int = 100
    lease_seconds: int = 300
    max_attempts: int = 6
    retry_seconds: int = 60
    #: Results of a streaming channel written per this many messages (1: each before the next
    #: goes, so a killed worker leaves at most the message in flight to be sent again).
    mark_every: int = 1
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> DeliveryConfig:
        """Read ``SALONKEEP_*`` delivery variables; raises SettingsError on a malformed one."""
        env = os.environ.get
        smtp_url = env("SALONKEEP_SMTP_URL", "").strip()
        provider = env("SALONKEEP_SMS_PROVIDER", "").strip().lower()
        if provider not in ("", "webhook", "twilio"):
            raise SettingsError("SALONKEEP_SMS_PROVIDER must be webhook or twilio")
        return cls(
            smtp=parse_smtp_url(smtp_url) if smtp_url else None,
            smtp_from=env("SALONKEEP_SMTP_FROM", "").strip(),
            sms_provider=provider,
            sms_webhook_url=env("SALONKEEP_SMS_WEBHOOK_URL", "").strip(),
            sms_webhook_auth=env("SALONKEEP_SMS_WEBHOOK_AUTH", "").strip(),
            twilio_account_sid=env("SALONKEEP_TWILIO_ACCOUNT_SID", "").strip(),
            twilio_auth_token=env("SALONKEEP_TWILIO_AUTH_TOKEN", "").strip(),
            twilio_from=env("SALONKEEP_TWILIO_FROM", "").strip(),
            twilio_api_url=env("SALONKEEP_TWILIO_API_URL", "https://api.twilio.com").strip().rstrip("/"),
            batch_size=_int_env("DELIVERY_BATCH", 100),
            lease_seconds=_int_env("DELIVERY_LEASE_SECONDS", 300),
            max_attempts=_int_env("DELIVERY_MAX_ATTEMPTS", 6),
            retry_seconds=_int_env("DELIVERY_RETRY_SECONDS", 60),
            mark_every=_int_env("DELIVERY_MARK_EVERY", 1),
        )


@dataclass(frozen=True)
class TenantDelivery:
    """A tenant's delivery settings, defaults filled in."""

    sender_name: str
    sender_address: str
    branch_senders: Mapping[str, tuple[str, str]]
    quiet_hours: Mapping[str, tuple[time, time] | None]
    sms_per_minute: int

    def sender(self, branch_id: object) -> tuple[str, str]:
        """(name, address) for messages of ``branch_id``: the branch's override, else the tenant's."""
        return self.branch_senders.get(str(branch_id), (self.sender_name, self.sender_address))

    def quiet(self, channel: str) -> tuple[time, time] | None:
        """The quiet window of ``channel`` (local start, end), or None when it has none."""
        if channel in self.quiet_hours:
            return self.quiet_hours[channel]
        if channel == "letter":
            return None
        return (time.fromisoformat(DEFAULT_QUIET[0]), time.fromisoformat(DEFAULT_QUIET[1]))


def _window(value: Any, where: str) -> tuple[time, time] | None:
    if value is None:
        return None
    try:
        start, end = value
        return (time.fromisoformat(str(start)), time.fromisoformat(str(end)))
    except (TypeError, ValueError):
        raise ValidationFailed({where: 'use two times such as ["21:00", "09:00"] or null'}) from None


def tenant_delivery(
    settings: Mapping[str, Any], *, name: str, slug: str, fallback_from: str
) -> TenantDelivery:
    """Parse ``tenant.settings["delivery"]`` (raises ValidationFailed naming the bad key)."""
    raw = settings.get("delivery") or {}
    address = str(raw.get("sender_address") or fallback_from or f"reminders@{slug}.salonkeep.invalid")
    branches = {
        str(branch_id): (
            str(value.get("sender_name") or raw.get("sender_name") or name),
            str(value.get("sender_address") or address),
        )
        for branch_id, value in (raw.get("branches") or {}).items()
    }
    quiet = {
        str(channel): _window(value, f"delivery.quiet_hours.{channel}")
        for channel, value in (raw.get("quiet_hours") or {}).items()
    }
    per_minute = raw.get("sms_per_minute", DEFAULT_SMS_PER_MINUTE)
    if isinstance(per_minute, bool) or not isinstance(per_minute, int) or per_minute < 1:
        raise ValidationFailed({"delivery.sms_per_minute": "must be a whole number of at least 1"})
    return TenantDelivery(
        sender_name=str(raw.get("sender_name") or name),
        sender_address=address,
        branch_senders=branches,
        quiet_hours=quiet,
        sms_per_minute=per_minute,
    )


async def update_tenant_delivery(tenant_id: Any, changes: Mapping[str, Any]) -> None:
    """Merge ``changes`` into ``tenant.settings["delivery"]`` (validated first; raises
    ValidationFailed naming the bad key) and audit them. The callers check the role (owner)."""
    from salonkeep.core.tenant_config import change_section
    from salonkeep.tenants.context import TenantContext, current_or_none
    from salonkeep.tenants.db import unit_of_work
    from salonkeep.tenants.onboarding import get_tenant

    ctx = current_or_none()
    if ctx is None or ctx.tenant_id != tenant_id:
        ctx = TenantContext(tenant_id=tenant_id, actor_label="delivery settings")

    def merged(section: dict[str, Any]) -> dict[str, Any]:
        after = {**section, **changes}
        tenant_delivery({"delivery": after}, name=tenant.name, slug=tenant.slug, fallback_from="")
        return after

    async with unit_of_work(ctx):  # the directory row is read and written as its own tenant
        tenant = await get_tenant(tenant_id)
        await change_section("delivery", merged, ctx)
