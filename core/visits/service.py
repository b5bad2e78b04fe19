"""Record what happens to a client: services performed, products sold, appointments booked.

Each function validates, writes in one unit of work and publishes its domain event inside
that same unit of work (so touchpoints planned by aftercare plugins commit with it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from salonkeep.core import audit, events
from salonkeep.core.access import Action, require, visible_client_fields
from salonkeep.core.catalogue import service as catalogue
from salonkeep.core.clients.service import load_visible
from salonkeep.core.keys.service import decrypt_column, encrypt_column
from salonkeep.core.visits.tables import Appointment, Sale, Visit
from salonkeep.tenants import clock, scoped, validation
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.messages import field_message
from salonkeep.tenants.tables import StaffMember

#: The most a single sale may cost: one million in the tenant's currency.
MAX_PRICE_CENTS = 100_000_000
#: The most items of one product in one sale.
MAX_QUANTITY = 1000


def _when(value: datetime | None, field: str) -> datetime:
    now = clock.now()
    if value is None:
        return now
    if value.tzinfo is None:
        raise ValidationFailed({field: "needs a time zone"})
    return validation.plausible_year(value, field)


async def _served_by(staff_id: UUID | None, actor_id: UUID | None) -> UUID | None:
    """Who served the client: ``staff_id`` when given (an active staff member of the tenant;
    inside the unit of work), else the person recording."""
    if staff_id is None:
        return actor_id
    if not await scoped.exists(StaffMember, (StaffMember.id == staff_id) & StaffMember.active.eq(True)):
        raise ValidationFailed({"staff_id": "no active staff member with this id"})
    return staff_id


@dataclass(frozen=True)
class Picked:
    """What a service or sale records about its catalogue item (or the free text typed)."""

    name: str
    category: str
    item_id: UUID | None
    tags: tuple[str, ...]
    medical: bool


async def pick(kind: str, name: str, category: str = "", item_id: UUID | None = None) -> Picked:
    """The catalogue item ``item_id`` or the one called ``name``; else free text ``name`` in
    ``category`` (a category of the tenant's catalogue). A service is medical when its
    catalogue entry or its category says so."""
    errors: dict[str, str] = {}
    item: Any = None
    if item_id is not None:
        item = await (catalogue.get_service(item_id) if kind == "service" else catalogue.get_product(item_id))
    else:
        try:
            clean = validation.required_text(name, kind)
            item = await (
                catalogue.find_service(clean) if kind == "service" else catalogue.find_product(clean)
            )
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if item is not None:
        chosen = await catalogue.category(kind, category or item.category)
        medical = bool(getattr(item, "medical", False)) or chosen.medical
        return Picked(item.name, chosen.code, item.id, catalogue.tags_of(item), medical)
    found = None
    if not category:
        errors["category"] = "is required for an item not in the catalogue"
    else:
        try:
            found = await catalogue.category(kind, category)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors or found is None:
        raise ValidationFailed(errors)
    return Picked(validation.required_text(name, kind), found.code, None, (), found.medical)


async def record_service(
    client_id: UUID,
    *,
    service: str = "",
    category: str = "",
    performed_at: datetime | None = None,
    notes: str = "",
    staff_id: UUID | None = None,
    service_id: UUID | None = None,
) -> Visit:
    """Record a service performed for a client (at the client's home branch unless the actor
    works in a branch) by ``staff_id`` (default: the person recording it), who then makes
    the aftercare calls: picked from the catalogue (``service_id``, or a catalogue service's
    name), or free text in a catalogue ``category``."""
    ctx = current()
    require(ctx, Action.SALE_RECORD)
    async with unit_of_work(ctx):
        # The catalogue pick and the client are read in the transaction of the writes (no
        # BEGIN/set_config/COMMIT of their own); the host plans with the rows read here.
        picked = await pick("service", service, category, service_id)
        name, category = picked.name, picked.category
        when = _when(performed_at, "performed_at")
        if when > clock.now():
            raise ValidationFailed({"performed_at": "is in the future"})
        client = await load_visible(client_id)
        served_by = await _served_by(staff_id, ctx.actor_id)
        first = not await scoped.exists(Visit, Visit.client_id == client.id)
        visit_id = uuid4()
        clear_notes = notes.strip()
        # Treatment notes are health data: encrypted under the client's key (erasure shreds it).
        sealed_notes = (
            await encrypt_column(ctx, client.id, "visit", "notes", visit_id, clear_notes)
            if clear_notes
            else ""
        )
        visit = scoped.new(
            Visit,
            id=visit_id,
            client_id=client.id,
            branch_id=ctx.branch_id or client.branch_id,
            staff_id=served_by,
            service=name,
            category=category,
            performed_at=when,
            notes=sealed_notes,
            created_at=clock.now(),
            service_id=picked.item_id,
            is_procedure=picked.medical,
            tags=catalogue.tag_text(picked.tags),
        )
        await scoped.insert(visit)
        visit.notes = clear_notes
        await audit.record(
            audit.AuditAction.CREATE,
            client_id=client.id,
            subject="visit",
            subject_id=visit.id,
            fields=["service", "category", "performed_at"] + (["notes"] if visit.notes else []),
            ctx=ctx,
        )
        await events.publish(
            events.ServicePerformed(
                tenant_id=ctx.tenant_id,
                client_id=client.id,
                branch_id=visit.branch_id,
                occurred_at=when,
                visit_id=visit.id,
                service=name,
                category=category,
                first_visit=first,
                is_procedure=picked.medical,
                staff_id=served_by,
                tags=picked.tags,
                service_id=picked.item_id,
            )
        )
    return visit


async def record_sale(
    client_id: UUID,
    *,
    product: str = "",
    category: str = "",
    quantity: int = 1,
    price_cents: int = 0,
    sold_at: datetime | None = None,
    staff_id: UUID | None = None,
    product_id: UUID | None = None,
) -> Sale:
    """Record a product sold to a client by ``staff_id`` (default: the person recording it):
    picked from the catalogue (``product_id`` or a catalogue product's name), or free text in
    a catalogue ``category``."""
    ctx = current()
    require(ctx, Action.SALE_RECORD)
    errors: dict[str, str] = {}
    if not 1 <= quantity <= MAX_QUANTITY:
        errors["quantity"] = field_message("must be between 1 and {limit}", limit=MAX_QUANTITY)
    if price_cents < 0:
        errors["price_cents"] = "cannot be negative"
    elif price_cents > MAX_PRICE_CENTS:
        errors["price_cents"] = field_message("must be at most {limit}", limit=MAX_PRICE_CENTS)
    async with unit_of_work(ctx):
        # The catalogue pick and the client are read in the transaction of the writes (no
        # BEGIN/set_config/COMMIT of their own); the host plans with the rows read here.
        picked: Picked | None = None
        try:
            picked = await pick("product", product, category, product_id)
        except ValidationFailed as exc:
            errors = {**exc.errors, **errors}
        if errors or picked is None:
            raise ValidationFailed(errors)
        name, category = picked.name, picked.category
        when = _when(sold_at, "sold_at")
        if when > clock.now():
            raise ValidationFailed({"sold_at": "is in the future"})
        client = await load_visible(client_id)
        served_by = await _served_by(staff_id, ctx.actor_id)
        new_product = not await scoped.exists(Sale, (Sale.client_id == client.id) & (Sale.product == name))
        sale = scoped.new(
            Sale,
            client_id=client.id,
            branch_id=ctx.branch_id or client.branch_id,
            staff_id=served_by,
            product=name,
            category=category,
            quantity=quantity,
            price_cents=price_cents,
            sold_at=when,
            created_at=clock.now(),
            product_id=picked.item_id,
            tags=catalogue.tag_text(picked.tags),
        )
        await scoped.insert(sale)
        await audit.record(
            audit.AuditAction.CREATE,
            client_id=client.id,
            subject="sale",
            subject_id=sale.id,
            fields=["product", "category", "quantity", "price_cents", "sold_at"],
            ctx=ctx,
        )
        await events.publish(
            events.ProductSold(
                tenant_id=ctx.tenant_id,
                client_id=client.id,
                branch_id=sale.branch_id,
                occurred_at=when,
                sale_id=sale.id,
                product=name,
                category=category,
                quantity=quantity,
                staff_id=served_by,
                new_product=new_product,
                price_cents=price_cents,
                tags=picked.tags,
                product_id=picked.item_id,
            )
        )
    return sale


async def book_appointment(client_id: UUID, *, service: str, starts_at: datetime) -> Appointment:
    """Book an appointment for a client."""
    ctx = current()
    require(ctx, Action.SALE_RECORD)
    name = validation.required_text(service, "service")
    if starts_at.tzinfo is None:
        raise ValidationFailed({"starts_at": "needs a time zone"})
    validation.plausible_year(starts_at, "starts_at")
    if starts_at < clock.now():
        raise ValidationFailed({"starts_at": "is in the past"})
    client = await load_visible(client_id)
    async with unit_of_work(ctx):
        appointment = scoped.new(
            Appointment,
            client_id=client.id,
            branch_id=ctx.branch_id or client.branch_id,
            service=name,
            starts_at=starts_at,
            created_at=clock.now(),
        )
        await scoped.insert(appointment)
        await audit.record(
            audit.AuditAction.CREATE,
            client_id=client.id,
            subject="appointment",
            subject_id=appointment.id,
            fields=["service", "starts_at"],
            ctx=ctx,
        )
        await events.publish(
            events.AppointmentBooked(
                tenant_id=ctx.tenant_id,
                client_id=client.id,
                branch_id=appointment.branch_id,
                occurred_at=clock.now(),
                appointment_id=appointment.id,
                service=name,
                starts_at=starts_at,
            )
        )
    return appointment


@dataclass(frozen=True)
class History:
    """A client's visits, purchases and appointments, newest first."""

    visits: list[Visit]
    sales: list[Sale]
    appointments: list[Appointment]


async def client_history(client_id: UUID) -> History:
    """Everything recorded for a client (checks the client is visible to the actor first)."""
    ctx = current()
    client = await load_visible(client_id)
    async with unit_of_work(ctx):
        of_client = "client_id = {}"
        visits = await scoped.fetch(Visit, of_client, client.id, order_by="performed_at desc")
        sales = await scoped.fetch(Sale, of_client, client.id, order_by="sold_at desc")
        appointments = await scoped.fetch(Appointment, of_client, client.id, order_by="starts_at desc")
        may_read_notes = "treatment_notes" in visible_client_fields(ctx)
        for visit in visits:
            # Roles that may not see treatment notes get them empty.
            visit.notes = (
                await decrypt_column(ctx, client.id, "visit", "notes", visit.id, visit.notes)
                if visit.notes and may_read_notes
                else ""
            )
        await audit.record(
            audit.AuditAction.VIEW,
            client_id=client.id,
            subject="client_history",
            fields=["visits", "sales", "appointments"],
            ctx=ctx,
        )
    return History(visits=list(visits), sales=list(sales), appointments=list(appointments))
