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


#: The policy's sections each consent purpose rests on: a grant given under a version whose
#: relevant section differs from the version in force (same language) is "to confirm".
RELEVANT_SECTIONS: dict[str, tuple[str, ...]] = {
    "health_data": ("collected", "purposes"),
    "marketing_email": ("purposes", "choices"),
    "marketing_sms": ("purposes", "choices"),
    "greetings": ("purposes", "choices"),
    "third_party_sharing": ("recipients",),
    "photos": ("collected", "purposes"),
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


def _stale(rows: list[PolicyVersion], now: datetime) -> dict[str, frozenset[UUID]]:
    in_force = [r for r in rows if r.effective_from <= now]
    if not in_force:
        return {purpose: frozenset() for purpose in RELEVANT_SECTIONS}
    newest = max(r.version for r in in_force)
    current_by_locale = {r.locale: r for r in in_force if r.version == newest}
    stale: dict[str, set[UUID]] = {purpose: set() for purpose in RELEVANT_SECTIONS}
    for row in rows:
        now_row = current_by_locale.get(row.locale)
        if now_row is None or row.version >= newest:
            continue
        for purpose, sections in RELEVANT_SECTIONS.items():
            if any(getattr(row, s).strip() != getattr(now_row, s).strip() for s in sections):
                stale[purpose].add(row.id)
    return {purpose: frozenset(ids) for purpose, ids in stale.items()}


async def stale_policy_versions() -> dict[str, frozenset[UUID]]:
    """Per consent purpose, the ids of older policy versions whose relevant section
    (:data:`RELEVANT_SECTIONS`) differs from the version in force in the same language
    (inside a unit of work; the policy table is small: a handful of rows per version)."""
    return _stale(list(await scoped.objects(PolicyVersion)), clock.now())
