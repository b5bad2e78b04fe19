"""Complaints: record one from any channel, keep the first-contact promise, handle it in rounds
until the client accepts a remedy, close it and plan the satisfaction call.

Every function checks the role and the branch scope, writes in one unit of work and audits
what it did. Recording a complaint that names a client publishes
:class:`~salonkeep.core.events.ComplaintReceived` in the same unit of work, so the aftercare
programmes (the service guarantee's free correction) plan their tasks with it. A complaint
about the handling of personal data is put on the privacy officer's board at once instead.

Free texts (description, notes, cause, remedy detail, outcome) are encrypted under the
client's key when the complaint names a client; complaints from the public page with no client
keep them like a client's contact fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from salonkeep.core import audit, events
from salonkeep.core.access import Action, current_branch_scope, require
from salonkeep.core.aftercare.tables import Touchpoint
from salonkeep.core.clients.service import load_visible
from salonkeep.core.clients.tables import visible_client_row
from salonkeep.core.complaints import attachments
from salonkeep.core.complaints.tables import (
    ABOUT,
    CATEGORIES,
    CHANNELS,
    COVERAGE,
    COVERED_BY,
    REMEDIES,
    Complaint,
    ComplaintAttachment,
    ComplaintRound,
)
from salonkeep.core.formatting import local_date
from salonkeep.core.keys.service import (
    decrypt_column,
    encrypt_column,
    open_tenant_document,
    seal_tenant_document,
)
from salonkeep.core.privacy import alerts
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import TenantContext, current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import Conflict, NotFound, ValidationFailed
from salonkeep.tenants.messages import codes, field_message
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.tables import Branch, StaffBranch, StaffMember
from salonkeep.tenants.tenant_settings import load_tenant_settings

MAX_TEXT = 5000
#: Photos one complaint may bring when it is recorded.
MAX_PHOTOS = 3
#: The programme name the complaint touchpoints (satisfaction calls, escalation tasks) carry.
PROGRAMME = "complaints"
#: When the satisfaction call is due after closing.
SATISFACTION_CALL_AFTER = timedelta(days=1)
_ENCRYPTED_COMPLAINT = ("description", "outcome")
_ENCRYPTED_ROUND = ("notes", "cause", "remedy_detail")


@dataclass(frozen=True)
class RoundView:
    """One round of handling, its texts in clear."""

    id: UUID
    number: int
    notes: str
    cause: str
    coverage: str
    covered_by: str
    remedy: str
    remedy_detail: str
    proposed_at: datetime | None
    answer: str
    answered_at: datetime | None


@dataclass(frozen=True)
class ComplaintView:
    """A complaint as staff see it (texts in clear only on the complaint page)."""

    id: UUID
    branch_id: UUID
    client_id: UUID | None
    channel: str
    about: str
    about_ref: str
    category: str
    status: str
    assignee_id: UUID | None
    received_at: datetime
    first_contact_due_at: datetime
    first_contacted_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    created_by: str
    description: str = ""
    outcome: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    contact_consent: bool = False
    rounds: tuple[RoundView, ...] = ()
    attachment_ids: tuple[UUID, ...] = field(default_factory=tuple)

    def first_contact_overdue(self, now: datetime) -> bool:
        """True when the client was not contacted by the deadline."""
        return self.first_contacted_at is None and now > self.first_contact_due_at

    def time_left(self, now: datetime) -> timedelta | None:
        """Time left to the first-contact deadline (negative when missed); ``None`` once the
        client was contacted."""
        return None if self.first_contacted_at is not None else self.first_contact_due_at - now


def _view(row: Complaint, **extra: Any) -> ComplaintView:
    return ComplaintView(
        id=row.id,
        branch_id=row.branch_id,
        client_id=row.client_id,
        channel=row.channel,
        about=row.about,
        about_ref=row.about_ref,
        category=row.category,
        status=row.status,
        assignee_id=row.assignee_id,
        received_at=row.received_at,
        first_contact_due_at=row.first_contact_due_at,
        first_contacted_at=row.first_contacted_at,
        resolved_at=row.resolved_at,
        closed_at=row.closed_at,
        created_by=row.created_by,
        contact_consent=bool(row.contact_consent),
        **extra,
    )


def _choice(value: str, allowed: tuple[str, ...], name: str, errors: dict[str, str], kind: str) -> str:
    """``value`` when one of ``allowed`` (codes of the label ``kind``), else an error on ``name``."""
    value = (value or "").strip()
    if value not in allowed:
        errors[name] = field_message(
            "choose one of {choices}", choices=codes((a for a in allowed if a), kind)
        )
    return value


def _text(
    value: str, name: str, errors: dict[str, str], *, required: bool = False, limit: int = MAX_TEXT
) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = "is required"
    elif len(value) > limit:
        errors[name] = field_message("must be at most {limit} characters", limit=limit)
    return value


async def _seal(
    ctx: TenantContext, client_id: UUID | None, table: str, column: str, row_id: UUID, text: str
) -> str:
    if client_id is None or not text:
        return text
    return await encrypt_column(ctx, client_id, table, column, row_id, text)


async def _open(
    ctx: TenantContext, client_id: UUID | None, table: str, column: str, row_id: UUID, text: str
) -> str:
    if client_id is None or not text:
        return text
    return await decrypt_column(ctx, client_id, table, column, row_id, text)


async def first_contact_deadline(received_at: datetime) -> datetime:
    """The first-contact deadline of a complaint received at ``received_at`` (the tenant
    setting ``complaint_first_contact_hours``, 24 by default)."""
    settings = await load_tenant_settings(scoped.tenant_id())
    return received_at + timedelta(hours=settings.complaint_first_contact_hours)


async def _branch_zone(branch_id: UUID) -> str:
    branch = await scoped.get(Branch, branch_id)
    if branch is None:
        raise ValidationFailed({"branch": "no such branch"})
    return branch.time_zone or (await get_tenant(scoped.tenant_id())).time_zone


async def record_complaint(
    *,
    branch_id: UUID,
    channel: str,
    about: str,
    description: str,
    about_ref: str = "",
    category: str = "other",
    client_id: UUID | None = None,
    received_at: datetime | None = None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    contact_consent: bool = False,
    photos: Sequence[bytes] = (),
) -> ComplaintView:
    """Record a complaint (staff from any channel, or the public page under a system context)
    with its ``photos`` (at most :data:`MAX_PHOTOS`), all in one unit of work.

    Checks every field first and names each refused one (nothing is written then)."""
    ctx = current()
    require(ctx, Action.COMPLAINTS_HANDLE)
    errors: dict[str, str] = {}
    channel = _choice(channel, CHANNELS, "channel", errors, "complaint_channel")
    about = _choice(about, ABOUT, "about", errors, "complaint_about")
    category = _choice(category or "other", CATEGORIES, "category", errors, "complaint_category")
    description = _text(description, "description", errors, required=True)
    about_ref = _text(about_ref, "about_ref", errors, limit=200)
    contact_name = _text(contact_name, "contact_name", errors, limit=200)
    contact_email = _text(contact_email, "contact_email", errors, limit=254)
    contact_phone = _text(contact_phone, "contact_phone", errors, limit=32)
    photo_types: list[str] = []
    if len(photos) > MAX_PHOTOS:
        errors["attachment"] = field_message("at most {count} photos", count=MAX_PHOTOS)
    else:
        try:
            photo_types = [attachments.check(photo) for photo in photos]
        except ValidationFailed as refused:
            errors.update(refused.errors)
    now = clock.now()
    when = received_at or now
    if when.tzinfo is None:
        errors["received_at"] = "give a time zone"
    elif when > now + timedelta(minutes=5):
        errors["received_at"] = "is in the future"
    if errors:
        raise ValidationFailed(errors)
    scope = await current_branch_scope(ctx)
    scope.check(branch_id, "branch")
    async with unit_of_work(ctx):
        zone = await _branch_zone(branch_id)
        if client_id is not None:
            await visible_client_row(ctx, client_id)
        complaint_id = uuid4()
        row = scoped.new(
            Complaint,
            id=complaint_id,
            branch_id=branch_id,
            client_id=client_id,
            channel=channel,
            about=about,
            about_ref=about_ref,
            category=category,
            description=await _seal(ctx, client_id, "complaint", "description", complaint_id, description),
            contact_name=contact_name,
            contact_email=contact_email,
            contact_phone=contact_phone,
            contact_consent=contact_consent,
            status="open",
            received_at=when,
            first_contact_due_at=await first_contact_deadline(when),
            created_by=ctx.actor_label[:200],
        )
        await scoped.insert(row)
        await audit.record(
            audit.AuditAction.CREATE,
            client_id=client_id,
            subject="complaint",
            subject_id=complaint_id,
            fields=["channel", "about", "category", "description"],
            ctx=ctx,
        )
        for photo, content_type in zip(photos, photo_types, strict=True):
            await _store_photo(ctx, row, photo, content_type)
        if about == "data_handling":
            await alerts.raise_alert(
                alerts.AlertKind.COMPLAINT_DATA_HANDLING,
                dedupe_key=f"complaint:{complaint_id}",
                summary="Urgent: a complaint about the handling of personal data.",
                evidence=await alerts.audit_ids("create", client_id=client_id) if client_id else (),
                client_id=client_id,
            )
        elif client_id is not None:
            await events.publish(
                events.ComplaintReceived(
                    tenant_id=ctx.tenant_id,
                    client_id=client_id,
                    branch_id=branch_id,
                    occurred_at=when,
                    complaint_id=complaint_id,
                    channel=channel,
                    reason=about_ref or category,
                    received_on=local_date(when, zone),
                )
            )
    return _view(row)


async def list_complaints(branch_id: UUID | None = None, *, open_only: bool = False) -> list[ComplaintView]:
    """The complaints of the branches in the actor's scope (or one branch), the nearest
    first-contact deadline first; no free texts."""
    ctx = current()
    require(ctx, Action.COMPLAINTS_HANDLE)
    scope = await current_branch_scope(ctx)
    if branch_id is not None:
        scope.check(branch_id, "branch")
    async with unit_of_work(ctx):
        query = scope.restrict(scoped.objects(Complaint), Complaint.branch_id)
        if branch_id is not None:
            query = query.where(Complaint.branch_id == branch_id)
        if open_only:
            query = query.where(Complaint.status != "closed")
        rows = await query.order_by(Complaint.first_contact_due_at)
    return [_view(r) for r in rows]


async def _row(ctx: TenantContext, complaint_id: UUID) -> Complaint:
    row = await scoped.get(Complaint, complaint_id)
    if row is None:
        raise NotFound("no such complaint")
    (await current_branch_scope(ctx)).check(row.branch_id, "complaint")
    return row


async def _rounds(ctx: TenantContext, row: Complaint) -> list[ComplaintRound]:
    return (
        await scoped.objects(ComplaintRound)
        .where(ComplaintRound.complaint_id == row.id)
        .order_by(ComplaintRound.number)
    )


async def _round_view(ctx: TenantContext, row: Complaint, r: ComplaintRound) -> RoundView:
    texts = {
        name: await _open(ctx, row.client_id, "complaint_round", name, r.id, getattr(r, name))
        for name in _ENCRYPTED_ROUND
    }
    return RoundView(
        id=r.id,
        number=r.number,
        coverage=r.coverage,
        covered_by=r.covered_by or "",
        remedy=r.remedy,
        proposed_at=r.proposed_at,
        answer=r.answer,
        answered_at=r.answered_at,
        **texts,
    )


async def _detail(ctx: TenantContext, row: Complaint) -> ComplaintView:
    texts = {
        name: await _open(ctx, row.client_id, "complaint", name, row.id, getattr(row, name))
        for name in _ENCRYPTED_COMPLAINT
    }
    rounds = tuple([await _round_view(ctx, row, r) for r in await _rounds(ctx, row)])
    files = await scoped.select(ComplaintAttachment, ComplaintAttachment.id).where(
        ComplaintAttachment.complaint_id == row.id
    )
    return _view(
        row,
        contact_name=row.contact_name,
        contact_email=row.contact_email,
        contact_phone=row.contact_phone,
        rounds=rounds,
        attachment_ids=tuple(f["id"] for f in files),
        **texts,
    )


async def get_complaint(complaint_id: UUID) -> ComplaintView:
    """One complaint with its texts, rounds and attachments (audited as a view of the client)."""
    ctx = current()
    require(ctx, Action.COMPLAINTS_HANDLE)
    async with unit_of_work(ctx):
        row = await _row(ctx, complaint_id)
        view = await _detail(ctx, row)
        await audit.record(
            audit.AuditAction.VIEW,
            client_id=row.client_id,
            subject="complaint",
            subject_id=row.id,
            fields=["complaint"],
            ctx=ctx,
        )
    return view


async def _change(complaint_id: UUID, what: str, fields: list[str], change: Any) -> ComplaintView:
    """Run ``change(ctx, row)`` on an open complaint in one unit of work, audit it, return the
    complaint as it is afterwards."""
    ctx = current()
    require(ctx, Action.COMPLAINTS_HANDLE)
    async with unit_of_work(ctx):
        row = await _row(ctx, complaint_id)
        if row.status == "closed":
            raise Conflict("complaint", "this complaint is closed")
        await change(ctx, row)
        after = await _row(ctx, complaint_id)
        await audit.record(
            audit.AuditAction.UPDATE,
            client_id=after.client_id,
            subject="complaint",
            subject_id=row.id,
            fields=fields,
            reason=what,
            ctx=ctx,
        )
        return await _detail(ctx, after)


async def assign(complaint_id: UUID, staff_id: UUID) -> ComplaintView:
    """Give the complaint to a staff member of its branch (or a chain-wide role)."""

    async def change(ctx: TenantContext, row: Complaint) -> None:
        staff = await scoped.get(StaffMember, staff_id)
        if staff is None or not staff.active:
            raise ValidationFailed({"assignee": "no such active staff member"})
        status = "in_progress" if row.status == "open" else row.status
        await scoped.update(Complaint, {Complaint.assignee_id: staff_id, Complaint.status: status}).where(
            Complaint.id == row.id
        )

    return await _change(complaint_id, "complaint.assign", ["assignee"], change)


async def link_client(complaint_id: UUID, client_id: UUID) -> ComplaintView:
    """Name the client of a complaint that came without one (the public page): its texts and
    photos move under the client's key, and the complaint reaches the aftercare programmes
    (:class:`~salonkeep.core.events.ComplaintReceived`: the service guarantee) as if it had
    been recorded for the client."""

    async def change(ctx: TenantContext, row: Complaint) -> None:
        if row.client_id is not None:
            raise Conflict("client_id", "the complaint already names a client")
        await visible_client_row(ctx, client_id)
        values: dict[Any, Any] = {Complaint.client_id: client_id}
        for name in _ENCRYPTED_COMPLAINT:
            text = getattr(row, name)
            values[getattr(Complaint, name)] = await _seal(ctx, client_id, "complaint", name, row.id, text)
        await scoped.update(Complaint, values).where(Complaint.id == row.id)
        for r in await _rounds(ctx, row):
            texts: dict[Any, Any] = {ComplaintRound.client_id: client_id}
            for name in _ENCRYPTED_ROUND:
                texts[getattr(ComplaintRound, name)] = await _seal(
                    ctx, client_id, "complaint_round", name, r.id, getattr(r, name)
                )
            await scoped.update(ComplaintRound, texts).where(ComplaintRound.id == r.id)
        photos = await scoped.objects(ComplaintAttachment).where(ComplaintAttachment.complaint_id == row.id)
        for photo in photos:
            data = await open_tenant_document(ctx, _document_name(photo.id), photo.data)
            sealed = await encrypt_column(
                ctx, client_id, "complaint_attachment", "data", photo.id, attachments.to_text(data)
            )
            moved = {ComplaintAttachment.client_id: client_id, ComplaintAttachment.data: sealed}
            await scoped.update(ComplaintAttachment, moved).where(ComplaintAttachment.id == photo.id)
        if row.about != "data_handling":
            zone = await _branch_zone(row.branch_id)
            await events.publish(
                events.ComplaintReceived(
                    tenant_id=ctx.tenant_id,
                    client_id=client_id,
                    branch_id=row.branch_id,
                    occurred_at=row.received_at,
                    complaint_id=row.id,
                    channel=row.channel,
                    reason=row.about_ref or row.category,
                    received_on=local_date(row.received_at, zone),
                )
            )

    return await _change(complaint_id, "complaint.link_client", ["client"], change)


async def mark_first_contact(complaint_id: UUID, at: datetime | None = None) -> ComplaintView:
    """Record that the client was contacted (details confirmed, apology made)."""

    async def change(ctx: TenantContext, row: Complaint) -> None:
        when = at or clock.now()
        if when.tzinfo is None:
            raise ValidationFailed({"first_contacted_at": "give a time zone"})
        if when < row.received_at or when > clock.now() + timedelta(minutes=5):
            raise ValidationFailed({"first_contacted_at": "must be between the complaint and now"})
        if row.first_contacted_at is not None:
            raise Conflict("first_contacted_at", "the first contact is already recorded")
        await scoped.update(
            Complaint, {Complaint.first_contacted_at: when, Complaint.status: "in_progress"}
        ).where(Complaint.id == row.id)

    return await _change(complaint_id, "complaint.first_contact", ["first_contacted_at"], change)


async def _current_round(ctx: TenantContext, row: Complaint) -> ComplaintRound:
    rounds = await _rounds(ctx, row)
    if rounds and not rounds[-1].answer:
        return rounds[-1]
    new = scoped.new(
        ComplaintRound,
        id=uuid4(),
        complaint_id=row.id,
        client_id=row.client_id,
        number=len(rounds) + 1,
        created_at=clock.now(),
    )
    await scoped.insert(new)
    return new


#: The programme a covered complaint goes to when staff do not name one: by what it is about.
_DEFAULT_COVERED_BY = {"service": "service_guarantee", "product": "warranty"}


def _covered_by(row: Complaint, coverage: str | None, covered_by: str) -> str:
    """The programme a ``covered`` decision opens its claim through (empty otherwise)."""
    if coverage != "covered":
        return ""
    chosen = covered_by or _DEFAULT_COVERED_BY.get(row.about, "")
    if chosen not in COVERED_BY:
        raise ValidationFailed(
            {"covered_by": field_message("choose one of {choices}", choices=codes(COVERED_BY, "covered_by"))}
        )
    if row.client_id is None:
        raise ValidationFailed({"covered_by": "name the client first: the claim is the client's"})
    return chosen


async def _open_covered_claim(ctx: TenantContext, row: Complaint, programme: str) -> None:
    """Hand a covered complaint to ``programme`` (once per complaint and programme): the
    :class:`~salonkeep.core.events.ComplaintCovered` event, in the caller's unit of work."""
    assert row.client_id is not None
    earlier = await scoped.exists(
        ComplaintRound,
        (ComplaintRound.complaint_id == row.id) & (ComplaintRound.covered_by == programme),
    )
    if earlier:
        return
    zone = await _branch_zone(row.branch_id)
    await events.publish(
        events.ComplaintCovered(
            tenant_id=ctx.tenant_id,
            client_id=row.client_id,
            branch_id=row.branch_id,
            occurred_at=clock.now(),
            complaint_id=row.id,
            programme=programme,
            reason=row.about_ref or row.category,
            received_on=local_date(row.received_at, zone),
        )
    )


