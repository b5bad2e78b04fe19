"""The consent ledger and the consent gate.

Anything that queues or sends a message to a client, shares their data or uses their photos
asks the gate first::

    from salonkeep.core import consent
    if await consent.allows(client_id, consent.Purpose.MARKETING_EMAIL):
        ...
    await consent.require_consent(client_id, consent.Purpose.MARKETING_SMS)  # or raises

The answer comes from the ledger at the moment of asking (never cached), so a withdrawal
takes effect at once; a restricted or erased client allows nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID, uuid4

from salonkeep.core import audit, events
from salonkeep.core.access import Action, Forbidden, can
from salonkeep.core.clients.tables import Client, visible_client_row
from salonkeep.core.consent.policy import stale_policy_versions
from salonkeep.core.consent.tables import ConsentEvent, PolicyVersion
from salonkeep.core.consent.wordings import WORDINGS
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import TenantContext, current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.messages import codes, field_message
from salonkeep.tenants.tenant_settings import load_tenant_settings


class Purpose(StrEnum):
    """What a client may consent to."""

    HEALTH_DATA = "health_data"
    MARKETING_EMAIL = "marketing_email"
    MARKETING_SMS = "marketing_sms"
    GREETINGS = "greetings"
    THIRD_PARTY_SHARING = "third_party_sharing"
    PHOTOS = "photos"


class Channel(StrEnum):
    """Where the consent was given or withdrawn."""

    IN_STORE_TABLET = "in_store_tablet"
    ONLINE_FORM = "online_form"
    PAPER_SCANNED = "paper_scanned"
    #: Told to staff by phone (e.g. "no more calls or offers" during a follow-up call).
    PHONE_CALL = "phone_call"
    #: Carried over by a client import from another system's record (the file's column and
    #: value are kept as the wording shown).
    IMPORTED = "imported"


#: Purposes whose messages are marketing (blocked by a withdrawal, a restriction or erasure).
MARKETING = frozenset({Purpose.MARKETING_EMAIL, Purpose.MARKETING_SMS, Purpose.GREETINGS})


def wording(purpose: Purpose, language: str = "en") -> str:
    """The tick-box text shown for ``purpose`` in ``language`` (en, zh, ru, fi; others get
    English); recorded verbatim with the consent."""
    texts = WORDINGS.get(language.split("-")[0].split("_")[0], WORDINGS["en"])
    return texts[Purpose(purpose).value]


def needs_confirmation(
    purpose: Purpose | str,
    granted: bool,
    text: str,
    policy_version_id: UUID | None = None,
    stale: Mapping[str, frozenset[UUID]] | None = None,
) -> bool:
    """True for a grant given under a wording that is no longer the current one in any
    language (the purpose's text changed since), or under a privacy-policy version whose
    section relevant to the purpose differs from the version in force (``stale``, from
    :func:`salonkeep.core.consent.policy.stale_policy_versions`): it is "to confirm"."""
    if not granted:
        return False
    current_texts = {texts[Purpose(purpose).value] for texts in WORDINGS.values()}
    if text.strip() not in current_texts:
        return True
    return policy_version_id is not None and policy_version_id in (stale or {}).get(str(purpose), ())


class ConsentMissing(Forbidden):
    """The client has not consented (or withdrew, or is restricted or erased)."""


@dataclass(frozen=True)
class ConsentState:
    """The current state of one purpose, derived from the latest ledger event."""

    purpose: str
    scope: str
    granted: bool
    since: datetime
    channel: str
    event_id: UUID
    #: Granted under a wording that changed since: the client is asked to confirm.
    to_confirm: bool = False


def _purpose(value: str) -> Purpose:
    try:
        return Purpose(value)
    except ValueError:
        raise ValidationFailed(
            {
                "purpose": field_message(
                    "choose one of {choices}", choices=codes((p.value for p in Purpose), "consent_purpose")
                )
            }
        ) from None


async def _client(ctx: TenantContext, client_id: UUID) -> Client:
    return await visible_client_row(ctx, client_id)


async def record_consent(
    client_id: UUID,
    purpose: Purpose | str,
    granted: bool,
    *,
    channel: Channel | str,
    wording_shown: str,
    policy_version_id: UUID | None = None,
    scope: str = "",
) -> ConsentEvent:
    """Append a grant or withdrawal to the ledger (staff with client.edit, or the client
    through a signed link). A withdrawal publishes :class:`events.ConsentWithdrawn` in the
    same unit of work."""
    ctx = current()
    if not can(ctx, Action.CLIENT_EDIT):
        raise Forbidden(f"the role {ctx.role!r} may not record consent")
    chosen = _purpose(str(purpose))
    errors: dict[str, str] = {}
    if str(channel) not in {c.value for c in Channel}:
        errors["channel"] = field_message(
            "choose one of {choices}", choices=codes((c.value for c in Channel), "consent_channel")
        )
    if not wording_shown.strip():
        errors["wording"] = "the exact wording shown to the client is required"
    if len(scope) > 64:
        errors["scope"] = "must be at most 64 characters"
    if errors:
        raise ValidationFailed(errors)
    async with unit_of_work(ctx):
        client = await _client(ctx, client_id)
        if client.erased_at is not None:
            raise ValidationFailed({"client": "this client's data was erased"})
        if policy_version_id is not None and not await scoped.exists(
            PolicyVersion, PolicyVersion.id == policy_version_id
        ):
            raise ValidationFailed({"policy_version_id": "no such policy version"})
        now = clock.now()
        latest = (
            await scoped.select(ConsentEvent, ConsentEvent.occurred_at)
            .where(ConsentEvent.client_id == client.id)
            .order_by(ConsentEvent.occurred_at, ascending=False)
            .first()
        )
        if latest is not None and latest["occurred_at"] >= now:
            # The ledger's order is its time order: keep it strict even within a microsecond.
            now = latest["occurred_at"] + timedelta(microseconds=1)
        event = scoped.new(
            ConsentEvent,
            client_id=client.id,
            purpose=chosen.value,
            scope=scope,
            granted=granted,
            policy_version_id=policy_version_id,
            channel=str(channel),
            wording=wording_shown.strip(),
            recorded_by_id=ctx.actor_id,
            recorded_by=ctx.actor_label,
            occurred_at=now,
        )
        await scoped.insert(event)
        await audit.record(
            audit.AuditAction.CONSENT_GRANT if granted else audit.AuditAction.CONSENT_WITHDRAW,
            client_id=client.id,
            subject="consent",
            subject_id=event.id,
            fields=[chosen.value],
            reason=str(channel),
            ctx=ctx,
        )
        kind = events.ConsentGranted if granted else events.ConsentWithdrawn
        await events.publish(
            kind(
                tenant_id=ctx.tenant_id,
                client_id=client.id,
                branch_id=client.branch_id,
                occurred_at=now,
                purpose=chosen.value,
                scope=scope,
                channel=str(channel),
            )
        )
    return event


@dataclass(frozen=True)
class ImportedConsent:
    """A grant or refusal that an imported file proves for a client it brings in."""

    client_id: UUID
    purpose: str
    granted: bool
    wording: str


async def record_imported(items: Sequence[ImportedConsent]) -> int:
    """Append the consents proven by an import file for clients the same import creates, with
    multi-row inserts (channel ``imported``, the file's column and value as the wording) and
    one audit event each, inside the caller's unit of work. Publishes no consent events: the
    clients are new to the ledger, so nothing is queued to cancel, and their programmes are
    planned by the daily planning sweep. Returns how many were recorded."""
    ctx = current()
    if not can(ctx, Action.CLIENT_EDIT):
        raise Forbidden(f"the role {ctx.role!r} may not record consent")
    now = clock.now()
    rows: list[dict[str, object]] = []
    audits: list[audit.AuditItem] = []
    per_client: dict[UUID, int] = {}
    for item in items:
        index = per_client[item.client_id] = per_client.get(item.client_id, -1) + 1
        chosen = _purpose(item.purpose)
        event_id = uuid4()
        rows.append(
            {
                "id": event_id,
                "client_id": item.client_id,
                "purpose": chosen.value,
                "scope": "",
                "granted": item.granted,
                "policy_version_id": None,
                "channel": Channel.IMPORTED.value,
                "wording": item.wording.strip()[:2000] or "imported",
                "recorded_by_id": ctx.actor_id,
                "recorded_by": ctx.actor_label[:200],
                # A strict time order within each client's ledger, even for two purposes.
                "occurred_at": now + timedelta(microseconds=index),
            }
        )
        action = audit.AuditAction.CONSENT_GRANT if item.granted else audit.AuditAction.CONSENT_WITHDRAW
        audits.append(
            audit.AuditItem(
                str(action),
                item.client_id,
                subject="consent",
                subject_id=event_id,
                fields=(chosen.value,),
                reason=Channel.IMPORTED.value,
            )
        )
    async with unit_of_work(ctx):
        await scoped.insert_many(ConsentEvent, rows)
        await audit.record_many(audits, ctx=ctx)
    return len(rows)


async def grant(client_id: UUID, purpose: Purpose | str, **kwargs: object) -> ConsentEvent:
    """Record a grant (see :func:`record_consent`)."""
    return await record_consent(client_id, purpose, True, **kwargs)  # type: ignore[arg-type]


async def withdraw(client_id: UUID, purpose: Purpose | str, **kwargs: object) -> ConsentEvent:
    """Record a withdrawal (see :func:`record_consent`)."""
    return await record_consent(client_id, purpose, False, **kwargs)  # type: ignore[arg-type]


async def current_state(client_id: UUID) -> dict[tuple[str, str], ConsentState]:
    """The latest event per (purpose, scope) of a client: the consent as it stands now."""
    ctx = current()
    async with unit_of_work(ctx):
        rows = await scoped.fetch(ConsentEvent, "client_id = {}", client_id, order_by="occurred_at")
        stale = await stale_policy_versions()
    state: dict[tuple[str, str], ConsentState] = {}
    for row in rows:  # later events replace earlier ones
        state[(row.purpose, row.scope)] = ConsentState(
            row.purpose,
            row.scope,
            row.granted,
            row.occurred_at,
            row.channel,
            row.id,
            needs_confirmation(row.purpose, row.granted, row.wording, row.policy_version_id, stale),
        )
    return state


async def consent_event_for(client_id: UUID, purpose: Purpose | str, scope: str = "") -> ConsentEvent | None:
    """The grant that allows ``purpose`` now (the scope's own, else the general one), or None."""
    ctx = current()
    chosen = _purpose(str(purpose))
    async with unit_of_work(ctx):
        client = await _client(ctx, client_id)
        if client.restricted or client.erased_at is not None:
            return None
        for candidate in dict.fromkeys([scope, ""]):
            latest = (
                await scoped.objects(ConsentEvent)
                .where(
                    (ConsentEvent.client_id == client_id)
                    & (ConsentEvent.purpose == chosen.value)
                    & (ConsentEvent.scope == candidate)
                )
                .order_by(ConsentEvent.occurred_at, ascending=False)
                .first()
            )
            if latest is not None:
                if not latest.granted:
                    return None
                if await _paused(ctx, chosen) and needs_confirmation(
                    chosen, True, latest.wording, latest.policy_version_id, await stale_policy_versions()
                ):
                    return None
                return latest
    return None


async def _paused(ctx: TenantContext, purpose: Purpose) -> bool:
    """True when the tenant pauses ``purpose`` while its consent awaits confirmation (tenant
    setting ``reconsent_mode``: ``keep``, the default, lets a grant under a changed wording hold
    until the client confirms; ``pause_marketing`` pauses the marketing purposes)."""
    if purpose not in MARKETING:
        return False
    return (await load_tenant_settings(ctx.tenant_id)).reconsent_mode == "pause_marketing"


async def allows(client_id: UUID, purpose: Purpose | str, scope: str = "") -> bool:
    """THE consent gate: True only when the client's latest word on ``purpose`` is a grant and
    the client is neither restricted nor erased. For third-party sharing, ``scope`` is the
    partner id; a partner-specific event wins over the general one."""
    return await consent_event_for(client_id, purpose, scope) is not None


has_consent = allows


async def allowed_pairs(pairs: Iterable[tuple[UUID, str]]) -> set[tuple[UUID, str]]:
    """The gate for a batch (the delivery workers): which ``(client_id, purpose)`` pairs are
    allowed now, by the same rule as :func:`allows` for general (unscoped) consent, with two
    queries for the whole batch. Call inside a unit of work."""
    wanted = {(client_id, _purpose(str(purpose)).value) for client_id, purpose in pairs}
    if not wanted:
        return set()
    clients = sorted({client_id for client_id, _ in wanted}, key=str)
    marks = ", ".join(["{}"] * len(clients))
    blocked = {
        row["id"]
        for row in await scoped.rows(
            Client, "id", f"id in ({marks}) and (restricted or erased_at is not null)", *clients
        )
    }
    latest: dict[tuple[UUID, str], bool] = {}
    events = await scoped.rows(
        ConsentEvent,
        "client_id, purpose, granted, wording, policy_version_id",
        f"scope = '' and client_id in ({marks})",
        *clients,
        order_by="occurred_at",
    )
    paused = (await load_tenant_settings(scoped.tenant_id())).reconsent_mode == "pause_marketing"
    stale = await stale_policy_versions() if paused else {}
    for event in events:  # later events replace earlier ones
        purpose = str(event["purpose"])
        granted = bool(event["granted"])
        if granted and paused and purpose in MARKETING:
            version = event["policy_version_id"]
            version = UUID(str(version)) if version is not None and not isinstance(version, UUID) else version
            granted = not needs_confirmation(purpose, True, str(event["wording"]), version, stale)
        latest[(event["client_id"], purpose)] = granted
    return {pair for pair in wanted if pair[0] not in blocked and latest.get(pair, False)}


async def require_consent(client_id: UUID, purpose: Purpose | str, scope: str = "") -> ConsentEvent:
    """The grant allowing ``purpose``; raises :class:`ConsentMissing` when there is none."""
    event = await consent_event_for(client_id, purpose, scope)
    if event is None:
        raise ConsentMissing(f"the client has not consented to {_purpose(str(purpose)).value}")
    return event


@dataclass(frozen=True)
class LedgerEntry:
    """One consent event as staff read it (with the policy version number shown)."""

    id: UUID
    purpose: str
    scope: str
    granted: bool
    occurred_at: datetime
    channel: str
    wording: str
    recorded_by: str
    policy_version: int | None


async def ledger(client_id: UUID) -> list[LedgerEntry]:
    """A client's consent ledger, newest first (any role that may view clients)."""
    ctx = current()
    if not can(ctx, Action.CLIENT_VIEW):
        raise Forbidden(f"the role {ctx.role!r} may not view clients")
    async with unit_of_work(ctx):
        await _client(ctx, client_id)
        rows = await scoped.fetch(ConsentEvent, "client_id = {}", client_id, order_by="occurred_at desc")
        versions = {r["id"]: r["version"] for r in await scoped.rows(PolicyVersion, "id, version")}
    return [
        LedgerEntry(
            r.id,
            r.purpose,
            r.scope,
            r.granted,
            r.occurred_at,
            r.channel,
            r.wording,
            r.recorded_by,
            versions.get(r.policy_version_id) if r.policy_version_id is not None else None,
        )
        for r in rows
    ]
