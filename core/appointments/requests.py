"""Booking requests from a branch's public page, and how reception handles them.

The public side (:func:`bookable_services`, :func:`submit_request`) runs in a tenant context
without a person (the page has no account). It stores the contact exactly as given and never
looks for a client with it, so its answer cannot tell whether the contact is a client.

Reception (``sale.record`` and ``client.create``, within their branch scope) lists the
requests of their branches, and per request: **confirms** it (matches the contact to a client
of their scope or creates one, then books through :func:`service.book` with every booking
rule), **proposes** another time or **declines** it. Proposing and declining send the client a
consent-free service message through the delivery outbox, in the language the visitor used on
the page (the client matched or made keeps their own language when they have one), with
reception's optional note; the decline message links the booking page so the client can pick
another time. Every step is one unit of work and audited. The staff pages and the JSON API
call the same functions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from salonkeep.core import audit
from salonkeep.core.access import Action, current_branch_scope, require
from salonkeep.core.aftercare.tables import Touchpoint
from salonkeep.core.appointments import service
from salonkeep.core.appointments.slots import parse_value
from salonkeep.core.appointments.tables import BookingRequest
from salonkeep.core.catalogue.tables import CatalogueService
from salonkeep.core.clients.service import ClientInput, create_client, find_duplicates
from salonkeep.core.clients.tables import Client
from salonkeep.core.consent import service as consent
from salonkeep.core.delivery.templates import LANGUAGES
from salonkeep.core.plugins.api import SERVICE
from salonkeep.tenants import clock, scoped, validation
from salonkeep.tenants.context import TenantContext, current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import Conflict, NotFound, ValidationFailed
from salonkeep.tenants.messages import field_message
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.settings import load_settings
from salonkeep.tenants.tables import Branch, StaffMember

#: Statuses reception still has to act on.
OPEN = ("new", "proposed")
#: The outbox programme and template of a proposed time.
PROGRAMME = "booking_request"
PROPOSAL_TEMPLATE = "booking_request/proposal"
#: The outbox template of a declined request.
DECLINE_TEMPLATE = "booking_request/declined"
MAX_NAME = 200
#: The longest note reception may add to a proposal or a decline.
MAX_NOTE = 500


@dataclass(frozen=True)
class RequestInput:
    """What a visitor sent from the public page (strings as typed)."""

    service: str
    slot: str
    name: str
    email: str = ""
    phone: str = ""
    privacy_consent: bool = False
    marketing_consent: bool = False
    #: The marketing tick-box text the visitor saw (kept with a tick).
    marketing_wording: str = ""
    locale: str = ""


@dataclass(frozen=True)
class RequestView:
    """A booking request as reception sees it."""

    id: UUID
    branch_id: UUID
    service: str
    staff_name: str
    starts_at: datetime
    contact_name: str
    contact_email: str
    contact_phone: str
    marketing_consent: bool
    status: str
    proposed_starts_at: datetime | None
    received_at: datetime
    client_id: UUID | None
    appointment_id: UUID | None


async def bookable_services(branch_id: UUID) -> list[CatalogueService]:
    """The active catalogue services the branch offers (not hidden there) that some staff
    member of the branch performs, by name; inside a unit of work."""
    found = []
    for item in await scoped.fetch(CatalogueService, "active = {}", True, order_by="name"):
        if await service.hidden_in_branch(branch_id, item.id):
            continue
        if await service.bookable_staff(branch_id, item):
            found.append(item)
    return found


def _uuid(raw: str) -> UUID | None:
    try:
        return UUID(raw.strip())
    except ValueError:
        return None


async def _check_input(branch: Branch, data: RequestInput) -> dict[str, object]:
    """The cleaned values of ``data``; :class:`ValidationFailed` naming every refused field."""
    tenant = await get_tenant(scoped.tenant_id())
    errors: dict[str, str] = {}
    clean: dict[str, object] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = "required"
    elif len(name) > MAX_NAME:
        errors["name"] = "too long"
    clean["name"] = name
    email, phone = data.email.strip(), data.phone.strip()
    if not email and not phone:
        errors["email"] = "give an e-mail address or a phone number"
    if email:
        try:
            email = validation.email(email)
        except ValidationFailed:
            errors["email"] = "not a valid e-mail address"
    if phone:
        try:
            phone = validation.phone(phone, tenant.country)
        except ValidationFailed:
            errors["phone"] = "not a valid phone number"
    clean["email"], clean["phone"] = email, phone
    if not data.privacy_consent:
        errors["privacy_consent"] = "required"
    chosen: CatalogueService | None = None
    service_id = _uuid(data.service)
    if service_id is not None:
        chosen = next((s for s in await bookable_services(branch.id) if s.id == service_id), None)
    if chosen is None:
        errors["service"] = "choose a service"
    try:
        staff_id, starts_at = parse_value(data.slot)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    else:
        if chosen is not None:
            try:
                await service.check_slot(chosen, branch.id, staff_id, starts_at)
            except (ValidationFailed, Conflict):
                errors["slot"] = "no longer free"
        clean["staff_id"], clean["starts_at"] = staff_id, starts_at
    if errors:
        raise ValidationFailed(errors)
    assert chosen is not None
    clean["service_id"] = chosen.id
    return clean


async def submit_request(ctx: TenantContext, branch_id: UUID, data: RequestInput) -> None:
    """Store a request from the public page of ``branch_id`` (context without a person):
    every field checked, the slot still free under the booking rules. Nothing about existing
    clients is read or told."""
    async with unit_of_work(ctx):
        branch = await scoped.get(Branch, branch_id)
        if branch is None:
            raise NotFound("no such branch")
        clean = await _check_input(branch, data)
        row = scoped.new(
            BookingRequest,
            id=uuid4(),
            branch_id=branch.id,
            service_id=clean["service_id"],
            staff_id=clean["staff_id"],
            starts_at=clean["starts_at"],
            contact_name=clean["name"],
            contact_email=clean["email"],
            contact_phone=clean["phone"],
            marketing_consent=data.marketing_consent,
            consent_wording=data.marketing_wording if data.marketing_consent else "",
            locale=data.locale[:16],
            status="new",
            received_at=clock.now(),
        )
        await scoped.insert(row)
        await audit.record(
            audit.AuditAction.CREATE,
            subject="booking_request",
            subject_id=row.id,
            fields=["contact_name", "contact_email", "contact_phone", "service", "starts_at"],
            reason="public booking page",
            ctx=ctx,
        )


async def _views(rows: list[BookingRequest]) -> list[RequestView]:
    services = {r["id"]: r["name"] for r in await scoped.rows(CatalogueService, "id, name")}
    staff = {r["id"]: r["name"] for r in await scoped.rows(StaffMember, "id, name")}
    return [
        RequestView(
            id=r.id,
            branch_id=r.branch_id,
            service=services.get(r.service_id, ""),
            staff_name=staff.get(r.staff_id, "") if r.staff_id else "",
            starts_at=r.starts_at,
            contact_name=r.contact_name,
            contact_email=r.contact_email,
            contact_phone=r.contact_phone,
            marketing_consent=bool(r.marketing_consent),
            status=r.status,
            proposed_starts_at=r.proposed_starts_at,
            received_at=r.received_at,
            client_id=r.client_id,
            appointment_id=r.appointment_id,
        )
        for r in rows
    ]


async def list_requests(branch_id: UUID | None = None, *, open_only: bool = True) -> list[RequestView]:
    """The requests of the person's branch scope (of ``branch_id`` when given), oldest first;
    audited as one view of the contacts listed."""
    ctx = current()
    require(ctx, Action.SALE_RECORD)
    async with unit_of_work(ctx):
        scope = await current_branch_scope(ctx)
        if branch_id is not None:
            scope.check(branch_id, "branch")
        query = scope.restrict(scoped.objects(BookingRequest), BookingRequest.branch_id)
        if branch_id is not None:
            query = query.where(BookingRequest.branch_id == branch_id)
        if open_only:
            query = query.where(BookingRequest.status.is_in(list(OPEN)))
        rows = list(await query.order_by(BookingRequest.received_at))
        if rows:
            await audit.record(
                audit.AuditAction.VIEW,
                subject="booking_request",
                fields=["contact_name", "contact_email", "contact_phone"],
                reason=f"{len(rows)} booking requests",
                ctx=ctx,
            )
        return await _views(rows)


async def get_request(request_id: UUID) -> RequestView:
    """One request of the person's branch scope (NotFound otherwise); audited as a view of
    its contact."""
    ctx = current()
    require(ctx, Action.SALE_RECORD)
    async with unit_of_work(ctx):
        row = await scoped.get(BookingRequest, request_id)
        if row is None:
            raise NotFound("no such booking request")
        (await current_branch_scope(ctx)).check(row.branch_id, "booking request")
        await audit.record(
            audit.AuditAction.VIEW,
            client_id=row.client_id,
            subject="booking_request",
            subject_id=row.id,
            fields=["contact_name", "contact_email", "contact_phone"],
            ctx=ctx,
        )
        (view,) = await _views([row])
    return view


async def _open_request(ctx: TenantContext, request_id: UUID) -> BookingRequest:
    row = await scoped.get(BookingRequest, request_id)
    if row is None:
        raise NotFound("no such booking request")
    (await current_branch_scope(ctx)).check(row.branch_id, "booking request")
    if row.status not in OPEN:
        raise ValidationFailed({"status": "this request was already handled"})
    return row


async def _client_for(row: BookingRequest) -> UUID:
    """The client the request's contact belongs to (in the person's scope), else a new one
    in the request's branch. A client without a language of their own gets the one the
    visitor used on the booking page (the messages about the request go out in it)."""
    if row.client_id is not None:
        return row.client_id
    client_id: UUID | None = None
    for match in await find_duplicates(phone=row.contact_phone, email=row.contact_email):
        client_id = match.id
        break
    if client_id is None:
        first, _, last = row.contact_name.partition(" ")
        made = await create_client(
            ClientInput(
                branch_id=row.branch_id,
                first_name=first,
                last_name=last,
                email=row.contact_email,
                phone=row.contact_phone,
            )
        )
        client_id = made.id
    language = (row.locale or "").replace("-", "_").split("_")[0].lower()
    if language in LANGUAGES:
        await scoped.update(Client, {Client.preferred_locale: language}).where(
            (Client.id == client_id) & (Client.preferred_locale.is_null() | (Client.preferred_locale == ""))
        )
    return client_id


def check_note(note: str) -> str:
    """Reception's note to the client, stripped; ValidationFailed (``message``) when longer
    than :data:`MAX_NOTE` characters."""
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise ValidationFailed(
            {"message": field_message("must be at most {limit} characters", limit=MAX_NOTE)}
        )
    return text


async def _send(
    row: BookingRequest, client_id: UUID, template: str, key: str, values: dict[str, str]
) -> None:
    """Queue a consent-free service message about ``row`` to ``client_id`` (once per ``key``)."""
    now = clock.now()
    await scoped.insert(
        scoped.new(
            Touchpoint,
            id=uuid4(),
            client_id=client_id,
            branch_id=row.branch_id,
            programme=PROGRAMME,
            kind="message",
            due_at=now,
            title="Your booking request",
            purpose=SERVICE,
            status="queued",
            next_attempt_at=now,
            dedupe_key=f"{PROGRAMME}:{row.id}:{key}",
            template=template,
            template_vars=json.dumps(values),
            created_at=now,
        ),
        skip_duplicates=True,
    )


async def _handled(
    ctx: TenantContext, row: BookingRequest, values: dict[object, object], action: str
) -> None:
    await scoped.update(
        BookingRequest,
        {
            **values,
            BookingRequest.handled_at: clock.now(),
            BookingRequest.handled_by: ctx.actor_label,
        },
    ).where(BookingRequest.id == row.id)
    client_id = values.get(BookingRequest.client_id, row.client_id)
    await audit.record(
        f"booking_request.{action}",
        client_id=client_id if isinstance(client_id, UUID) else None,
        subject="booking_request",
        subject_id=row.id,
        fields=["status"],
        ctx=ctx,
    )


async def confirm(request_id: UUID) -> UUID:
    """Book the request (at the proposed time, if one was proposed): the contact is matched
    to a client or a new client is made, the appointment is booked under every rule
    (:class:`service.SlotTaken` and friends refuse it, and then nothing is written). A ticked
    marketing box becomes a consent grant with the wording shown. Returns the appointment id."""
    ctx = current()
    require(ctx, Action.SALE_RECORD)
    require(ctx, Action.CLIENT_CREATE)
    async with unit_of_work(ctx):
        row = await _open_request(ctx, request_id)
        if row.staff_id is None:
            raise ValidationFailed(
                {"staff": "the staff member of this request has left; propose another time"}
            )
        client_id = await _client_for(row)
        appointment = await service.book(
            client_id,
            staff_id=row.staff_id,
            starts_at=row.proposed_starts_at or row.starts_at,
            service_id=row.service_id,
            branch_id=row.branch_id,
        )
        if row.marketing_consent:
            await consent.record_consent(
                client_id,
                consent.Purpose.MARKETING_EMAIL,
                True,
                channel=consent.Channel.ONLINE_FORM,
                wording_shown=row.consent_wording,
            )
        await _handled(
            ctx,
            row,
            {
                BookingRequest.status: "confirmed",
                BookingRequest.client_id: client_id,
                BookingRequest.appointment_id: appointment.id,
            },
            "confirm",
        )
    return appointment.id


async def propose(
    request_id: UUID, *, starts_at: datetime, staff_id: UUID | None = None, message: str = ""
) -> None:
    """Propose another time (and staff member) for the request: checked under every booking
    rule, then a service message with the new time (and reception's optional ``message``)
    goes to the contact (matched to a client or made one) through the delivery outbox.
    Confirming the request later books that time."""
    ctx = current()
    require(ctx, Action.SALE_RECORD)
    require(ctx, Action.CLIENT_CREATE)
    note = check_note(message)
    async with unit_of_work(ctx):
        row = await _open_request(ctx, request_id)
        staff = staff_id or row.staff_id
        if staff is None:
            raise ValidationFailed({"staff": "choose a staff member"})
        item = await scoped.get(CatalogueService, row.service_id)
        if item is None or not item.active:
            raise ValidationFailed({"service": "is not a service of the catalogue"})
        slot = await service.check_slot(item, row.branch_id, staff, starts_at)
        client_id = await _client_for(row)
        values = {"service": item.name, "starts_at": slot.starts_at.isoformat(), "note": note}
        await _send(row, client_id, PROPOSAL_TEMPLATE, slot.starts_at.isoformat(), values)
        await _handled(
            ctx,
            row,
            {
                BookingRequest.status: "proposed",
                BookingRequest.proposed_starts_at: slot.starts_at,
                BookingRequest.staff_id: staff,
                BookingRequest.client_id: client_id,
            },
            "propose",
        )


def booking_link(slug: str, branch_id: UUID) -> str:
    """The address of a branch's public booking page."""
    return f"{load_settings().public_url.rstrip('/')}/t/{slug}/book/{branch_id}"


async def decline(request_id: UUID, *, message: str = "") -> None:
    """Decline the request (nothing is booked): a service message tells the contact (matched
    to a client or made one), with reception's optional ``message`` and the branch's booking
    page to choose another time, through the delivery outbox."""
    ctx = current()
    require(ctx, Action.SALE_RECORD)
    require(ctx, Action.CLIENT_CREATE)
    note = check_note(message)
    async with unit_of_work(ctx):
        row = await _open_request(ctx, request_id)
        item = await scoped.get(CatalogueService, row.service_id)
        client_id = await _client_for(row)
        tenant = await get_tenant(ctx.tenant_id)
        values = {
            "service": item.name if item else "",
            "starts_at": (row.proposed_starts_at or row.starts_at).isoformat(),
            "note": note,
            "link": booking_link(tenant.slug, row.branch_id),
        }
        await _send(row, client_id, DECLINE_TEMPLATE, "declined", values)
        await _handled(
            ctx, row, {BookingRequest.status: "declined", BookingRequest.client_id: client_id}, "decline"
        )