async def add_notes(
    complaint_id: UUID,
    *,
    notes: str = "",
    cause: str = "",
    coverage: str | None = None,
    covered_by: str = "",
) -> ComplaintView:
    """Add investigation notes and the cause found to the current round, and whether the
    complaint is covered or not. A covered complaint opens the matching claim through its
    programme (``covered_by``: the service guarantee's free correction, a warranty claim or a
    return; by default the service guarantee for a service, the warranty for a product)."""
    errors: dict[str, str] = {}
    notes = _text(notes, "notes", errors)
    cause = _text(cause, "cause", errors)
    if coverage is not None:
        coverage = _choice(coverage, COVERAGE, "coverage", errors, "coverage")
    covered_by = (covered_by or "").strip()
    if covered_by and covered_by not in COVERED_BY:
        errors["covered_by"] = field_message(
            "choose one of {choices}", choices=codes(COVERED_BY, "covered_by")
        )
    if errors:
        raise ValidationFailed(errors)

    async def change(ctx: TenantContext, row: Complaint) -> None:
        programme = _covered_by(row, coverage, covered_by)
        if programme:
            await _open_covered_claim(ctx, row, programme)
        current_round = await _current_round(ctx, row)
        values: dict[Any, Any] = {}
        for name, text in (("notes", notes), ("cause", cause)):
            if text:
                old = await _open(
                    ctx,
                    row.client_id,
                    "complaint_round",
                    name,
                    current_round.id,
                    getattr(current_round, name),
                )
                joined = f"{old}\n{text}".strip()
                values[getattr(ComplaintRound, name)] = await _seal(
                    ctx, row.client_id, "complaint_round", name, current_round.id, joined
                )
        if coverage is not None:
            values[ComplaintRound.coverage] = coverage
            values[ComplaintRound.covered_by] = programme
        if values:
            await scoped.update(ComplaintRound, values).where(ComplaintRound.id == current_round.id)
        if row.status == "open":
            await scoped.update(Complaint, {Complaint.status: "in_progress"}).where(Complaint.id == row.id)

    return await _change(complaint_id, "complaint.notes", ["notes", "cause", "coverage"], change)


