"""Finding 10 on the command line: times printed in the tenant's zone (the branch's for the
call list) and locale, the zone named where times are compared; on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from salonkeep.core import consent
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.privacy import rights
from salonkeep.core.visits import service as visits
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.tables import Tenant

from ..conftest import make_tenant, run_cli

#: 00:30 on 26 November in Helsinki.
LATE_EVENING = datetime(2026, 11, 25, 22, 30, tzinfo=UTC)


async def test_cli_prints_local_times_in_the_tenants_locale(backend, tmp_path):
    world = await make_tenant()
    async with unit_of_work(world.ctx):  # the directory row is written as its own tenant
        await scoped.update_tenant({Tenant.default_locale: "fi"})
    clock.set_clock(lambda: LATE_EVENING)
    try:
        with tenant_scope(world.ctx):
            client = await create_client(
                ClientInput(branch_id=world.branch_id, first_name="Rita", last_name="Y")
            )
            await consent.grant(
                client.id, "health_data", channel="in_store_tablet", wording_shown="Health data"
            )
            await visits.record_service(client.id, service="Lip filler", category="medical_aesthetics")
            await visits.record_sale(client.id, product="Skin Device", category="device")
            await rights.open_request(client.id, "access")
    finally:
        clock.set_clock(None)
    # The commands run on 27 November at 11:00 in Helsinki.
    clock_file = tmp_path / "clock"
    clock_file.write_text("2026-11-27T09:00:00+00:00")
    env = {**backend.env, "SALONKEEP_CLOCK_FILE": str(clock_file)}
    slug, who = world.slug, str(client.id)

    history = run_cli("audit", "history", "-t", slug, "--client", who, env=env, check=True).stdout
    assert "26.11.2026 0.30.00 (UTC+02:00)" in history and "22:30" not in history

    shown = run_cli("consent", "show", "-t", slug, "--client", who, env=env, check=True).stdout
    assert "26.11.2026 0.30.00 (UTC+02:00)" in shown

    board = run_cli("privacy", "requests", "-t", slug, env=env, check=True).stdout
    row = next(line for line in board.splitlines() if who in line)
    assert row.split()[-2:] == ["26.11.2026", "26.12.2026"]  # received, due (30 days), local

    # The call list: the day-1 check-in at 10:00 local (08:00 UTC) on the 27th, planned in the
    # tenant's language (Finnish).
    listing = run_cli("calls", "-t", slug, "--branch", "Main street", env=env, check=True).stdout
    assert "27.11.2026 10.00" in listing and "Toipumisen seuranta, päivä 1: Lip filler" in listing

    page = run_cli(
        "privacy", "export", "-t", slug, "--client", who, "--format", "html", env=env, check=True
    ).stdout
    # The letter is in the tenant's language (the client chose none): Finnish.
    assert re.search(r"tilanne 27\.11\.2026 11\.0\d\.\d\d \(UTC\+02:00\)\.", page)
    assert "Ajat ovat aikavyöhykkeellä Europe/Helsinki." in page
    assert "<dd>26.11.2026 0.30.00 (UTC+02:00)</dd>" in page  # the sale, the visit, the consent
    assert "2026-11-25T22:30" not in page
