"""pytest fixtures for plugin authors: a real throw-away database, a tenant, a client, an
event and "what was planned".

Loaded automatically in any environment where Salonkeep is installed (``pytest11`` entry
point), or explicitly with ``pytest_plugins = ["salonkeep.core.plugins.testing"]``. Works on
the embedded SQLite default: no server is needed. Plugins are discovered exactly as in
production, through the ``salonkeep`` entry-point group, so install your plugin
(``pip install -e .``) before running its tests.

Async tests need pytest-asyncio (``asyncio_mode = "auto"``). Example::

    async def test_call_two_days_after_a_facial(salonkeep_clock, emit, planned):
        await emit(ServicePerformed, service="Facial", category="facial")
        calls = await planned(programme="hydration")
        assert [c.due_at for c in calls] == [datetime(2026, 3, 27, 8, 0, tzinfo=UTC)]

Fixtures: ``salonkeep_settings`` (session: a migrated SQLite database), ``salonkeep_db``
(binds it for the test), ``salonkeep_clock`` (the frozen application clock, 2026-03-25
08:00 UTC; ``.advance(timedelta)`` moves it), ``salonkeep_tenant`` (tenant in Europe/Helsinki,
country FI, with a branch; override ``salonkeep_tenant_place`` to change),
``salonkeep_client``, ``emit``, ``planned``, ``salonkeep_outcome``, ``salonkeep_configure``,
``salonkeep_consent`` and ``salonkeep_deliver`` (runs the delivery workers' pipeline for the
tenant and returns what each channel was handed, plugin channels included).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from salonkeep.core import consent, database, events
from salonkeep.core.aftercare import calls, programmes
from salonkeep.core.aftercare.calls import TouchpointView
from salonkeep.core.clients.service import ClientInput, ClientView, create_client
from salonkeep.core.delivery.channel import Channel, OutgoingMessage, SendResult
from salonkeep.core.delivery.config import DeliveryConfig
from salonkeep.core.delivery.registry import channels as delivery_channels
from salonkeep.core.delivery.service import deliver_due
from salonkeep.core.visits import service as visits
from salonkeep.tenants import clock
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import add_branch, create_tenant
from salonkeep.tenants.settings import Settings

#: Where the frozen clock of ``salonkeep_clock`` starts (a Wednesday, before the EU DST change).
START = datetime(2026, 3, 25, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class KitTenant:
    """A tenant made for a test: its context (a system actor) and its branch."""

    ctx: TenantContext
    slug: str
    branch_id: uuid.UUID
    time_zone: str
    country: str


def _migrate(data_dir: Path) -> Settings:
    url = f"sqlite:///{data_dir / 'salonkeep.sqlite3'}"
    env = {**os.environ, "SALONKEEP_DATA_DIR": str(data_dir), "SALONKEEP_DATABASE_URL": url}
    env.pop("SALONKEEP_MIGRATION_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "salonkeep.core.cli", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    if result.returncode != 0:
        raise RuntimeError(f"salonkeep migrate failed:\n{result.stdout}\n{result.stderr}")
    return Settings(
        data_dir=data_dir,
        database_url=url,
        migration_database_url=url,
        redis_url=None,
        master_key_file=data_dir / "master.key",
    )


@pytest.fixture(scope="session")
def salonkeep_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A migrated embedded (SQLite) database for this test session."""
    return _migrate(tmp_path_factory.mktemp("salonkeep-kit"))


@pytest.fixture
async def salonkeep_db(salonkeep_settings: Settings) -> Settings:
    """The kit's database, bound for this test (the plugin host is started with it)."""
    await database.start(salonkeep_settings)
    return salonkeep_settings


@pytest.fixture
def salonkeep_clock() -> Iterator[clock.FrozenClock]:
    """The application clock, frozen at :data:`START` (restored afterwards)."""
    frozen = clock.FrozenClock(START)
    clock.set_clock(frozen)
    yield frozen
    clock.set_clock(None)


@pytest.fixture
def salonkeep_tenant_place() -> tuple[str, str]:
    """(country, time zone) of ``salonkeep_tenant``; override to test another place."""
    return ("FI", "Europe/Helsinki")


