"""The tenant's catalogue: seeded categories, services and products, branch deviations, CSV,
and recording services and sales from it."""

from __future__ import annotations

import dataclasses

import pytest

from salonkeep.core import events
from salonkeep.core.access import Forbidden
from salonkeep.core.catalogue import csv_io
from salonkeep.core.catalogue import service as catalogue
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.visits.service import record_sale, record_service
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.errors import Conflict, NotFound, ValidationFailed
from salonkeep.tenants.onboarding import add_branch


@pytest.fixture
def published():
    seen: list[events.DomainEvent] = []

    async def collect(event: events.DomainEvent) -> None:
        seen.append(event)

    events.subscribe(collect)
    yield seen
    events.unsubscribe(collect)


LASER = catalogue.ServiceInput(
    name="Laser hair removal",
    category="laser",
    duration_minutes=45,
    price_cents=12000,
    buffer_after_minutes=15,
    medical=True,
    tags="Laser, hair removal",
)


async def test_categories_are_seeded_once_and_owners_add_their_own(tenant_a):
    with tenant_scope(tenant_a.ctx):
        services = await catalogue.categories("service")
        assert [c.code for c in services] == [
            "facial",
            "body",
            "slimming",
            "hair",
            "nails",
            "massage",
            "medical_aesthetics",
        ]
        assert [c.code for c in services if c.medical] == ["medical_aesthetics"]
        assert len(await catalogue.categories("product")) == 7
        await catalogue.add_category("service", "laser", "Laser", medical=True)
        with pytest.raises(Conflict):
            await catalogue.add_category("service", "laser", "Laser again")
        with pytest.raises(ValidationFailed) as caught:
            await catalogue.add_category("service", "Bad code!", "Bad")
        assert "code" in caught.value.errors
        assert (await catalogue.categories("service"))[-1].code == "laser"


async def test_a_laser_service_is_recorded_from_the_catalogue_with_its_tags(tenant_a, published):
    with tenant_scope(tenant_a.ctx):
        await catalogue.add_category("service", "laser", "Laser")
        laser = await catalogue.save_service(LASER)
        assert laser.tags == "hair removal,laser"
        client = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Ann"))
        visit = await record_service(client.id, service="laser HAIR removal")
        free = await record_service(client.id, service="Mystery facial", category="facial")
        with pytest.raises(ValidationFailed) as caught:
            await record_service(client.id, service="Mystery facial")
        assert "category" in caught.value.errors
    assert (visit.service, visit.category, visit.service_id, visit.is_procedure) == (
        "Laser hair removal",
        "laser",
        laser.id,
        True,
    )
    assert (free.service_id, free.is_procedure, free.tags) == (None, False, "")
    performed = [e for e in published if isinstance(e, events.ServicePerformed)]
    assert [(e.tags, e.is_procedure, e.service_id) for e in performed] == [
        (("hair removal", "laser"), True, laser.id),
        ((), False, None),
    ]


async def test_a_tenant_category_marked_medical_makes_procedures(tenant_a, published):
    with tenant_scope(tenant_a.ctx):
        await catalogue.add_category("service", "injectables", "Injectables", medical=True)
        client = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Bo"))
        await record_service(client.id, service="Filler", category="injectables")
    (event,) = [e for e in published if isinstance(e, events.ServicePerformed)]
    assert event.is_procedure and event.category == "injectables"


async def test_products_and_sales_carry_their_tags(tenant_a, published):
    with tenant_scope(tenant_a.ctx):
        gel = await catalogue.save_product(
            catalogue.ProductInput(
                name="Slim gel", category="slimming", price_cents=3900, tags="slimming,gel"
            )
        )
        client = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Cy"))
        sale = await record_sale(client.id, product_id=gel.id, quantity=2)
    assert (sale.product, sale.category, sale.product_id) == ("Slim gel", "slimming", gel.id)
    (sold,) = [e for e in published if isinstance(e, events.ProductSold)]
    assert sold.tags == ("gel", "slimming")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"price_cents": -5}, "price_cents"),
        ({"performer_roles": ("wizard",)}, "performer_roles"),
        ({"tags": "ok, <bad>"}, "tags"),
        ({"category": "nope"}, "category"),
    ],
)
async def test_bad_services_name_the_field_and_write_nothing(tenant_a, change, field):
    with tenant_scope(tenant_a.ctx):
        await catalogue.add_category("service", "laser", "Laser")
        with pytest.raises(ValidationFailed) as caught:
            await catalogue.save_service(dataclasses.replace(LASER, **change))
        assert field in caught.value.errors
        assert await catalogue.services(include_hidden=True) == []


