"""Programmes match on the tenant's catalogue: a "laser" service the owner adds starts a
programme that matches its tag; a tenant category marked medical starts the one-year
aftercare; free text in a built-in category keeps the built-ins working."""

from __future__ import annotations

import textwrap
from importlib.metadata import EntryPoint, entry_points

import pytest

from salonkeep.core.catalogue import service as catalogue
from salonkeep.core.plugins.manager import build_plugins, use_plugins
from salonkeep.core.visits.service import record_service
from salonkeep.tenants.context import tenant_scope

LASER_PROGRAMME = """
from salonkeep.core.plugins.api import PlannedCall, Programme, ServicePerformed, hookimpl

@hookimpl
def salonkeep_programmes():
    return [Programme("laser_check", "Laser check", "A call after any service tagged laser")]

@hookimpl
def salonkeep_event(event, plan):
    if isinstance(event, ServicePerformed) and "laser" in event.tags:
        due = plan.day(event.occurred_at, 2, "laser_check")
        title = f"Laser check: {event.service}"
        return [PlannedCall("laser_check", f"visit:{event.visit_id}", due, title, "How is the skin?")]
    return []
"""


@pytest.fixture
def laser_plugin(tmp_path, monkeypatch):
    (tmp_path / "sk_probe_laser.py").write_text(textwrap.dedent(LASER_PROGRAMME))
    monkeypatch.syspath_prepend(str(tmp_path))
    point = EntryPoint(name="laser", value="sk_probe_laser", group="salonkeep")
    use_plugins(build_plugins([*entry_points(group="salonkeep"), point]))
    yield
    use_plugins(None)


async def test_a_laser_service_added_by_the_owner_starts_the_programme_matching_its_tag(
    laser_plugin, salonkeep_clock, salonkeep_tenant, salonkeep_client, planned
):
    with tenant_scope(salonkeep_tenant.ctx):
        await catalogue.add_category("service", "laser", "Laser", medical=True)
        await catalogue.save_service(
            catalogue.ServiceInput(name="Laser hair removal", category="laser", tags="laser, hair removal")
        )
        await catalogue.save_service(catalogue.ServiceInput(name="Plain facial", category="facial"))
        await record_service(salonkeep_client.id, service="Plain facial")
        await record_service(salonkeep_client.id, service="Laser hair removal")
    calls = await planned(programme="laser_check")
    assert [c.title for c in calls] == ["Laser check: Laser hair removal"]
    # The tenant's "laser" category is medical: the one-year aftercare follows it too.
    assert await planned(programme="medical_aftercare")


async def test_free_text_in_the_built_in_medical_category_still_starts_the_aftercare(
    salonkeep_clock, salonkeep_tenant, salonkeep_client, planned
):
    with tenant_scope(salonkeep_tenant.ctx):
        await record_service(salonkeep_client.id, service="Filler", category="medical_aesthetics")
    assert await planned(programme="medical_aftercare")