async def propose_remedy(complaint_id: UUID, remedy: str, detail: str = "") -> ComplaintView:
    """Propose a remedy to the client in the current round."""
    errors: dict[str, str] = {}
    remedy = _choice(remedy, REMEDIES, "remedy", errors, "remedy")
    detail = _text(detail, "remedy_detail", errors)
    if errors:
        raise ValidationFailed(errors)

    async def change(ctx: TenantContext, row: Complaint) -> None:
        current_round = await _current_round(ctx, row)
        await scoped.update(
            ComplaintRound,
            {
                ComplaintRound.remedy: remedy,
                ComplaintRound.remedy_detail: await _seal(
                    ctx, row.client_id, "complaint_round", "remedy_detail", current_round.id, detail
                ),
                ComplaintRound.proposed_at: clock.now(),
            },
        ).where(ComplaintRound.id == current_round.id)
        if row.status == "open":
            await scoped.update(Complaint, {Complaint.status: "in_progress"}).where(Complaint.id == row.id)

    return await _change(complaint_id, "complaint.propose", ["remedy", "remedy_detail"], change)


async def record_answer(complaint_id: UUID, accepted: bool) -> ComplaintView:
    """The client's answer to the proposal of the current round; a refusal opens the next
    round (the history keeps every round)."""

    async def change(ctx: TenantContext, row: Complaint) -> None:
        rounds = await _rounds(ctx, row)
        if not rounds or not rounds[-1].remedy or rounds[-1].answer:
            raise ValidationFailed({"answer": "propose a remedy first"})
        now = clock.now()
        await scoped.update(
            ComplaintRound,
            {ComplaintRound.answer: "accepted" if accepted else "refused", ComplaintRound.answered_at: now},
        ).where(ComplaintRound.id == rounds[-1].id)
        if accepted:
            await scoped.update(Complaint, {Complaint.resolved_at: now}).where(Complaint.id == row.id)
        else:
            await _current_round(ctx, row)

    return await _change(complaint_id, "complaint.answer", ["answer"], change)


