"""A realistic demo chain so the UI is alive on first start (``salonkeep demo``)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from faker import Faker

from salonkeep.core import consent
from salonkeep.core.appointments import service as appointments
from salonkeep.core.catalogue import service as catalogue
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.visits.service import record_sale, record_service
from salonkeep.tenants import clock
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.errors import SalonkeepError
from salonkeep.tenants.onboarding import add_branch, add_staff, create_tenant
from salonkeep.tenants.tables import Tenant

DEMO_SLUG = "aurora"
DEMO_PASSWORD = "Aurora-Demo-2026"  # noqa: S105 - published demo account
BRANCHES = (
    ("Helsinki Centre", "Aleksanterinkatu 15, 00100 Helsinki", "+358 9 1234 5670"),
    ("Espoo Tapiola", "Tapiontori 3, 02100 Espoo", "+358 9 1234 5671"),
    ("Tampere Hämeenkatu", "Hämeenkatu 20, 33200 Tampere", "+358 3 1234 5672"),
)
STAFF = (
    ("owner@aurora.example", "Aino Virtanen", "owner", ()),
    ("privacy@aurora.example", "Pekka Nieminen", "privacy_officer", ()),
    ("manager.helsinki@aurora.example", "Laura Mäkinen", "branch_manager", ("Helsinki Centre",)),
    ("manager.espoo@aurora.example", "Mikko Korhonen", "branch_manager", ("Espoo Tapiola",)),
    ("beautician@aurora.example", "Sanna Laine", "practitioner", ("Helsinki Centre",)),
    ("nurse@aurora.example", "Emilia Heikkinen", "practitioner", ("Espoo Tapiola",)),
    ("reception@aurora.example", "Jussi Koskinen", "reception", ("Helsinki Centre",)),
    ("reception.tampere@aurora.example", "Olli Järvinen", "reception", ("Tampere Hämeenkatu",)),
)
NEEDS = (
    "Dry skin on the cheeks",
    "Acne scars",
    "Pigmentation after summer",
    "Fine lines around the eyes",
    "Slimming: waist and hips",
    "Sensitive, reddening skin",
    "Dull complexion",
    "Hair removal",
)
ALLERGIES = ("", "", "", "Nickel", "Latex", "Fragrance (linalool)", "Lidocaine", "Nuts")


RECENT_SALES = (
    ("Slim Contour Gel", "slimming"),
    ("Hyaluronic Serum", "care"),
    ("Collagen Drink", "supplement"),
    ("Repair Mask", "treatment"),
)
RECENT_SERVICES = (("Hydrating facial", "facial"), ("Lymphatic drainage", "slimming"))
#: The demo catalogue: services (name, category, minutes, price, buffer after, tags, medical)…
SERVICES = (
    ("Hydrating facial", "facial", 60, 8900, 10, "facial,hydration", False),
    ("Lymphatic drainage", "slimming", 45, 6900, 10, "slimming", False),
    ("Body wrap", "body", 90, 11900, 15, "slimming,body", False),
    ("Lip filler", "medical_aesthetics", 45, 32000, 15, "injectables", True),
    ("Laser hair removal", "medical_aesthetics", 30, 12000, 10, "laser", True),
)
#: …and products (name, category, price, warranty days, return days, tags).
PRODUCTS = (
    ("Slim Contour Gel", "slimming", 3900, 90, 30, "slimming"),
    ("Hyaluronic Serum", "care", 5900, 90, 30, "care"),
    ("Collagen Drink", "supplement", 4500, 0, 30, "supplement"),
    ("Repair Mask", "treatment", 2900, 90, 30, "treatment"),
    ("Skin Device", "device", 19900, 365, 30, "device"),
)


async def _catalogue() -> list[UUID]:
    """The demo catalogue; returns the services' ids."""
    services = [
        await catalogue.save_service(
            catalogue.ServiceInput(
                name=name,
                category=category,
                duration_minutes=minutes,
                price_cents=price,
                buffer_after_minutes=after,
                tags=tags,
                medical=medical,
            )
        )
        for name, category, minutes, price, after, tags, medical in SERVICES
    ]
    for name, category, price, warranty, returns, tags in PRODUCTS:
        await catalogue.save_product(
            catalogue.ProductInput(
                name=name,
                category=category,
                price_cents=price,
                warranty_days=warranty,
                return_days=returns,
                tags=tags,
            )
        )
    return [service.id for service in services]


