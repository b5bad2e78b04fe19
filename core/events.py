"""Domain events. Services publish them inside the unit of work that caused them, so whatever
a subscriber writes (planned touchpoints, outgoing messages) commits or rolls back with it.

The plugin host subscribes at start-up and hands each event to the aftercare plugins.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID


@dataclass(frozen=True)
class DomainEvent:
    """Something that happened to a client of the current tenant."""

    tenant_id: UUID
    client_id: UUID
    branch_id: UUID
    occurred_at: datetime


@dataclass(frozen=True)
class ClientRegistered(DomainEvent):
    """A new client record was created."""


@dataclass(frozen=True)
class ClientMovedBranch(DomainEvent):
    """The client's home branch changed from ``from_branch_id`` to ``branch_id``; the host moves
    the client's open calls, tasks and queued messages to the new branch's lists."""

    from_branch_id: UUID


@dataclass(frozen=True)
class ServicePerformed(DomainEvent):
    """A service (treatment) was done; ``first_visit`` when it is the client's first one."""

    visit_id: UUID
    service: str
    category: str
    first_visit: bool
    is_procedure: bool
    #: The staff member who did the service (who calls the client afterwards), if recorded.
    staff_id: UUID | None = None
    #: The catalogue service's tags (empty for free text); programmes may match on them.
    tags: tuple[str, ...] = ()
    #: The catalogue service (``None``: typed as free text).
    service_id: UUID | None = None


@dataclass(frozen=True)
class ProductSold(DomainEvent):
    """A product was sold to the client."""

    sale_id: UUID
    product: str
    category: str
    quantity: int
    #: The staff member who sold it, if recorded.
    staff_id: UUID | None = None
    #: True when the client had never bought this product before.
    new_product: bool = True
    #: What the client paid, in cents of the tenant's currency.
    price_cents: int = 0
    #: The catalogue product's tags (empty for free text).
    tags: tuple[str, ...] = ()
    #: The catalogue product (``None``: typed as free text).
    product_id: UUID | None = None


@dataclass(frozen=True)
class AppointmentEvent(DomainEvent):
    """Something happened to an appointment. ``starts_at``/``ends_at`` are the (current)
    times, ``staff_id`` who performs it, ``service_id`` and ``tags`` its catalogue service
    (``None``/empty when booked as free text)."""

    appointment_id: UUID
    service: str
    starts_at: datetime
    ends_at: datetime | None = None
    staff_id: UUID | None = None
    service_id: UUID | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class AppointmentBooked(AppointmentEvent):
    """An appointment was booked for the client."""


@dataclass(frozen=True)
class AppointmentMoved(AppointmentEvent):
    """An appointment was moved; ``previous_starts_at`` is where it was. The host withdraws
    the open touchpoints planned for it (keys ``appointment:<id>…``) before the plugins see
    this event, so they plan again for the new time."""

    previous_starts_at: datetime | None = None


@dataclass(frozen=True)
class AppointmentCancelled(AppointmentEvent):
    """An appointment was cancelled by ``cancelled_by`` (``client`` or ``salon``) for
    ``reason``. The host withdraws the open touchpoints planned for it."""

    cancelled_by: str = ""
    reason: str = ""


@dataclass(frozen=True)
class AppointmentAttended(AppointmentEvent):
    """The client came to the appointment."""


@dataclass(frozen=True)
class AppointmentNoShow(AppointmentEvent):
    """The client did not come to the appointment."""


@dataclass(frozen=True)
class ComplaintReceived(DomainEvent):
    """A complaint naming the client was received (any channel; not one about the handling of
    personal data, which goes to the privacy officer instead)."""

    complaint_id: UUID
    channel: str
    reason: str
    received_on: date


@dataclass(frozen=True)
class ComplaintCovered(DomainEvent):
    """Staff decided that a complaint is covered by ``programme``: ``service_guarantee`` (a
    free correction), ``warranty`` (a warranty claim) or ``return`` (a return within the return
    window). Published once per complaint and programme; the programme opens the matching claim
    or correction. ``reason`` is what the complaint is about (a service or product name, else
    the category), never the client's own words."""

    complaint_id: UUID
    programme: str
    reason: str
    received_on: date


@dataclass(frozen=True)
class ConsentGranted(DomainEvent):
    """The client opted in to ``purpose`` (e.g. ``greetings``, ``marketing_email``);
    ``scope`` is a partner id for third-party sharing, else empty."""

    purpose: str
    scope: str = ""
    channel: str = ""


@dataclass(frozen=True)
class ConsentWithdrawn(DomainEvent):
    """The client withdrew consent for ``purpose`` (``scope``: a partner id for third-party
    sharing, else empty). Honoured immediately: published in the unit of work that appends the
    withdrawal, so the subscriber cancelling queued, unsent messages commits with it."""

    purpose: str
    scope: str = ""
    channel: str = ""


@dataclass(frozen=True)
class PlanningDue(DomainEvent):
    """The workers ask programmes to plan ahead for the client (yearly greetings): published
    once a year per client, about a month before the client's birthday (or, without one, the
    anniversary of the registration)."""


@dataclass(frozen=True)
class ReferralRecorded(DomainEvent):
    """``client_id`` (a guest) was referred by the member ``referrer_id``."""

    referrer_id: UUID


Subscriber = Callable[[DomainEvent], Awaitable[None]]
_subscribers: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> None:
    """Call ``subscriber`` for every published event (once per subscriber)."""
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)


def unsubscribe(subscriber: Subscriber) -> None:
    """Stop calling ``subscriber``."""
    if subscriber in _subscribers:
        _subscribers.remove(subscriber)


async def publish(event: DomainEvent) -> None:
    """Hand ``event`` to every subscriber, in order, inside the caller's unit of work."""
    for subscriber in list(_subscribers):
        await subscriber(event)
