"""The breach register: what happened, when it was found (the supervisory authority must hear
within 72 hours, GDPR art. 33(1)), which clients and which of their data were concerned, the
decisions and the measures.

The clients and data concerned are computed from the audit trail: every audit row about a
client in a time window, optionally limited to one staff account or one API key (the one that
leaked). :func:`notification_letter` writes the per-client letter (art. 34) in the client's
language (en, zh, ru, fi); :func:`authority_report` lists what art. 33(3) asks, in its order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from salonkeep.core.access import Action, require
from salonkeep.core.apikeys.service import key_label
from salonkeep.core.apikeys.tables import ApiKey
from salonkeep.core.audit.tables import AuditEvent
from salonkeep.core.clients.service import get_client
from salonkeep.core.clients.tables import Client
from salonkeep.core.formatting import format_datetime
from salonkeep.core.privacy.breach_letters import CATEGORY_NAMES, LETTERS, NOT_YET
from salonkeep.core.privacy.tables import Breach
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.tenants.messages import field_message
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.tables import StaffMember

#: GDPR art. 33(1): the authority is notified within 72 hours of becoming aware.
NOTIFICATION_DEADLINE = timedelta(hours=72)
LETTER_LANGUAGES = ("en", "zh", "ru", "fi")
MAX_TEXT = 5000

#: Data categories named in letters and the report, from the audited field (and part) names.
CATEGORY_FIELDS: dict[str, frozenset[str]] = {
    "contact": frozenset(
        {
            "first_name",
            "last_name",
            "date_of_birth",
            "phone",
            "email",
            "preferred_locale",
            "kind",
            "branch_id",
        }
    ),
    "needs": frozenset({"needs"}),
    "health": frozenset({"allergies", "health_notes", "treatment_notes"}),
    "identity": frozenset({"id_number"}),
    "history": frozenset({"visits", "sales", "appointments", "history", "touchpoints", "calls"}),
}


@dataclass(frozen=True)
class BreachView:
    """A breach on the register."""

    id: UUID
    summary: str
    found_at: datetime
    opened_at: datetime
    opened_by: str
    status: str
    window_from: datetime | None
    window_to: datetime | None
    staff_id: UUID | None
    api_key_id: UUID | None
    consequences: str
    measures: str
    decisions: str
    authority_notified_at: datetime | None

    @property
    def deadline(self) -> datetime:
        """When the supervisory authority must have been notified (72 hours after finding)."""
        return self.found_at + NOTIFICATION_DEADLINE

    def overdue(self, now: datetime) -> bool:
        """True when the deadline passed without the authority being notified."""
        return self.authority_notified_at is None and now > self.deadline


@dataclass(frozen=True)
class AffectedClient:
    """A client whose record the breach's actor touched in its window, and which data."""

    client_id: UUID
    fields: tuple[str, ...]
    categories: tuple[str, ...]
    events: int
    first_at: datetime
    last_at: datetime


def _view(row: Breach) -> BreachView:
    return BreachView(
        **{name: getattr(row, name) for name in BreachView.__dataclass_fields__}  # same names
    )