@pytest.fixture
async def salonkeep_tenant(salonkeep_db: Any, salonkeep_tenant_place: tuple[str, str]) -> KitTenant:
    """A fresh tenant with one branch."""
    country, zone = salonkeep_tenant_place
    slug = f"kit-{uuid.uuid4().hex[:12]}"
    tenant = await create_tenant(slug=slug, name=f"Salon {slug}", time_zone=zone, country=country)
    ctx = TenantContext(tenant_id=tenant.id, actor_label="plugin-test")
    with tenant_scope(ctx):
        branch = await add_branch(name="Main street")
    return KitTenant(ctx=ctx, slug=slug, branch_id=branch.id, time_zone=zone, country=country)


@pytest.fixture
async def salonkeep_client(salonkeep_tenant: KitTenant) -> ClientView:
    """A client of ``salonkeep_tenant`` (kind ``new``)."""
    with tenant_scope(salonkeep_tenant.ctx):
        return await create_client(
            ClientInput(branch_id=salonkeep_tenant.branch_id, first_name="Maija", last_name="Test")
        )


Emit = Callable[..., Awaitable[events.DomainEvent]]


async def _through_service(
    event: type[events.DomainEvent], client_id: uuid.UUID, values: dict[str, Any]
) -> events.DomainEvent | None:
    """Record a sale, service or appointment through the core service (real rows, so
    plugins can rely on them); returns the event that service published."""
    seen: list[events.DomainEvent] = []

    async def capture(published: events.DomainEvent) -> None:
        if isinstance(published, event):
            seen.append(published)

    events.subscribe(capture)
    try:
        if event is events.ProductSold:
            await visits.record_sale(
                client_id,
                product=values.get("product", "Product"),
                category=values.get("category", "care"),
                quantity=values.get("quantity", 1),
                price_cents=values.get("price_cents", 0),
                sold_at=values.get("occurred_at"),
                staff_id=values.get("staff_id"),
            )
        elif event is events.ServicePerformed:
            await visits.record_service(
                client_id,
                service=values.get("service", "Service"),
                category=values.get("category", "facial"),
                performed_at=values.get("occurred_at"),
                staff_id=values.get("staff_id"),
            )
        elif event is events.AppointmentBooked:
            await visits.book_appointment(
                client_id, service=values.get("service", "Service"), starts_at=values["starts_at"]
            )
        else:
            return None
    finally:
        events.unsubscribe(capture)
    return seen[-1]


@pytest.fixture
def emit(salonkeep_tenant: KitTenant, salonkeep_client: ClientView) -> Emit:
    """``await emit(EventClass, **fields)`` makes the event happen for the client and returns
    it. Sales, services and appointments go through the core services (so the sale, visit or
    appointment exists; ``first_visit``, ``is_procedure`` and ``new_product`` follow from the
    history and the category; ``staff_id=`` names who served the client, ``price_cents=`` what
    a sale cost); other events are published as a core service would, in a unit of work, with
    ``tenant_id``, ``client_id``, ``branch_id``, ``occurred_at`` (now) and any other ``*_id``
    field defaulted. ``client_id=`` targets another client of the tenant. Pass a ready event
    instance to publish it as it is (a re-delivery)."""

    async def publish(
        event: type[events.DomainEvent] | events.DomainEvent, **values: Any
    ) -> events.DomainEvent:
        with tenant_scope(salonkeep_tenant.ctx):
            if isinstance(event, events.DomainEvent):
                built = event
            else:
                recorded = await _through_service(event, values.get("client_id", salonkeep_client.id), values)
                if recorded is not None:
                    return recorded
                defaults: dict[str, Any] = {
                    "tenant_id": salonkeep_tenant.ctx.tenant_id,
                    "client_id": salonkeep_client.id,
                    "branch_id": salonkeep_client.branch_id,
                    "occurred_at": clock.now(),
                }
                for item in fields(event):
                    if item.name.endswith("_id") and item.name not in defaults:
                        defaults[item.name] = uuid.uuid4()
                built = event(**{**defaults, **values})
            async with unit_of_work(salonkeep_tenant.ctx):
                await events.publish(built)
        return built

    return publish


