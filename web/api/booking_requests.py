"""Booking-request endpoints of the JSON API: the requests left on a branch's public booking
page, and reception's three steps (confirm, propose another time, decline). Every call goes
through :mod:`salonkeep.core.appointments.requests`, which checks the key's role (``sale.record``;
proposing, confirming and declining also ``client.create``) and branch scope; another tenant's
or branch's request is "not found". Proposing and declining send the client a service message
through the delivery outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter

from salonkeep.core.appointments import requests
from salonkeep.web.api.errors import BODY_ERROR_RESPONSES, ERROR_RESPONSES
from salonkeep.web.api.ids import path_id, query_id
from salonkeep.web.api.schemas import Moment, utc

Note = Annotated[str, msgspec.Meta(max_length=requests.MAX_NOTE)]


NOT_FOUND = "no such booking request"


class ConfirmIn(msgspec.Struct, forbid_unknown_fields=True):
    """Confirming takes no values: send ``{}``."""


class ProposeIn(msgspec.Struct, forbid_unknown_fields=True):
    """Another time (and optionally another staff member) for the request, with an optional
    note to the client."""

    starts_at: Moment
    staff_id: UUID | None = None
    message: Note = ""


class DeclineIn(msgspec.Struct, forbid_unknown_fields=True):
    """An optional note to the client with the decline."""

    message: Note = ""


class BookingRequestOut(msgspec.Struct):
    """A booking request. ``status`` is one of new, proposed, confirmed, declined; times are
    ISO 8601 in UTC (``Z``). ``client_id`` is set once the contact was matched to a client or
    made one; ``appointment_id`` once confirmed."""

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


def request_out(view: requests.RequestView) -> BookingRequestOut:
    """The response body for a booking request."""
    return BookingRequestOut(
        id=view.id,
        branch_id=view.branch_id,
        service=view.service,
        staff_name=view.staff_name,
        starts_at=utc(view.starts_at),
        contact_name=view.contact_name,
        contact_email=view.contact_email,
        contact_phone=view.contact_phone,
        marketing_consent=view.marketing_consent,
        status=view.status,
        proposed_starts_at=utc(view.proposed_starts_at) if view.proposed_starts_at else None,
        received_at=utc(view.received_at),
        client_id=view.client_id,
        appointment_id=view.appointment_id,
    )


class BookingRequestController(Controller):
    """Booking requests from the public booking pages, and reception's steps."""

    path = "/booking-requests"
    tags = ["booking requests"]

    @get("/", summary="Booking requests", responses=ERROR_RESPONSES)
    async def listing(
        self,
        branch_id: Annotated[
            str | None, Parameter(max_length=36, description="Only this branch's requests.")
        ] = None,
        status: Annotated[
            Literal["open", "all"],
            Parameter(description="open: new and proposed ones (the default); all: every one."),
        ] = "open",
    ) -> list[BookingRequestOut]:
        """The requests of the key's branch scope, oldest first."""
        found = await requests.list_requests(query_id(branch_id, "branch_id"), open_only=status == "open")
        return [request_out(v) for v in found]

    @get("/{request_id:str}", summary="One booking request", responses=ERROR_RESPONSES)
    async def read(self, request_id: str) -> BookingRequestOut:
        """A request the key may see (404 otherwise)."""
        return request_out(await requests.get_request(path_id(request_id, NOT_FOUND)))

    @post("/{request_id:str}/confirm", summary="Confirm a booking request", responses=BODY_ERROR_RESPONSES)
    async def confirm(self, request_id: str, data: ConfirmIn) -> BookingRequestOut:
        """Book it (at the proposed time, if one was proposed) for the contact's client (matched
        or made) under every booking rule; 409 when the staff member is busy then, 422 when the
        request was already handled."""
        await requests.confirm(path_id(request_id, NOT_FOUND))
        return request_out(await requests.get_request(path_id(request_id, NOT_FOUND)))

    @post("/{request_id:str}/propose", summary="Propose another time", responses=BODY_ERROR_RESPONSES)
    async def propose(self, request_id: str, data: ProposeIn) -> BookingRequestOut:
        """Propose another time under the booking rules; the client gets a service message
        with it (and the note). Confirming later books that time."""
        await requests.propose(
            path_id(request_id, NOT_FOUND),
            starts_at=data.starts_at,
            staff_id=data.staff_id,
            message=data.message,
        )
        return request_out(await requests.get_request(path_id(request_id, NOT_FOUND)))

    @post("/{request_id:str}/decline", summary="Decline a booking request", responses=BODY_ERROR_RESPONSES)
    async def decline(self, request_id: str, data: DeclineIn) -> BookingRequestOut:
        """Decline it: nothing is booked; the client gets a service message (with the note and
        the branch's booking page)."""
        await requests.decline(path_id(request_id, NOT_FOUND), message=data.message)
        return request_out(await requests.get_request(path_id(request_id, NOT_FOUND)))