def _text(value: str, field: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed({field: "is required"})
    if len(value) > MAX_TEXT:
        raise ValidationFailed({field: field_message("must be at most {limit} characters", limit=MAX_TEXT)})
    return value


def _aware(value: datetime, field: str) -> datetime:
    if value.tzinfo is None:
        raise ValidationFailed({field: "give a time zone (e.g. 2026-03-27T09:00+02:00)"})
    return value


async def open_breach(summary: str, found_at: datetime) -> BreachView:
    """Put a breach on the register (privacy officer, owner, system)."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    summary = _text(summary, "summary", required=True)
    found_at = _aware(found_at, "found_at")
    now = clock.now()
    if found_at > now + timedelta(minutes=5):
        raise ValidationFailed({"found_at": "is in the future"})
    async with unit_of_work(ctx):
        row = scoped.new(
            Breach,
            id=uuid4(),
            summary=summary,
            found_at=found_at,
            opened_at=now,
            opened_by=ctx.actor_label[:200],
        )
        await scoped.insert(row)
    return _view(row)


async def _row(breach_id: UUID) -> Breach:
    rows = await scoped.objects(Breach).where(Breach.id == breach_id)
    if not rows:
        raise NotFound("no such breach")
    return rows[0]


async def list_breaches() -> list[BreachView]:
    """Every breach on the register, the most recently found first."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    async with unit_of_work(ctx):
        rows = await scoped.objects(Breach).order_by(Breach.found_at, ascending=False)
    return [_view(r) for r in rows]


async def get_breach(breach_id: UUID) -> BreachView:
    """One breach."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    async with unit_of_work(ctx):
        return _view(await _row(breach_id))


async def update_breach(
    breach_id: UUID,
    *,
    consequences: str | None = None,
    measures: str | None = None,
    decision: str | None = None,
    authority_notified_at: datetime | None = None,
) -> BreachView:
    """Record the assessment (likely consequences, measures), add a dated decision, or note
    when the authority was notified."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    values: dict[Any, Any] = {}
    if consequences is not None:
        values[Breach.consequences] = _text(consequences, "consequences")
    if measures is not None:
        values[Breach.measures] = _text(measures, "measures")
    if authority_notified_at is not None:
        values[Breach.authority_notified_at] = _aware(authority_notified_at, "authority_notified_at")
    async with unit_of_work(ctx):
        row = await _row(breach_id)
        if decision is not None and decision.strip():
            stamp = format_datetime(clock.now(), show_zone=True)
            line = f"{stamp} {ctx.actor_label}: {_text(decision, 'decision')}"
            values[Breach.decisions] = f"{row.decisions}\n{line}".strip()
        if values:
            await scoped.update(Breach, values).where(Breach.id == breach_id)
        return _view(await _row(breach_id))


def categories_of(fields: set[str] | frozenset[str]) -> tuple[str, ...]:
    """The data categories (keys of :data:`CATEGORY_NAMES`) the audited ``fields`` fall in."""
    found = [name for name, members in CATEGORY_FIELDS.items() if fields & members]
    known = frozenset().union(*CATEGORY_FIELDS.values())
    if fields - known:
        found.append("other")
    return tuple(found)


async def _actor(
    staff_email: str | None, api_key_id: UUID | None
) -> tuple[UUID | None, UUID | None, str | None]:
    if staff_email and api_key_id:
        raise ValidationFailed({"staff": "give a staff account or an API key, not both"})
    if staff_email:
        found = await scoped.objects(StaffMember).where(StaffMember.email == staff_email.strip().lower())
        if not found:
            raise ValidationFailed({"staff": "no staff member with this e-mail"})
        return found[0].id, None, None
    if api_key_id:
        keys = await scoped.objects(ApiKey).where(ApiKey.id == api_key_id)
        if not keys:
            raise ValidationFailed({"apikey": "no such API key"})
        return None, keys[0].id, key_label(keys[0])
    return None, None, None


async def affected(
    breach_id: UUID,
    window_from: datetime,
    window_to: datetime,
    *,
    staff_email: str | None = None,
    api_key_id: UUID | None = None,
) -> list[AffectedClient]:
    """The clients (and which of their data) the audit trail shows were reached in the window
    ``[window_from, window_to)``, by one staff account or API key or by anyone. The window and
    actor are kept on the breach (the letters and the report use them)."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    window_from, window_to = _aware(window_from, "from"), _aware(window_to, "to")
    if window_to <= window_from:
        raise ValidationFailed({"to": "must be after from"})
    async with unit_of_work(ctx):
        await _row(breach_id)
        staff_id, key_id, key_label = await _actor(staff_email, api_key_id)
        await scoped.update(
            Breach,
            {
                Breach.window_from: window_from,
                Breach.window_to: window_to,
                Breach.staff_id: staff_id,
                Breach.api_key_id: key_id,
            },
        ).where(Breach.id == breach_id)
        return await _affected(window_from, window_to, staff_id, key_id, key_label)


async def _affected(
    window_from: datetime,
    window_to: datetime,
    staff_id: UUID | None,
    key_id: UUID | None,
    key_label: str | None,
) -> list[AffectedClient]:
    query = scoped.objects(AuditEvent).where(
        AuditEvent.client_id.is_not_null(),
        AuditEvent.occurred_at >= window_from,
        AuditEvent.occurred_at < window_to,
    )
    if staff_id is not None:
        query = query.where(AuditEvent.actor_id == staff_id)
    if key_id is not None:
        # An API key acts without an actor id: its rows carry its label (name and prefix).
        query = query.where(AuditEvent.actor_label == key_label)
    found: dict[UUID, list[AuditEvent]] = {}
    for event in await query:
        found.setdefault(event.client_id, []).append(event)
    result = []
    for client_id, events in found.items():
        fields = frozenset(f for e in events for f in e.fields.split(",") if f)
        times = sorted(e.occurred_at for e in events)
        result.append(
            AffectedClient(
                client_id=client_id,
                fields=tuple(sorted(fields)),
                categories=categories_of(fields),
                events=len(events),
                first_at=times[0],
                last_at=times[-1],
            )
        )
    return sorted(result, key=lambda a: (a.first_at, str(a.client_id)))


async def affected_of(breach: BreachView) -> list[AffectedClient]:
    """The affected clients for the window and actor kept on ``breach`` (none before
    :func:`affected` was run)."""
    if breach.window_from is None or breach.window_to is None:
        return []
    ctx = current()
    async with unit_of_work(ctx):
        label = None
        if breach.api_key_id is not None:
            keys = await scoped.objects(ApiKey).where(ApiKey.id == breach.api_key_id)
            label = key_label(keys[0]) if keys else None
        return await _affected(
            breach.window_from, breach.window_to, breach.staff_id, breach.api_key_id, label
        )


async def _contact() -> str:
    officers = await scoped.objects(StaffMember).where(
        StaffMember.role == "privacy_officer",
        StaffMember.active == True,  # noqa: E712
    )
    if not officers:
        officers = await scoped.objects(StaffMember).where(
            StaffMember.role == "owner",
            StaffMember.active == True,  # noqa: E712
        )
    return "; ".join(f"{o.name} <{o.email}>" for o in officers) or "—"


def _when(value: datetime, zone: str, language: str) -> str:
    return format_datetime(value, zone, language, show_zone=True)


async def notification_letter(
    breach_id: UUID, client_id: UUID, language: str | None = None
) -> tuple[str, str]:
    """The (subject, body) of the letter to one affected client, in ``language`` or the
    client's own (falling back to the tenant's, then English)."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    breach = await get_breach(breach_id)
    client = await get_client(client_id)
    tenant = await get_tenant(ctx.tenant_id)
    lang = language or client.preferred_locale or tenant.default_locale or "en"
    lang = lang.split("-")[0].split("_")[0]
    if lang not in LETTER_LANGUAGES:
        lang = "en"
    hit = next((a for a in await affected_of(breach) if a.client_id == client_id), None)
    names = CATEGORY_NAMES[lang]
    categories = ", ".join(names[c] for c in hit.categories) if hit else names["other"]
    async with unit_of_work(ctx):
        contact = await _contact()
    subject, body = LETTERS[lang]
    return subject, body.format(
        name=client.full_name,
        salon=tenant.name,
        summary=breach.summary,
        found_at=_when(breach.found_at, tenant.time_zone, lang),
        categories=categories,
        consequences=breach.consequences or NOT_YET[lang],
        measures=breach.measures or NOT_YET[lang],
        contact=contact,
    )


