"""A tenant with a practitioner, a client and a catalogue for the appointment tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from salonkeep.core.catalogue import service as catalogue
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.onboarding import add_staff

#: Friday 27 March 2026, 11:00 in Helsinki (the suite's frozen clock).
NOW = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)


@dataclass
class Booking:
    """What a booking test needs."""

    staff_id: uuid.UUID
    other_staff_id: uuid.UUID
    client_id: uuid.UUID
    facial_id: uuid.UUID


async def prepare(world, **facial: object) -> Booking:
    """A practitioner and a second one in the world's branch, a new client and a 60-minute
    facial (buffers 10 before, 15 after, 15-minute steps unless ``facial`` says otherwise)."""
    with tenant_scope(world.ctx):
        pia, _ = await add_staff(
            email=f"pia-{uuid.uuid4().hex[:6]}@example.com",
            name="Pia",
            role="practitioner",
            branch_names=["Main street"],
        )
        ola, _ = await add_staff(
            email=f"ola-{uuid.uuid4().hex[:6]}@example.com",
            name="Ola",
            role="practitioner",
            branch_names=["Main street"],
        )
        client = await create_client(ClientInput(branch_id=world.branch_id, first_name="Iris"))
        rules = {"buffer_before_minutes": 10, "buffer_after_minutes": 15, **facial}
        service = await catalogue.save_service(
            catalogue.ServiceInput(name="Facial", category="facial", duration_minutes=60, **rules)  # type: ignore[arg-type]
        )
    return Booking(pia.id, ola.id, client.id, service.id)


async def seed_catalogue_and_appointments(world, client_id: uuid.UUID) -> None:
    """A row in every catalogue and appointment table for the current tenant (RLS tests)."""
    from datetime import timedelta

    from salonkeep.core.appointments import service as appointments
    from salonkeep.tenants import clock

    await catalogue.add_category("service", "seed", "Seed")  # stores the built-in ones too
    service = await catalogue.save_service(catalogue.ServiceInput(name="Seed facial", category="facial"))
    product = await catalogue.save_product(catalogue.ProductInput(name="Seed serum", category="care"))
    await catalogue.set_branch_item(world.branch_id, "product", product.id, hidden=False, price_cents=100)
    await appointments.set_working_hours(world.owner_id, world.branch_id, 0, "00:00", "23:59")
    start = (clock.now() + timedelta(days=14)).replace(hour=0, minute=0, second=0, microsecond=0)
    while start.weekday() != 0:
        start += timedelta(days=1)
    await appointments.book(
        client_id, staff_id=world.owner_id, service_id=service.id, starts_at=start + timedelta(hours=10)
    )
    await _seed_request_and_feed(world, service.id, start + timedelta(hours=12))


async def _seed_request_and_feed(world, service_id: uuid.UUID, starts_at: datetime) -> None:
    """A booking request from the public page and a calendar feed of the owner."""
    from dataclasses import replace

    from salonkeep.core.appointments import feeds, requests
    from salonkeep.tenants.context import current

    slot = f"{world.owner_id}|{starts_at.isoformat()}"
    data = requests.RequestInput(
        service=str(service_id),
        slot=slot,
        name="Seed Visitor",
        email="seed@example.com",
        privacy_consent=True,
    )
    await requests.submit_request(current(), world.branch_id, data)
    with tenant_scope(replace(current(), actor_id=world.owner_id, role="owner")):
        await feeds.create_feed()
