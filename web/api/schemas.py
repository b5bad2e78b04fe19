"""Request and response bodies of the JSON API (msgspec structs, so OpenAPI describes them).

Fields a role may not see are left out of the response (``UNSET`` is never encoded), so a
reception key's JSON has no health keys at all.

Bounds are part of the types (``msgspec.Meta``), so the OpenAPI schema states them and a body
outside them is refused with 422 naming the field. Times sent must carry a zone; times
returned are ISO 8601 in UTC with the ``Z`` offset (``2026-03-27T09:00:00Z``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from msgspec import UNSET, UnsetType

from salonkeep.core.access import HEALTH_FIELDS, visible_client_fields
from salonkeep.core.clients.service import ClientView
from salonkeep.core.visits.service import MAX_PRICE_CENTS, MAX_QUANTITY, History
from salonkeep.core.visits.tables import Appointment, Sale, Visit
from salonkeep.tenants.context import TenantContext

Name = Annotated[str, msgspec.Meta(max_length=100)]
Line = Annotated[str, msgspec.Meta(max_length=200)]
Contact = Annotated[str, msgspec.Meta(max_length=320)]
LongText = Annotated[str, msgspec.Meta(max_length=5000)]
#: A moment sent to the API: ISO 8601 with a zone (``Z`` or ``+02:00``).
Moment = Annotated[datetime, msgspec.Meta(tz=True)]
Quantity = Annotated[int, msgspec.Meta(ge=1, le=MAX_QUANTITY)]
PriceCents = Annotated[int, msgspec.Meta(ge=0, le=MAX_PRICE_CENTS)]


class ClientCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A new client. Health fields only for roles that may edit them."""

    branch_id: UUID
    first_name: Name
    last_name: Name = ""
    date_of_birth: date | None = None
    phone: Contact = ""
    email: Contact = ""
    kind: Name = "new"
    needs: LongText | None = None
    allergies: LongText | None = None
    health_notes: LongText | None = None


class ClientPatch(msgspec.Struct, forbid_unknown_fields=True):
    """Changes to a client: only the fields sent are changed."""

    branch_id: UUID | UnsetType = UNSET
    first_name: Name | UnsetType = UNSET
    last_name: Name | UnsetType = UNSET
    date_of_birth: date | UnsetType | None = UNSET
    phone: Contact | UnsetType = UNSET
    email: Contact | UnsetType = UNSET
    kind: Name | UnsetType = UNSET
    needs: LongText | UnsetType = UNSET
    allergies: LongText | UnsetType = UNSET
    health_notes: LongText | UnsetType = UNSET


class ClientOut(msgspec.Struct, omit_defaults=True):
    """A client as the key's role may see it (hidden fields are absent). Times in UTC."""

    id: UUID
    branch_id: UUID
    first_name: str
    last_name: str
    created_at: datetime
    updated_at: datetime
    kind: str | UnsetType = UNSET
    date_of_birth: date | UnsetType | None = UNSET
    phone: str | UnsetType = UNSET
    email: str | UnsetType = UNSET
    preferred_locale: str | UnsetType | None = UNSET
    needs: str | UnsetType = UNSET
    allergies: str | UnsetType = UNSET
    health_notes: str | UnsetType = UNSET


_OPTIONAL_CLIENT_FIELDS = (
    "kind",
    "date_of_birth",
    "phone",
    "email",
    "preferred_locale",
    "needs",
    "allergies",
    "health_notes",
)


def client_out(view: ClientView) -> ClientOut:
    """The response body for a role-filtered client view."""
    shown: dict[str, Any] = {
        name: getattr(view, name) for name in _OPTIONAL_CLIENT_FIELDS if name not in view.hidden
    }
    return ClientOut(
        id=view.id,
        branch_id=view.branch_id,
        first_name=view.first_name,
        last_name=view.last_name,
        created_at=utc(view.created_at),
        updated_at=utc(view.updated_at),
        **shown,
    )


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC (a naive one is taken as UTC: that is how the database stores it)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class ServiceIn(msgspec.Struct, forbid_unknown_fields=True):
    """A service performed for the client."""

    service: Line
    category: Name
    performed_at: Moment | None = None
    notes: LongText = ""


