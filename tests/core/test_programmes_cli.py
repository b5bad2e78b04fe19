"""``salonkeep programme …`` and ``salonkeep calls`` on the embedded SQLite default."""

from __future__ import annotations

from datetime import timedelta

import pytest

from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.visits.service import record_sale
from salonkeep.tenants import clock
from salonkeep.tenants.context import tenant_scope

from ..conftest import make_tenant, run_cli


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_programmes_enable_disable_and_settings(backend):
    world = await make_tenant()
    env = backend.env
    listing = run_cli("programme", "list", "-t", world.slug, env=env, check=True).stdout
    assert "follow_up_137" in listing and "disabled" in listing and "medical_aftercare" in listing
    assert (
        "enabled"
        in run_cli("programme", "enable", "-t", world.slug, "follow_up_137", env=env, check=True).stdout
    )
    out = run_cli(
        "programme", "set", "-t", world.slug, "follow_up_137", "days", "1,3,7,14", env=env, check=True
    )
    assert out.stdout.strip() == "follow_up_137: days = 1,3,7,14"
    run_cli("programme", "disable", "-t", world.slug, "warranty", env=env, check=True)
    shown = run_cli("programme", "list", "-t", world.slug, "--settings", env=env, check=True).stdout
    assert "follow_up_137: enabled" in shown and "  days = 1,3,7,14" in shown
    assert "warranty: disabled" in shown

    for args, message in [
        (("follow_up_137", "days", "7,3"), "error: days: must be increasing, without repeats"),
        (("follow_up_137", "call_time", "25:99"), "error: call_time: must be a time such as 10:00"),
        (("first_visit_call", "days_after", "99"), "error: days_after: must be at most 30"),
        (("first_visit_call", "colour", "red"), "error: colour: not a setting of first_visit_call"),
        (("no_such", "days", "1"), "error: no programme called 'no_such'"),
    ]:
        result = run_cli("programme", "set", "-t", world.slug, *args, env=env)
        assert result.returncode == 2, result.stderr
        assert result.stderr.strip().startswith(message)
        assert len(result.stderr.strip().splitlines()) == 1
    # Nothing bad was written: the earlier value stands.
    assert "  days = 1,3,7,14" in run_cli("programme", "list", "-t", world.slug, "--settings", env=env).stdout


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_calls_prints_the_branch_call_list(backend):
    world = await make_tenant()
    with tenant_scope(world.ctx):
        client = await create_client(
            ClientInput(branch_id=world.branch_id, first_name="Helmi", last_name="Koski")
        )
        await record_sale(
            client.id, product="Slim gel", category="slimming", sold_at=clock.now() - timedelta(days=3)
        )
    out = run_cli("calls", "-t", world.slug, "--branch", "Main street", env=backend.env, check=True).stdout
    lines = out.splitlines()
    assert lines[0].split() == ["DUE", "FLAG", "KIND", "PROGRAMME", "CLIENT", "PHONE", "PREFERRED", "TITLE"]
    assert "OVERDUE" in lines[1] and "Helmi Koski" in lines[1] and "Slimming day 2: Slim gel" in lines[1]
    script_at = next(i for i, line in enumerate(lines) if line.startswith("- Slimming day 2: Slim gel ["))
    assert "have you started using it?" in "\n".join(lines[script_at : script_at + 3])
    missing = run_cli("calls", "-t", world.slug, "--branch", "Nowhere", env=backend.env)
    assert (missing.returncode, missing.stderr.strip()) == (2, "error: no branch called 'Nowhere'")