async def close_complaint(complaint_id: UUID, outcome: str) -> ComplaintView:
    """Close the complaint with its outcome; with a client, a satisfaction call is planned on
    the branch's call list for the next day."""
    errors: dict[str, str] = {}
    outcome = _text(outcome, "outcome", errors, required=True)
    if errors:
        raise ValidationFailed(errors)

    async def change(ctx: TenantContext, row: Complaint) -> None:
        now = clock.now()
        rounds = await _rounds(ctx, row)
        if rounds and rounds[-1].remedy and not rounds[-1].answer:
            raise ValidationFailed({"answer": "record the client's answer to the proposal first"})
        if rounds and not rounds[-1].remedy and not rounds[-1].notes and not rounds[-1].cause:
            await scoped.delete(ComplaintRound).where(ComplaintRound.id == rounds[-1].id)
        await scoped.update(
            Complaint,
            {
                Complaint.status: "closed",
                Complaint.closed_at: now,
                Complaint.resolved_at: row.resolved_at or now,
                Complaint.outcome: await _seal(ctx, row.client_id, "complaint", "outcome", row.id, outcome),
            },
        ).where(Complaint.id == row.id)
        if row.client_id is not None:
            await _plan_satisfaction_call(row, now)

    return await _change(complaint_id, "complaint.close", ["status", "outcome"], change)