async def test_branches_hide_items_and_override_prices(tenant_a):
    with tenant_scope(tenant_a.ctx):
        other = await add_branch(name="Harbour")
        await catalogue.add_category("service", "laser", "Laser")
        laser = await catalogue.save_service(LASER)
        facial = await catalogue.save_service(catalogue.ServiceInput(name="Facial", category="facial"))
        await catalogue.set_branch_item(other.id, "service", laser.id, hidden=True)
        await catalogue.set_branch_item(other.id, "service", facial.id, hidden=False, price_cents=5000)
        at_main = {o.item.name: o.price_cents for o in await catalogue.services(tenant_a.branch_id)}
        at_harbour = {o.item.name: o.price_cents for o in await catalogue.services(other.id)}
        owner_view = {o.item.name: o.hidden for o in await catalogue.services(other.id, include_hidden=True)}
    assert at_main == {"Facial": 0, "Laser hair removal": 12000}
    assert at_harbour == {"Facial": 5000}
    assert owner_view == {"Facial": False, "Laser hair removal": True}


async def test_only_owners_change_the_catalogue(tenant_a):
    reception = dataclasses.replace(tenant_a.ctx, role="reception", branch_id=tenant_a.branch_id)
    with tenant_scope(reception):
        with pytest.raises(Forbidden):
            await catalogue.save_service(LASER)
        with pytest.raises(Forbidden):
            await csv_io.export_csv()


async def test_csv_round_trip_and_all_or_nothing_import(tenant_a, tenant_b):
    with tenant_scope(tenant_a.ctx):
        await catalogue.add_category("service", "laser", "Laser")
        await catalogue.save_service(LASER)
        await catalogue.save_product(catalogue.ProductInput(name="Serum", category="care", warranty_days=30))
        text = await csv_io.export_csv()
    assert text.splitlines()[0].startswith("type,name,category,price_cents,tags")
    with tenant_scope(tenant_b.ctx):
        assert await csv_io.import_csv(text) == (2, 0)
        assert await csv_io.import_csv(text.replace("12000", "13000")) == (0, 2)
        (laser,) = [o.item for o in await catalogue.services()]
        assert (laser.price_cents, laser.category, laser.medical, laser.tags) == (
            13000,
            "laser",
            True,
            "hair removal,laser",
        )
        bad = text + "service,Broken,facial,lots,,,,,,,,,,,,,\n"
        with pytest.raises(ValidationFailed) as caught:
            await csv_io.import_csv(bad.replace("13000", "1"))
        assert caught.value.errors == {"row 4: price_cents": "must be a whole number"}
        assert [o.item.price_cents for o in await catalogue.services()] == [13000]


async def test_catalogue_rows_of_another_tenant_are_invisible(tenant_a, tenant_b):
    with tenant_scope(tenant_a.ctx):
        await catalogue.add_category("service", "laser", "Laser")
        laser = await catalogue.save_service(LASER)
        serum = await catalogue.save_product(catalogue.ProductInput(name="Serum", category="care"))
        await catalogue.set_branch_item(tenant_a.branch_id, "service", laser.id, hidden=True)
    with tenant_scope(tenant_b.ctx):
        assert await catalogue.services(include_hidden=True) == []
        assert await catalogue.products(include_hidden=True) == []
        assert "laser" not in {c.code for c in await catalogue.categories("service")}
        assert await catalogue.find_service("Laser hair removal") is None
        with pytest.raises(NotFound):
            await catalogue.get_service(laser.id)
        with pytest.raises(NotFound):
            await catalogue.get_product(serum.id)
        with pytest.raises(NotFound):
            await catalogue.set_branch_item(tenant_b.branch_id, "service", laser.id, hidden=True)
        with pytest.raises(NotFound):
            await catalogue.set_branch_item(tenant_a.branch_id, "service", laser.id, hidden=False)
        client = await create_client(ClientInput(branch_id=tenant_b.branch_id, first_name="Di"))
        with pytest.raises(ValidationFailed):
            await record_service(client.id, service_id=None, service="Laser hair removal")
        with pytest.raises(NotFound):
            await record_service(client.id, service_id=laser.id)
