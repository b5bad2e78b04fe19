"""``salonkeep signup invite`` and ``salonkeep staff import``, run in-process (typer's
CliRunner): the printed link opens the sign-up; a file with a bad row invites nobody (one line
per refusal, exit 2), a good one invites everyone and queues their e-mails."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner

from salonkeep.core import signup
from salonkeep.core.apps import all_tables
from salonkeep.core.cli.main import app
from salonkeep.core.privacy.tables import StaffNotice
from salonkeep.tenants import db
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import list_staff


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
async def test_signup_invite_prints_a_link_bound_to_the_address(backend, monkeypatch):
    made = await cli(
        backend, monkeypatch, "signup", "invite", "--email", "Owner@Chain.example", "--days", "3"
    )
    assert made.exit_code == 0, made.output
    link = made.output.strip().rsplit(" ", 1)[1]
    assert "valid 3 days, once, for owner@chain.example" in made.output
    assert urlsplit(link).path == "/signup"
    invitation = signup.read_invitation(parse_qs(urlsplit(link).query)["invitation"][0])
    assert invitation.email == "owner@chain.example"
    refused = await cli(backend, monkeypatch, "signup", "invite", "--email", "not-an-address")
    assert refused.exit_code == 2 and refused.output.startswith("error: email:")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_staff_import_is_all_or_nothing(backend, tenant_a, monkeypatch, tmp_path):
    slug = tenant_a.slug
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Name;E-mail;Role;Branch\n"  # no "email" column
        f"Pia;pia@{slug}.example;practitioner;Main street\n"
    )
    missing = await cli(backend, monkeypatch, "staff", "import", "-t", slug, "--file", str(bad))
    assert missing.exit_code == 2 and "file: the first row must name the columns email" in missing.output
    bad.write_text(
        "name,email,role,branch\n"
        f"Pia,pia@{slug}.example,practitioner,Main street\n"
        f"Rita,rita@{slug}.example,reception,\n"
        f"Pia Again,pia@{slug}.example,reception,Main street\n"
        f"Ghost,ghost@{slug}.example,wizard,Main street\n"
    )
    refused = await cli(backend, monkeypatch, "staff", "import", "-t", slug, "--file", str(bad))
    assert refused.exit_code == 2
    lines = refused.output.strip().splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == ["row 3", "row 4", "row 5"]
    assert lines[-1] == "error: 3 rows were refused; nobody was invited"
    with tenant_scope(tenant_a.ctx):
        assert [s.email for s in await list_staff()] == [f"owner@{slug}.example"]

    good = tmp_path / "good.csv"
    good.write_text(
        "email,name,role,branch\n"
        f"pia@{slug}.example,Pia,practitioner,Main street\n"
        f"rita@{slug}.example,Rita,reception,Main street\n"
    )
    done = await cli(backend, monkeypatch, "staff", "import", "-t", slug, "--file", str(good))
    assert done.exit_code == 0, done.output
    assert done.output.strip().splitlines()[-1] == "2 invitations queued for e-mail"
    with tenant_scope(tenant_a.ctx):
        invited = {s.email: s.password_hash for s in await list_staff()}
    assert invited[f"pia@{slug}.example"] is None  # they choose their password from the e-mail
    async with unit_of_work(tenant_a.ctx):
        queued = await StaffNotice.objects().where(StaffNotice.tenant_id == tenant_a.ctx.tenant_id)
    assert sorted(n.to_address for n in queued) == [f"pia@{slug}.example", f"rita@{slug}.example"]