async def _plan_satisfaction_call(row: Complaint, now: datetime) -> None:
    """The satisfaction call after a closed complaint (once per complaint)."""
    assert row.client_id is not None
    key = f"{PROGRAMME}:{row.client_id}:satisfaction:{row.id}"
    if await scoped.exists(Touchpoint, Touchpoint.dedupe_key == key):
        return
    await scoped.insert(
        scoped.new(
            Touchpoint,
            id=uuid4(),
            client_id=row.client_id,
            branch_id=row.branch_id,
            programme=PROGRAMME,
            kind="call",
            due_at=now + SATISFACTION_CALL_AFTER,
            title="Satisfaction call after a complaint",
            script="Ask whether the client is satisfied with how the complaint was resolved.",
            urgency="normal",
            dedupe_key=key,
            created_at=now,
        ),
        skip_duplicates=True,
    )


def _document_name(attachment_id: UUID) -> str:
    return f"complaint-photo:{attachment_id}"


async def _store_photo(ctx: TenantContext, row: Complaint, data: bytes, content_type: str) -> UUID:
    """Encrypt and insert one checked photo of ``row`` and audit it (inside a unit of work)."""
    attachment_id = uuid4()
    if row.client_id is None:
        sealed = await seal_tenant_document(ctx, _document_name(attachment_id), data)
    else:
        sealed = await encrypt_column(
            ctx, row.client_id, "complaint_attachment", "data", attachment_id, attachments.to_text(data)
        )
    await scoped.insert(
        scoped.new(
            ComplaintAttachment,
            id=attachment_id,
            complaint_id=row.id,
            client_id=row.client_id,
            content_type=content_type,
            size=len(data),
            data=sealed,
            created_at=clock.now(),
            created_by=ctx.actor_label[:200],
        )
    )
    await audit.record(
        audit.AuditAction.CREATE,
        client_id=row.client_id,
        subject="complaint_attachment",
        subject_id=attachment_id,
        fields=["attachment"],
        ctx=ctx,
    )
    return attachment_id


