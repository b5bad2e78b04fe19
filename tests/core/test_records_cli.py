"""``salonkeep client service|sale|referral|touchpoints`` and ``salonkeep outcome``, in-process
(typer's CliRunner): what they record goes through the core services, so the programmes plan
their calls; bad input is one line ``error: field: message`` and exit 2."""

from __future__ import annotations

import asyncio
import re

from typer.testing import CliRunner

from salonkeep.core.aftercare import calls
from salonkeep.core.apps import all_tables
from salonkeep.core.cli.main import app
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.tenants import db
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.onboarding import add_staff


def _cli(backend, monkeypatch, *args: str):
    for name, value in backend.env.items():
        monkeypatch.setenv(name, value)
    engine = db.get_engine()
    try:
        return CliRunner().invoke(app, list(args))
    finally:
        db.bind(engine, all_tables())


async def cli(backend, monkeypatch, *args: str):
    """Run ``salonkeep ARGS`` in a thread (the command runs its own event loop)."""
    return await asyncio.to_thread(_cli, backend, monkeypatch, *args)


async def test_record_a_sale_and_work_its_calls_from_the_command_line(
    backend, tenant_a, frozen_clock, monkeypatch
):
    with tenant_scope(tenant_a.ctx):
        helmi = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Helmi"))
        liisa, _ = await add_staff(
            email=f"liisa@{tenant_a.slug}.example",
            name="Liisa",
            role="practitioner",
            branch_names=["Main street"],
        )
    t = ("-t", tenant_a.slug)
    sold = await cli(
        backend,
        monkeypatch,
        "client",
        "sale",
        *t,
        str(helmi.id),
        "--product",
        "Slim gel",
        "--category",
        "slimming",
        "--price-cents",
        "3990",
        "--staff",
        str(liisa.id),
    )
    assert sold.exit_code == 0, sold.output
    assert sold.output.startswith("sale recorded: ")
    listed = await cli(backend, monkeypatch, "client", "touchpoints", *t, str(helmi.id))
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[0].split()[:6] == ["DUE", "KIND", "PROGRAMME", "STATUS", "OUTCOME", "FOR"]
    day5 = next(line for line in lines if "Slimming day 5" in line)
    assert str(liisa.id) in day5 and "planned" in day5  # the seller makes the day-5 call
    day2_id = re.search(r"Slimming day 2: Slim gel\s+([0-9a-f-]{36})", listed.output).group(1)  # type: ignore[union-attr]

    moved = await cli(backend, monkeypatch, "outcome", *t, day2_id, "not_convenient", "--note", "at work")
    assert moved.exit_code == 0, moved.output
    assert moved.output.strip() == "Slimming day 2: Slim gel: not_convenient, planned"
    done = await cli(backend, monkeypatch, "outcome", *t, day2_id, "reached")
    assert done.output.strip() == "Slimming day 2: Slim gel: reached, done"
    with tenant_scope(tenant_a.ctx):
        (row,) = [v for v in await calls.client_touchpoints(helmi.id) if str(v.id) == day2_id]
    assert (row.status, row.attempts) == ("done", 1)  # "not convenient" burnt no attempt

    wrong = await cli(backend, monkeypatch, "outcome", *t, day2_id, "maybe")
    assert wrong.exit_code == 2 and "error: outcome: choose one of" in wrong.output
    bad = await cli(
        backend, monkeypatch, "client", "sale", *t, str(helmi.id), "--product", "X", "--category", "cheese"
    )
    assert bad.exit_code == 2 and "error: category: choose one of" in bad.output
    nobody = await cli(
        backend, monkeypatch, "client", "sale", *t, str(helmi.id), "--product", "X", "--category", "care",
        "--staff", str(helmi.id),
    )  # fmt: skip
    assert nobody.exit_code == 2 and "error: staff_id: no active staff member" in nobody.output


async def test_record_a_service_and_a_referral_from_the_command_line(
    backend, tenant_a, frozen_clock, monkeypatch
):
    with tenant_scope(tenant_a.ctx):
        member = await create_client(
            ClientInput(branch_id=tenant_a.branch_id, first_name="Ritva", kind="member")
        )
        guest = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Gia"))
    t = ("-t", tenant_a.slug)
    referred = await cli(backend, monkeypatch, "client", "referral", *t, str(guest.id), str(member.id))
    assert referred.exit_code == 0 and referred.output.strip() == "referral recorded"
    twice = await cli(backend, monkeypatch, "client", "referral", *t, str(guest.id), str(member.id))
    assert twice.exit_code == 2 and twice.output.startswith("error: guest_id:")
    served = await cli(
        backend,
        monkeypatch,
        "client",
        "service",
        *t,
        str(guest.id),
        "--service",
        "Facial",
        "--category",
        "facial",
    )
    assert served.exit_code == 0, served.output
    with tenant_scope(tenant_a.ctx):
        thanks = [v for v in await calls.client_touchpoints(member.id) if v.programme == "referrals"]
        first = [v for v in await calls.client_touchpoints(guest.id) if v.programme == "first_visit_call"]
    assert [t.title for t in thanks] == ["Thank Ritva for referring Gia"]
    assert len(first) == 1
    service = ("client", "service", *t, str(guest.id), "--service", "Peel", "--category", "facial")
    when = await cli(backend, monkeypatch, *service, "--at", "yesterday")
    assert when.exit_code == 2 and when.output.startswith("error: at: use an ISO date")
    none = await cli(backend, monkeypatch, "client", "touchpoints", *t, "not-an-id")
    assert none.exit_code == 2 and none.output.strip() == "error: client: not a valid id"
