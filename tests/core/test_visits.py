"""Recording services, sales and appointments, and the domain events they publish."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from salonkeep.core import events
from salonkeep.core.access import Forbidden
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.visits.service import book_appointment, client_history, record_sale, record_service
from salonkeep.tenants import clock
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.errors import NotFound, ValidationFailed


@pytest.fixture
def published():
    seen: list[events.DomainEvent] = []

    async def collect(event: events.DomainEvent) -> None:
        seen.append(event)

    events.subscribe(collect)
    yield seen
    events.unsubscribe(collect)


async def test_history_and_events(tenant_a, frozen_clock, published):
    with tenant_scope(tenant_a.ctx):
        client = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Iris"))
        first = await record_service(client.id, service="Hydrating facial", category="facial")
        await record_service(client.id, service="Peel", category="medical_aesthetics")
        sale = await record_sale(client.id, product="Slim gel", category="slimming", quantity=2)
        booked = await book_appointment(client.id, service="Wrap", starts_at=clock.now() + timedelta(days=2))
        history = await client_history(client.id)
    assert {v.service for v in history.visits} == {"Hydrating facial", "Peel"}
    assert first.id in {v.id for v in history.visits}
    assert [s.id for s in history.sales] == [sale.id]
    assert [a.id for a in history.appointments] == [booked.id]
    kinds = [type(e).__name__ for e in published]
    assert kinds == [
        "ClientRegistered",
        "ServicePerformed",
        "ServicePerformed",
        "ProductSold",
        "AppointmentBooked",
    ]
    services = [e for e in published if isinstance(e, events.ServicePerformed)]
    assert [(e.first_visit, e.is_procedure) for e in services] == [(True, False), (False, True)]
    sold = next(e for e in published if isinstance(e, events.ProductSold))
    assert (sold.category, sold.quantity, sold.occurred_at) == ("slimming", 2, frozen_clock())


async def test_a_failing_subscriber_rolls_the_sale_back(tenant_a):
    async def boom(event: events.DomainEvent) -> None:
        if isinstance(event, events.ProductSold):
            raise RuntimeError("planner failed")

    with tenant_scope(tenant_a.ctx):
        client = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Jade"))
        events.subscribe(boom)
        try:
            with pytest.raises(RuntimeError):
                await record_sale(client.id, product="Cream", category="care")
        finally:
            events.unsubscribe(boom)
        assert (await client_history(client.id)).sales == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"product": "", "category": "care"}, "product"),
        ({"product": "Cream", "category": "cars"}, "category"),
        ({"product": "Cream", "category": "care", "quantity": 0}, "quantity"),
        ({"product": "Cream", "category": "care", "price_cents": -1}, "price_cents"),
    ],
)
async def test_bad_sale_names_the_field(tenant_a, kwargs, field):
    with tenant_scope(tenant_a.ctx):
        client = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Kim"))
        with pytest.raises(ValidationFailed) as caught:
            await record_sale(client.id, **kwargs)
        assert field in caught.value.errors
        assert (await client_history(client.id)).sales == []


async def test_other_tenants_client_and_read_only_roles(tenant_a, tenant_b):
    with tenant_scope(tenant_b.ctx):
        other = await create_client(ClientInput(branch_id=tenant_b.branch_id, first_name="Lea"))
    with tenant_scope(tenant_a.ctx), pytest.raises(NotFound):
        await record_sale(other.id, product="Cream", category="care")
    with tenant_scope(dataclasses.replace(tenant_b.ctx, role="privacy_officer")), pytest.raises(Forbidden):
        await record_sale(other.id, product="Cream", category="care")
