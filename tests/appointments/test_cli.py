"""``salonkeep appointment book|move|cancel``, ``salonkeep appointments`` and ``salonkeep
catalogue import|export``, run in-process (typer's CliRunner)."""

from __future__ import annotations

import asyncio

import pytest
from typer.testing import CliRunner

from salonkeep.core.apps import all_tables
from salonkeep.core.cli.main import app
from salonkeep.tenants import db
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.tables import StaffMember

from .helpers import prepare


def _cli(backend, monkeypatch, *args: str):
    for name, value in backend.env.items():
        monkeypatch.setenv(name, value)
    engine = db.get_engine()
    try:
        return CliRunner().invoke(app, list(args))
    finally:
        db.bind(engine, all_tables())


async def cli(backend, monkeypatch, *args: str):
    """Run the command in a thread of its own (it runs its own event loop)."""
    return await asyncio.to_thread(_cli, backend, monkeypatch, *args)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_book_list_move_cancel_from_the_command_line(backend, tenant_a, frozen_clock, monkeypatch):
    b = await prepare(tenant_a)
    with tenant_scope(tenant_a.ctx):
        pia = await StaffMember.objects().where(StaffMember.id == b.staff_id).first()
    slug, client = tenant_a.slug, str(b.client_id)
    # Local Helsinki time when no offset is given: 30 March 12:00 (summer time, UTC+3).
    booked = await cli(
        backend,
        monkeypatch,
        "appointment",
        "book",
        "-t",
        slug,
        "--client",
        client,
        "--service",
        "Facial",
        "--staff",
        pia.email,
        "--at",
        "2026-03-30T12:00",
    )
    assert booked.exit_code == 0, booked.output
    appointment_id = booked.output.strip()
    clash = await cli(
        backend,
        monkeypatch,
        "appointment",
        "book",
        "-t",
        slug,
        "--client",
        client,
        "--service",
        "Facial",
        "--staff",
        pia.email,
        "--at",
        "2026-03-30T09:30+00:00",
    )
    assert clash.exit_code == 2
    assert clash.output.strip().splitlines() == [
        "error: starts_at: the staff member is already booked at this time"
    ]
    bad = await cli(
        backend,
        monkeypatch,
        "appointment",
        "book",
        "-t",
        slug,
        "--client",
        client,
        "--service",
        "Facial",
        "--staff",
        pia.email,
        "--at",
        "next tuesday",
    )
    assert (bad.exit_code, bad.output.strip().splitlines()[-1].startswith("error: at:")) == (2, True)

    day = await cli(
        backend, monkeypatch, "appointments", "-t", slug, "--branch", "Main street", "--date", "2026-03-30"
    )
    assert day.exit_code == 0, day.output
    (row,) = [line for line in day.output.splitlines() if appointment_id in line]
    assert row.split()[:4] == ["12:00", "PM", "1:00", "PM"] and "Facial" in row and "Iris" in row

    moved = await cli(
        backend,
        monkeypatch,
        "appointment",
        "move",
        "-t",
        slug,
        "--id",
        appointment_id,
        "--at",
        "2026-03-31T10:00",
    )
    assert (moved.exit_code, moved.output.strip()) == (0, "moved")
    cancelled = await cli(
        backend, monkeypatch, "appointment", "cancel", "-t", slug, "--id", appointment_id, "--reason", "Ill"
    )
    assert (cancelled.exit_code, cancelled.output.strip()) == (0, "cancelled")
    again = await cli(
        backend, monkeypatch, "appointment", "cancel", "-t", slug, "--id", appointment_id, "--reason", "Ill"
    )
    assert again.exit_code == 2
    assert again.output.strip() == "error: status: only a booked appointment can be cancelled"
    empty = await cli(
        backend, monkeypatch, "appointments", "-t", slug, "--branch", "Main street", "--date", "2026-03-31"
    )
    assert empty.output.strip() == "no appointments"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_catalogue_export_and_import(backend, tenant_a, tenant_b, frozen_clock, monkeypatch, tmp_path):
    await prepare(tenant_a)
    exported = tmp_path / "catalogue.csv"
    out = await cli(backend, monkeypatch, "catalogue", "export", "-t", tenant_a.slug, "--file", str(exported))
    assert out.exit_code == 0, out.output
    assert "service,Facial,facial" in exported.read_text()
    loaded = await cli(
        backend, monkeypatch, "catalogue", "import", "-t", tenant_b.slug, "--file", str(exported)
    )
    assert loaded.output.strip() == "added 1, changed 0"
    broken = tmp_path / "broken.csv"
    broken.write_text("type,name,category\nservice,,facial\n")
    refused = await cli(
        backend, monkeypatch, "catalogue", "import", "-t", tenant_b.slug, "--file", str(broken)
    )
    assert refused.exit_code == 2
    assert refused.output.strip() == "error: row 2: name: is required"