async def add_attachment(complaint_id: UUID, data: bytes) -> UUID:
    """Attach a photo to an open complaint: the type is read from the bytes (JPEG, PNG, WebP,
    HEIC), the size checked, the bytes encrypted under the client's key (under the tenant key
    while the complaint names no client: one from the public page)."""
    ctx = current()
    require(ctx, Action.COMPLAINTS_HANDLE)
    content_type = attachments.check(data)
    async with unit_of_work(ctx):
        row = await _row(ctx, complaint_id)
        if row.status == "closed":
            raise Conflict("complaint", "this complaint is closed")
        return await _store_photo(ctx, row, data, content_type)


async def read_attachment(attachment_id: UUID, complaint_id: UUID | None = None) -> tuple[str, bytes]:
    """An attachment's type and bytes (of ``complaint_id`` when given), audited as a view of
    the client."""
    ctx = current()
    require(ctx, Action.COMPLAINTS_HANDLE)
    async with unit_of_work(ctx):
        found = await scoped.get(ComplaintAttachment, attachment_id)
        if found is None or complaint_id not in (None, found.complaint_id):
            raise NotFound("no such attachment")
        await _row(ctx, found.complaint_id)
        if found.client_id is None:
            data = await open_tenant_document(ctx, _document_name(found.id), found.data)
        else:
            text = await decrypt_column(
                ctx, found.client_id, "complaint_attachment", "data", found.id, found.data
            )
            data = attachments.from_text(text)
        await audit.record(
            audit.AuditAction.VIEW,
            client_id=found.client_id,
            subject="complaint_attachment",
            subject_id=found.id,
            fields=["attachment"],
            ctx=ctx,
        )
    return found.content_type, data


