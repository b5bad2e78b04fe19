"""Privacy-policy versions: one text per language answering the five questions, published
ahead of time (effective at least 15 days after publication unless the owner overrides)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from salonkeep.core import audit
from salonkeep.core.access import Action, Forbidden, require
from salonkeep.core.consent.tables import PolicyVersion
from salonkeep.tenants import clock, scoped, validation
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.onboarding import get_tenant

NOTICE = timedelta(days=15)
#: The five questions (DOMAIN.md §1): field name → the question it answers.
QUESTIONS = {
    "collected": "What data is collected",
    "purposes": "What it is used for",
    "recipients": "To whom it may be given",
    "choices": "Your choices (opting in and out)",
    "complaints": "How complaints about data handling are dealt with",
}


@dataclass(frozen=True)
class PolicyText:
    """The answers to the five questions in one language."""

    collected: str
    purposes: str
    recipients: str
    choices: str
    complaints: str


async def publish_policy(
    texts: dict[str, PolicyText], *, effective_from: datetime | None = None, override_notice: bool = False
) -> int:
    """Publish a new version in every language of ``texts``; returns the version number.

    ``effective_from`` defaults to 15 days from now; an earlier date needs ``override_notice``,
    which only the owner may use.
    """
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    now = clock.now()
    errors: dict[str, str] = {}
    if not texts:
        errors["texts"] = "give the policy in at least one language"
    for locale, text in texts.items():
        try:
            validation.locale(locale, "locale")
        except ValidationFailed as exc:
            errors.update(exc.errors)
        for name in QUESTIONS:
            if not getattr(text, name).strip():
                errors[f"{locale}.{name}"] = "answer this question"
    when = effective_from or now + NOTICE
    if when.tzinfo is None:
        errors["effective_from"] = "needs a time zone"
    elif when < now + NOTICE:
        if not override_notice:
            errors["effective_from"] = "must be at least 15 days after publication (or override)"
        elif ctx.role not in (None, "owner"):
            raise Forbidden("only the owner may publish a policy with less than 15 days' notice")
    if errors:
        raise ValidationFailed(errors)
    async with unit_of_work(ctx):
        rows = await scoped.select(PolicyVersion, PolicyVersion.version)
        version = max((r["version"] for r in rows), default=0) + 1
        for locale, text in texts.items():
            await scoped.insert(
                scoped.new(
                    PolicyVersion,
                    version=version,
                    locale=locale,
                    published_at=now,
                    effective_from=when,
                    published_by=ctx.actor_label,
                    notice_overridden=when < now + NOTICE,
                    **{name: getattr(text, name).strip() for name in QUESTIONS},
                )
            )
        await audit.record(
            audit.AuditAction.POLICY_PUBLISH, subject="privacy_policy", reason=f"version {version}", ctx=ctx
        )
    return version


async def _pick(rows: list[PolicyVersion], locale: str | None) -> PolicyVersion | None:
    if not rows:
        return None
    newest = max(r.version for r in rows)
    candidates = [r for r in rows if r.version == newest]
    tenant = await get_tenant(current().tenant_id)
    for wanted in (locale, tenant.default_locale):
        for row in candidates:
            if row.locale == wanted:
                return row
    return sorted(candidates, key=lambda r: r.locale)[0]


async def current_policy(locale: str | None = None) -> PolicyVersion | None:
    """The version in force now, in ``locale`` (else the tenant's language, else any)."""
    ctx = current()
    async with unit_of_work(ctx):
        rows = await scoped.fetch(PolicyVersion, "effective_from <= {}", clock.now())
    return await _pick(rows, locale)


async def upcoming_policy(locale: str | None = None) -> PolicyVersion | None:
    """A published version that is not in force yet (the announced change), if any."""
    ctx = current()
    async with unit_of_work(ctx):
        rows = await scoped.objects(PolicyVersion).where(PolicyVersion.effective_from > clock.now())
    return await _pick(list(rows), locale)


async def policy_languages() -> list[str]:
    """The languages the tenant's policies exist in."""
    ctx = current()
    async with unit_of_work(ctx):
        rows = await scoped.select(PolicyVersion, PolicyVersion.locale).distinct()
    return sorted(r["locale"] for r in rows)


def policy_id(version: PolicyVersion | None) -> UUID | None:
    """The id to record with a consent event (``None`` when no policy is published yet)."""
    return version.id if version is not None else None


async def list_versions() -> list[PolicyVersion]:
    """Every published version in every language, newest version first (owner and privacy
    officer)."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    async with unit_of_work(ctx):
        rows = await scoped.objects(PolicyVersion)
    return sorted(rows, key=lambda r: (-r.version, r.locale))