async def _calendar(
    rng: random.Random, services: list[UUID], client_ids: list[UUID], branch_id: UUID
) -> None:
    """Working hours for the Helsinki beautician and a week of her bookings (slots that
    clash or break a rule are skipped)."""
    staff = await appointments.staff_by_email("beautician@aurora.example")
    for weekday in range(5):
        await appointments.set_working_hours(staff.id, branch_id, weekday, "09:00", "17:00", "12:00", "12:30")
    await appointments.set_working_hours(staff.id, branch_id, 5, "10:00", "15:00")
    if not client_ids:
        return
    today = clock.now().astimezone(ZoneInfo("Europe/Helsinki")).date()
    for _ in range(12):
        day = today + timedelta(days=rng.randrange(1, 8))
        start = datetime.combine(
            day, time(rng.randrange(9, 16), rng.choice((0, 30))), ZoneInfo("Europe/Helsinki")
        )
        try:
            await appointments.book(
                rng.choice(client_ids),
                staff_id=staff.id,
                service_id=rng.choice(services),
                starts_at=start,
                branch_id=branch_id,
            )
        except SalonkeepError:
            continue


async def _recent_activity(client_id: UUID, rng: random.Random) -> None:
    """A purchase or a treatment in the last week, and consents, so the call list has work."""
    days_ago = timedelta(days=rng.randrange(0, 8), hours=rng.randrange(1, 6))
    if rng.random() < 0.6:
        product, category = rng.choice(RECENT_SALES)
        await record_sale(client_id, product=product, category=category, sold_at=clock.now() - days_ago)
    else:
        service, category = rng.choice(RECENT_SERVICES)
        await record_service(
            client_id, service=service, category=category, performed_at=clock.now() - days_ago
        )
    for purpose in (consent.Purpose.GREETINGS, consent.Purpose.MARKETING_EMAIL):
        if rng.random() < 0.5:
            await consent.grant(
                client_id,
                purpose,
                channel=consent.Channel.IN_STORE_TABLET,
                wording_shown=consent.wording(purpose),
            )


@dataclass(frozen=True)
class DemoResult:
    """What was created, for the CLI to print."""

    tenant: Tenant
    clients: int
    owner_email: str
    password: str


async def load_demo(clients: int = 200, seed: int = 2026) -> DemoResult:
    """Create the demo chain: 3 branches, staff of every role, ``clients`` clients."""
    tenant = await create_tenant(
        slug=DEMO_SLUG,
        name="Aurora Beauty & Aesthetics",
        time_zone="Europe/Helsinki",
        country="FI",
        default_locale="en",
    )
    fake = Faker("fi_FI")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    with tenant_scope(TenantContext(tenant_id=tenant.id, actor_label="demo loader")):
        branches = [
            await add_branch(name=name, address=address, phone=phone) for name, address, phone in BRANCHES
        ]
        for email, name, role, branch_names in STAFF:
            await add_staff(
                email=email,
                name=name,
                role=role,
                branch_names=branch_names,
                password=DEMO_PASSWORD,
                agreement_signed=True,
            )
        services = await _catalogue()
        helsinki: list[UUID] = []
        for number in range(clients):
            born = fake.date_of_birth(minimum_age=18, maximum_age=80)
            client = await create_client(
                ClientInput(
                    branch_id=rng.choice(branches).id,
                    first_name=fake.first_name(),
                    last_name=fake.last_name(),
                    date_of_birth=date(born.year, born.month, born.day),
                    phone=f"+35840{rng.randrange(1000000, 9999999)}",
                    email=fake.unique.email(),
                    kind=rng.choice(("new", "member", "member", "guest")),
                    needs=rng.choice(NEEDS),
                    allergies=rng.choice(ALLERGIES),
                )
            )
            if client.branch_id == branches[0].id:
                helsinki.append(client.id)
            if number % 5 == 0:
                await _recent_activity(client.id, rng)
        await _calendar(rng, services, helsinki, branches[0].id)
    return DemoResult(tenant=tenant, clients=clients, owner_email=STAFF[0][0], password=DEMO_PASSWORD)