async def assignable_staff(branch_id: UUID) -> list[tuple[UUID, str]]:
    """The active staff a complaint of ``branch_id`` may be given to: who works there, and the
    owners (id and name, by name)."""
    ctx = current()
    require(ctx, Action.COMPLAINTS_HANDLE)
    (await current_branch_scope(ctx)).check(branch_id, "branch")
    async with unit_of_work(ctx):
        there = {
            r["staff_id"]
            for r in await scoped.select(StaffBranch, StaffBranch.staff_id).where(
                StaffBranch.branch_id == branch_id
            )
        }
        staff = await scoped.select(StaffMember, StaffMember.id, StaffMember.name, StaffMember.role).where(
            StaffMember.active == True  # noqa: E712 - a piccolo condition
        )
    chosen = [(s["id"], s["name"]) for s in staff if s["id"] in there or s["role"] == "owner"]
    return sorted(chosen, key=lambda item: item[1])


async def client_complaints(client_id: UUID) -> list[ComplaintView]:
    """A client's complaints (no free texts), newest first."""
    ctx = current()
    require(ctx, Action.COMPLAINTS_HANDLE)
    async with unit_of_work(ctx):
        # As the profile sees the client (a break-glass grant widens the scope).
        await load_visible(client_id)
        rows = (
            await scoped.objects(Complaint)
            .where(Complaint.client_id == client_id)
            .order_by(Complaint.received_at, ascending=False)
        )
    return [_view(r) for r in rows]


__all__ = [
    "ComplaintView",
    "RoundView",
    "add_attachment",
    "add_notes",
    "assign",
    "assignable_staff",
    "client_complaints",
    "close_complaint",
    "get_complaint",
    "link_client",
    "list_complaints",
    "mark_first_contact",
    "propose_remedy",
    "read_attachment",
    "record_answer",
    "record_complaint",
]