async def authority_report(breach_id: UUID) -> str:
    """The notification to the supervisory authority, in the order of GDPR art. 33(3):
    (a) nature, categories and approximate numbers of data subjects and records; (b) the data
    protection contact; (c) likely consequences; (d) measures taken or proposed."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    breach = await get_breach(breach_id)
    tenant = await get_tenant(ctx.tenant_id)
    hits = await affected_of(breach)
    async with unit_of_work(ctx):
        contact = await _contact()
        clients = await scoped.count(Client)
    categories = sorted({c for h in hits for c in h.categories})
    when = lambda value: _when(value, tenant.time_zone, "en")  # noqa: E731
    window = (
        f"{when(breach.window_from)} to {when(breach.window_to)}"
        if breach.window_from and breach.window_to
        else "not yet determined"
    )
    late = ""
    if breach.overdue(clock.now()):
        late = "This notification is made after 72 hours; the reasons for the delay are in the decisions."
    lines = [
        f"Personal data breach notification — {tenant.name}",
        f"Breach {breach.id}; found {when(breach.found_at)}; notification deadline {when(breach.deadline)}.",
        late,
        "(a) Nature of the breach",
        f"    {breach.summary}",
        f"    Period concerned: {window}.",
        "    Categories of personal data: "
        + (", ".join(CATEGORY_NAMES["en"][c] for c in categories) or "not yet determined")
        + ".",
        f"    Data subjects concerned: approximately {len(hits)} clients (of {clients} on record).",
        f"    Personal data records concerned: approximately {sum(h.events for h in hits)} accesses "
        "recorded in the audit trail.",
        "(b) Data protection contact",
        f"    {contact}",
        "(c) Likely consequences",
        f"    {breach.consequences or 'being assessed'}",
        "(d) Measures taken or proposed, including to mitigate possible adverse effects",
        f"    {breach.measures or 'being decided'}",
        "Decisions",
        *(f"    {line}" for line in (breach.decisions.splitlines() or ["none recorded yet"])),
    ]
    return "\n".join(line for line in lines if line != "") + "\n"
