"""The demo chain comes with a catalogue, working hours and a week of bookings."""

from __future__ import annotations

import pytest

from salonkeep.core.catalogue import service as catalogue
from salonkeep.core.demo import load_demo
from salonkeep.core.visits.tables import Appointment, Visit
from salonkeep.tenants import scoped
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.db import unit_of_work


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_the_demo_seeds_a_catalogue_and_bookings(backend, frozen_clock):
    result = await load_demo(clients=40)
    ctx = TenantContext(tenant_id=result.tenant.id)
    with tenant_scope(ctx):
        names = {o.item.name for o in await catalogue.services()}
        assert {"Hydrating facial", "Laser hair removal"} <= names
        assert len(await catalogue.products()) == 5
        async with unit_of_work(ctx):
            assert await scoped.count(Appointment) > 0
            visits = await scoped.fetch(Visit)
    # Recorded services were picked from the catalogue.
    assert visits and all(v.service_id is not None for v in visits)