Planned = Callable[..., Awaitable[list[TouchpointView]]]


@pytest.fixture
def planned(salonkeep_tenant: KitTenant, salonkeep_client: ClientView) -> Planned:
    """``await planned(programme=None, kind=None, client_id=None)``: the touchpoints planned
    for the client (or another client of the tenant), by due time."""

    async def read(
        programme: str | None = None, kind: str | None = None, client_id: uuid.UUID | None = None
    ) -> list[TouchpointView]:
        with tenant_scope(salonkeep_tenant.ctx):
            found = await calls.client_touchpoints(client_id or salonkeep_client.id)
        return [
            t
            for t in found
            if (programme is None or t.programme == programme) and (kind is None or t.kind == kind)
        ]

    return read


@pytest.fixture
def salonkeep_outcome(salonkeep_tenant: KitTenant) -> Callable[..., Awaitable[TouchpointView]]:
    """``await salonkeep_outcome(touchpoint_id, "no_answer", note="")`` records an outcome as
    staff would."""

    async def record(touchpoint_id: uuid.UUID, outcome: str, note: str = "") -> TouchpointView:
        with tenant_scope(salonkeep_tenant.ctx):
            return await calls.record_outcome(touchpoint_id, outcome, note)

    return record


@pytest.fixture
def salonkeep_configure(salonkeep_tenant: KitTenant) -> Callable[..., Awaitable[None]]:
    """``await salonkeep_configure("hydration", enabled=False, days_after=3)`` changes the
    tenant's programme choice and settings."""

    async def configure(programme: str, enabled: bool | None = None, **settings: Any) -> None:
        with tenant_scope(salonkeep_tenant.ctx):
            if enabled is not None:
                await programmes.set_enabled(programme, enabled)
            for key, value in settings.items():
                await programmes.set_setting(programme, key, value)

    return configure


@pytest.fixture
def salonkeep_consent(
    salonkeep_tenant: KitTenant, salonkeep_client: ClientView
) -> Callable[..., Awaitable[None]]:
    """``await salonkeep_consent("greetings", True)`` records the client's consent decision."""

    async def decide(purpose: str, granted: bool = True, client_id: uuid.UUID | None = None) -> None:
        with tenant_scope(salonkeep_tenant.ctx):
            await consent.record_consent(
                client_id or salonkeep_client.id,
                purpose,
                granted,
                channel=consent.Channel.IN_STORE_TABLET,
                wording_shown=consent.wording(consent.Purpose(purpose)),
            )

    return decide


@dataclass(frozen=True)
class Delivered:
    """One message a channel was handed by ``salonkeep_deliver``, and what it answered."""

    channel: str
    message: OutgoingMessage
    result: SendResult


class _Recording:
    """Wraps a channel and remembers what it was handed."""

    def __init__(self, inner: Channel, seen: list[Delivered]) -> None:
        self.inner = inner
        self.name = inner.name
        self.idempotent = inner.idempotent
        self.seen = seen

    async def send(self, messages: Any) -> list[SendResult]:
        results = await self.inner.send(messages)
        by_id = {m.id: m for m in messages}
        self.seen.extend(
            Delivered(self.name, by_id[r.message_id], r) for r in results if r.message_id in by_id
        )
        return results


@pytest.fixture
def salonkeep_deliver(
    salonkeep_tenant: KitTenant, salonkeep_db: Settings
) -> Callable[[], Awaitable[list[Delivered]]]:
    """``await salonkeep_deliver()`` delivers every message of the tenant that is due now (move
    ``salonkeep_clock`` first), as the workers would: consent re-checked, quiet hours,
    templates, then the channels: the built-in ones (no SMTP or SMS provider: files under the
    kit's data folder) and your plugin's (``salonkeep_delivery_channels``). Returns what the
    channels were handed, with their answers."""

    async def deliver() -> list[Delivered]:
        seen: list[Delivered] = []
        config = DeliveryConfig()
        found = delivery_channels(config, salonkeep_db.data_dir)
        recording: dict[str, Channel] = {name: _Recording(ch, seen) for name, ch in found.items()}
        await deliver_due(salonkeep_tenant.ctx, recording, config)
        return seen

    return deliver