class SaleIn(msgspec.Struct, forbid_unknown_fields=True):
    """A product sold to the client."""

    product: Line
    category: Name
    quantity: Quantity = 1
    price_cents: PriceCents = 0
    sold_at: Moment | None = None


class VisitOut(msgspec.Struct, omit_defaults=True):
    """A service performed (its notes only for roles that see health information).
    ``performed_at`` is ISO 8601 in UTC (``Z``)."""

    id: UUID
    client_id: UUID
    branch_id: UUID
    service: str
    category: str
    performed_at: datetime
    notes: str | UnsetType = UNSET


class SaleOut(msgspec.Struct):
    """A product sold. ``sold_at`` is ISO 8601 in UTC (``Z``)."""

    id: UUID
    client_id: UUID
    branch_id: UUID
    product: str
    category: str
    quantity: int
    price_cents: int
    sold_at: datetime


class AppointmentOut(msgspec.Struct):
    """An appointment. ``starts_at`` is ISO 8601 in UTC (``Z``)."""

    id: UUID
    client_id: UUID
    branch_id: UUID
    service: str
    starts_at: datetime


class HistoryOut(msgspec.Struct):
    """A client's visits, purchases and appointments, newest first."""

    visits: list[VisitOut]
    sales: list[SaleOut]
    appointments: list[AppointmentOut]


def sees_health(ctx: TenantContext) -> bool:
    """True when the role sees health information (visit notes may hold some)."""
    return visible_client_fields(ctx) >= HEALTH_FIELDS


def visit_out(visit: Visit, ctx: TenantContext) -> VisitOut:
    """The response body for a visit."""
    return VisitOut(
        id=visit.id,
        client_id=visit.client_id,
        branch_id=visit.branch_id,
        service=visit.service,
        category=visit.category,
        performed_at=utc(visit.performed_at),
        notes=visit.notes if sees_health(ctx) else UNSET,
    )


def sale_out(sale: Sale) -> SaleOut:
    """The response body for a sale."""
    return SaleOut(
        id=sale.id,
        client_id=sale.client_id,
        branch_id=sale.branch_id,
        product=sale.product,
        category=sale.category,
        quantity=sale.quantity,
        price_cents=sale.price_cents,
        sold_at=utc(sale.sold_at),
    )


def appointment_out(appointment: Appointment) -> AppointmentOut:
    """The response body for an appointment."""
    return AppointmentOut(
        id=appointment.id,
        client_id=appointment.client_id,
        branch_id=appointment.branch_id,
        service=appointment.service,
        starts_at=utc(appointment.starts_at),
    )


def history_out(history: History, ctx: TenantContext) -> HistoryOut:
    """The response body for a client's history."""
    return HistoryOut(
        visits=[visit_out(v, ctx) for v in history.visits],
        sales=[sale_out(s) for s in history.sales],
        appointments=[appointment_out(a) for a in history.appointments],
    )


class ReferralIn(msgspec.Struct, forbid_unknown_fields=True):
    """The member who referred the client (a guest)."""

    referrer_id: UUID


class ReferralOut(msgspec.Struct):
    """A recorded referral."""

    guest_id: UUID
    referrer_id: UUID


class ConsentOut(msgspec.Struct):
    """The client's current word on one purpose (the latest ledger event); purposes never
    asked about are absent."""

    purpose: str
    scope: str
    granted: bool
    since: datetime
    channel: str


class ErrorBody(msgspec.Struct, omit_defaults=True):
    """What every error response of the API carries: a summary, the fields refused (422, 400,
    409) with what is wrong with each, and the request id to quote to support."""

    detail: str
    errors: dict[str, str] | UnsetType = UNSET
    request_id: str | UnsetType = UNSET
