"""The client's preferred contact channel per purpose: a programme plans "a service message"
(no channel) and the delivery workers pick e-mail, SMS or a call from what staff recorded;
a call goes on the branch's call list with the message as its script."""

from __future__ import annotations

import asyncio
import textwrap
from importlib.metadata import EntryPoint, entry_points

import pytest
from typer.testing import CliRunner

from salonkeep.core.aftercare import calls, contact
from salonkeep.core.apps import all_tables
from salonkeep.core.audit.tables import AuditEvent
from salonkeep.core.cli.main import app
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.plugins.api import ClientRegistered
from salonkeep.core.plugins.manager import build_plugins, use_plugins
from salonkeep.tenants import db, scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import ValidationFailed

WELCOME = """
from salonkeep.core.plugins.api import ClientRegistered, PlannedMessage, Programme, hookimpl

@hookimpl
def salonkeep_programmes():
    return [Programme("welcome", "Welcome", "A service message to every new client")]

@hookimpl
def salonkeep_event(event, plan):
    if isinstance(event, ClientRegistered):
        return [PlannedMessage("welcome", "welcome", plan.now, "Welcome", "Welcome to our salon!")]
    return []
"""


@pytest.fixture
def welcome_plugin(tmp_path, monkeypatch):
    (tmp_path / "sk_welcome.py").write_text(textwrap.dedent(WELCOME))
    monkeypatch.syspath_prepend(str(tmp_path))
    point = EntryPoint(name="welcome", value="sk_welcome", group="salonkeep")
    use_plugins(build_plugins([*entry_points(group="salonkeep"), point]))
    yield
    use_plugins(None)


async def test_the_preferred_channel_of_the_purpose_decides_how_a_message_goes(
    welcome_plugin, salonkeep_clock, salonkeep_tenant, emit, salonkeep_deliver
):
    ctx = salonkeep_tenant.ctx
    people = {}
    with tenant_scope(ctx):
        for name in ("Aino", "Bea", "Cilla"):
            people[name] = await create_client(
                ClientInput(
                    branch_id=salonkeep_tenant.branch_id,
                    first_name=name,
                    email=f"{name.lower()}@example.com",
                    phone="+358401234567",
                )
            )
        await contact.set_preferred_channel(people["Bea"].id, "service", "sms")
        await contact.set_preferred_channel(people["Cilla"].id, "service", "call")
        # A preference for another purpose does not change a service message.
        await contact.set_preferred_channel(people["Aino"].id, "greetings", "sms")
    for person in people.values():
        await emit(ClientRegistered, client_id=person.id)

    sent = {d.message.client_id: d.channel for d in await salonkeep_deliver()}
    assert sent == {people["Aino"].id: "email", people["Bea"].id: "sms"}
    with tenant_scope(ctx):
        (call,) = await calls.client_touchpoints(people["Cilla"].id)
        due = await calls.due_calls(salonkeep_tenant.branch_id)
        async with unit_of_work(ctx):
            audited = await scoped.objects(AuditEvent).where(AuditEvent.subject == "contact_preference")
    # Cilla prefers a call: the message is a call on the branch's list, its text the script.
    assert (call.kind, call.status, call.script) == ("call", "planned", "Welcome to our salon!")
    assert [c.touchpoint_id for c in due] == [call.id]
    assert len(audited) == 3
    # Nothing more goes out on the next round.
    assert await salonkeep_deliver() == []


async def test_a_preference_names_a_known_purpose_and_channel(salonkeep_tenant, salonkeep_client):
    with tenant_scope(salonkeep_tenant.ctx):
        with pytest.raises(ValidationFailed) as refused:
            await contact.set_preferred_channel(salonkeep_client.id, "gossip", "pigeon")
        assert set(refused.value.errors) == {"purpose", "channel"}
        assert await contact.set_preferred_channel(salonkeep_client.id, "service", "letter") == {
            "service": "letter"
        }
        assert await contact.set_preferred_channel(salonkeep_client.id, "service", "") == {}
        assert await contact.preferred_channels(salonkeep_client.id) == {}


def _cli(backend, monkeypatch, *args: str):
    for name, value in backend.env.items():
        monkeypatch.setenv(name, value)
    engine = db.get_engine()
    try:
        return CliRunner().invoke(app, list(args))
    finally:
        db.bind(engine, all_tables())


async def test_the_preferred_channel_from_the_command_line(backend, tenant_a, frozen_clock, monkeypatch):
    with tenant_scope(tenant_a.ctx):
        helmi = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Helmi"))

    async def cli(*args: str):
        return await asyncio.to_thread(
            _cli, backend, monkeypatch, "client", "channel", "-t", tenant_a.slug, *args
        )

    chosen = await cli(str(helmi.id), "service", "call")
    assert chosen.exit_code == 0, chosen.output
    assert chosen.output.strip() == "preferred channels: service: call"
    bad = await cli(str(helmi.id), "service", "fax")
    assert bad.exit_code == 2 and bad.output.startswith(
        "error: channel: choose one of email, sms, letter, call"
    )
    cleared = await cli(str(helmi.id), "service", "none")
    assert cleared.output.strip() == "preferred channels: none"
    with tenant_scope(tenant_a.ctx):
        assert await contact.preferred_channels(helmi.id) == {}
