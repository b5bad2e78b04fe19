"""Catalogue and appointment endpoints of the JSON API: read the catalogue; list, book, move
and cancel appointments. Every call goes through the core services (roles, branch scope,
booking rules, audit); a clash with another booking is 409 naming ``starts_at``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter

from salonkeep.core.appointments import service as appointments
from salonkeep.core.catalogue import service as catalogue
from salonkeep.core.visits.tables import Appointment
from salonkeep.tenants.context import current
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.web.api.errors import BODY_ERROR_RESPONSES, ERROR_RESPONSES
from salonkeep.web.api.ids import path_id, query_id
from salonkeep.web.api.schemas import Moment, utc

Reason = Annotated[str, msgspec.Meta(max_length=500)]


class CatalogueServiceOut(msgspec.Struct):
    """A service of the catalogue as a branch offers it (``price_cents`` is the branch's)."""

    id: UUID
    name: str
    category: str
    duration_minutes: int
    price_cents: int
    buffer_before_minutes: int
    buffer_after_minutes: int
    performer_roles: list[str]
    medical: bool
    tags: list[str]
    increment_minutes: int
    min_notice_hours: int
    min_notice_days: int
    max_days_ahead: int


class CatalogueProductOut(msgspec.Struct):
    """A product of the catalogue as a branch offers it."""

    id: UUID
    name: str
    category: str
    price_cents: int
    warranty_days: int
    return_days: int
    tags: list[str]


class BookingIn(msgspec.Struct, forbid_unknown_fields=True):
    """A booking: the end follows from the service's duration. ``branch_id`` defaults to the
    key's branch, else the client's."""

    client_id: UUID
    service_id: UUID
    staff_id: UUID
    starts_at: Moment
    branch_id: UUID | None = None


class MoveIn(msgspec.Struct, forbid_unknown_fields=True):
    """A new time (and optionally another staff member) for an appointment."""

    starts_at: Moment
    staff_id: UUID | None = None


class CancelIn(msgspec.Struct, forbid_unknown_fields=True):
    """Why an appointment is cancelled, and by whom."""

    reason: Reason
    cancelled_by: Literal["client", "salon"] = "client"


class BookingOut(msgspec.Struct):
    """An appointment. Times are ISO 8601 in UTC (``Z``); ``status`` is one of booked, moved,
    cancelled, attended, no_show. A cancellation tells whether the client cancelled later than
    the tenant's notice (``late_cancel``) and what the salon offered when it cancelled
    (``gesture``)."""

    id: UUID
    client_id: UUID
    branch_id: UUID
    staff_id: UUID | None
    service: str
    service_id: UUID | None
    starts_at: datetime
    ends_at: datetime | None
    status: str
    cancelled_by: str
    cancel_reason: str
    late_cancel: bool = False
    gesture: str = ""


def booking_out(row: Appointment) -> BookingOut:
    """The response body for an appointment."""
    return BookingOut(
        id=row.id,
        client_id=row.client_id,
        branch_id=row.branch_id,
        staff_id=row.staff_id,
        service=row.service,
        service_id=row.service_id,
        starts_at=utc(row.starts_at),
        ends_at=utc(row.ends_at) if row.ends_at else None,
        status=row.status,
        cancelled_by=row.cancelled_by or "",
        cancel_reason=row.cancel_reason or "",
        late_cancel=bool(row.late_cancel),
        gesture=row.gesture or "",
    )


BranchQuery = Annotated[
    str | None, Parameter(max_length=36, description="A branch's id (its prices and hidden items).")
]


class CatalogueController(Controller):
    """The tenant's catalogue (read only)."""

    path = "/catalogue"
    tags = ["catalogue"]

    @get("/services", summary="The catalogue's services", responses=ERROR_RESPONSES)
    async def services(self, branch_id: BranchQuery = None) -> list[CatalogueServiceOut]:
        """Active services, without those the branch hides, at the branch's prices."""
        offered = await catalogue.services(query_id(branch_id, "branch_id") or current().branch_id)
        return [
            CatalogueServiceOut(
                id=o.item.id,
                name=o.item.name,
                category=o.item.category,
                duration_minutes=o.item.duration_minutes,
                price_cents=o.price_cents,
                buffer_before_minutes=o.item.buffer_before_minutes,
                buffer_after_minutes=o.item.buffer_after_minutes,
                performer_roles=[r for r in o.item.performer_roles.split(",") if r],
                medical=o.item.medical,
                tags=list(o.tags),
                increment_minutes=o.item.increment_minutes,
                min_notice_hours=o.item.min_notice_hours,
                min_notice_days=o.item.min_notice_days,
                max_days_ahead=o.item.max_days_ahead,
            )
            for o in offered
        ]

    @get("/products", summary="The catalogue's products", responses=ERROR_RESPONSES)
    async def products(self, branch_id: BranchQuery = None) -> list[CatalogueProductOut]:
        """Active products, without those the branch hides, at the branch's prices."""
        offered = await catalogue.products(query_id(branch_id, "branch_id") or current().branch_id)
        return [
            CatalogueProductOut(
                id=o.item.id,
                name=o.item.name,
                category=o.item.category,
                price_cents=o.price_cents,
                warranty_days=o.item.warranty_days,
                return_days=o.item.return_days,
                tags=list(o.tags),
            )
            for o in offered
        ]


class AppointmentController(Controller):
    """Appointments: a branch's days, booking, moving, cancelling."""

    path = "/appointments"
    tags = ["appointments"]

    @get("/", summary="A branch's appointments", responses=ERROR_RESPONSES)
    async def listing(
        self,
        branch_id: Annotated[str, Parameter(max_length=36, description="The branch's id.")],
        day: Annotated[date, Parameter(query="date", description="The first local day (YYYY-MM-DD).")],
        days: Annotated[int, Parameter(ge=1, le=7, description="How many days (1-7).")] = 1,
    ) -> list[BookingOut]:
        """Appointments starting on ``days`` local days from ``date`` in the branch's zone
        (cancelled ones included)."""
        branch = query_id(branch_id, "branch_id")
        if branch is None:
            raise ValidationFailed({"branch_id": "is required"})
        found = await appointments.calendar(branch, day, days, include_cancelled=True)
        return [booking_out(e.appointment) for e in found.entries]

    @get("/{appointment_id:str}", summary="One appointment", responses=ERROR_RESPONSES)
    async def read(self, appointment_id: str) -> BookingOut:
        """An appointment the key may see (404 otherwise)."""
        return booking_out(await appointments.get(path_id(appointment_id, "no such appointment")))

    @post("/", summary="Book an appointment", responses=BODY_ERROR_RESPONSES)
    async def book(self, data: BookingIn) -> BookingOut:
        """Book a client with a staff member; 409 when the staff member is busy then."""
        row = await appointments.book(
            data.client_id,
            staff_id=data.staff_id,
            service_id=data.service_id,
            starts_at=data.starts_at,
            branch_id=data.branch_id,
        )
        return booking_out(row)

    @post("/{appointment_id:str}/move", summary="Move an appointment", responses=BODY_ERROR_RESPONSES)
    async def move(self, appointment_id: str, data: MoveIn) -> BookingOut:
        """Move it to another time (and staff member) under the booking rules."""
        row = await appointments.move(
            path_id(appointment_id, "no such appointment"), starts_at=data.starts_at, staff_id=data.staff_id
        )
        return booking_out(row)

    @post("/{appointment_id:str}/cancel", summary="Cancel an appointment", responses=BODY_ERROR_RESPONSES)
    async def cancel(self, appointment_id: str, data: CancelIn) -> BookingOut:
        """Cancel it with a reason."""
        row = await appointments.cancel(
            path_id(appointment_id, "no such appointment"), reason=data.reason, cancelled_by=data.cancelled_by
        )
        return booking_out(row)
