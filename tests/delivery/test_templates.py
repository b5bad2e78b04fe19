"""Message templates: every built-in message in en, zh, ru and fi; rendered at send time in
the client's language, else the tenant's, else English; owners' overrides sandboxed,
validated and used."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.clients.tables import Client
from salonkeep.core.delivery import templates
from salonkeep.core.events import AppointmentBooked
from salonkeep.tenants import scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.tables import Tenant

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"


def test_every_built_in_message_has_a_template_in_each_language():
    names = templates.built_in_names()
    # the programmes' eight, the re-consent request, the booking proposal and decline, the
    # satisfaction survey
    assert len(names) == 12
    for name in names:
        for language in templates.LANGUAGES:
            path = templates.FOLDER / f"{name}.{language}.txt"
            assert path.exists(), f"{path} is missing"
            subject, body = templates.validate(path.read_text())
            assert subject and body


def test_every_template_a_built_in_plugin_names_exists():
    named = set()
    for path in PLUGINS.rglob("*.py"):
        text = path.read_text()
        constants = dict(re.findall(r'^([A-Z_]+) = "([a-z_0-9]+)"', text, flags=re.M))
        for constant, name in re.findall(r'template=f"\{([A-Z_]+)\}/([a-z_0-9{}]+)"', text):
            named.add(f"{constants[constant]}/{name}")
    named = {n for n in named if "{" not in n} | {f"birthday_greetings/{x}" for x in ("card", "day", "offer")}
    assert named <= set(templates.built_in_names())
    assert len(named) == 8


@pytest.mark.parametrize(
    ("text", "field_message"),
    [
        ("Hello {{ first_name }}", "the first line must be 'Subject: …'"),
        ("Subject: Hi\n{{ first_name.__class__.__mro__ }}", "cannot render"),
        ("Subject: Hi\n{{ unknown_value }}", "cannot render"),
        ("Subject: Hi\n{% for %}", "cannot render"),
    ],
)
def test_owner_text_is_validated_in_the_sandbox(text, field_message):
    with pytest.raises(ValidationFailed) as refused:
        templates.validate(text)
    assert field_message in refused.value.errors["template"]


def test_preview_renders_sample_values():
    assert templates.validate("Subject: Hi {{ first_name }}\nSee you at {{ salon }}.") == (
        "Hi Maija",
        "See you at Aurora Beauty.",
    )


async def _client(world, name: str, locale: str | None):
    """A client with a preferred language (the client form does not offer it yet: set here)."""
    with tenant_scope(world.ctx):
        client = await create_client(
            ClientInput(branch_id=world.branch_id, first_name=name, email=f"{name.lower()}@client.example")
        )
        async with unit_of_work():
            await scoped.update(Client, {Client.preferred_locale: locale}).where(Client.id == client.id)
    return client


async def test_reminders_go_out_in_the_clients_language_else_the_tenants_else_english(
    salonkeep_tenant, salonkeep_clock, emit, salonkeep_deliver
):
    world = salonkeep_tenant
    async with unit_of_work(world.ctx):  # the directory row is written as its own tenant
        await scoped.update_tenant({Tenant.default_locale: "fi"})
    people = {
        "Li": await _client(world, "Li", "zh"),
        "Olga": await _client(world, "Olga", "ru"),
        "Aino": await _client(world, "Aino", None),  # the tenant's language: Finnish
        "Sven": await _client(world, "Sven", "sv"),  # no Swedish templates: the tenant's
    }
    starts = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)  # 12:00 in Helsinki (EEST)
    for person in people.values():
        await emit(AppointmentBooked, client_id=person.id, service="Facial", starts_at=starts)
    salonkeep_clock.advance(timedelta(days=4))  # past the day-before reminders, in daytime
    sent = {d.message.client_name: d.message for d in await salonkeep_deliver() if d.channel == "email"}
    assert sent["Li"].language == "zh" and sent["Li"].subject == "预约提醒"
    assert "Facial在2026年3月30日 12:00" in sent["Li"].body
    assert sent["Olga"].language == "ru" and sent["Olga"].subject == "Напоминание о записи"  # noqa: RUF001
    assert sent["Aino"].language == "fi" and sent["Aino"].body.startswith(
        "Hei Aino, muistutus: Facial 30.3.2026 klo 12.00"
    )
    assert sent["Sven"].language == "fi"
    assert all(m.body.rstrip().endswith(f"Salon {world.slug}") for m in sent.values())


async def test_an_owners_override_is_used_for_that_tenant_and_language(
    salonkeep_tenant, salonkeep_clock, emit, salonkeep_deliver
):
    import json

    world = salonkeep_tenant
    override = (
        "Subject: Muistathan!\n"
        "Hei {{ first_name }}, nähdään {{ starts_at|date }} klo {{ starts_at|time }}. T. {{ salon }}"
    )
    templates.validate(override)
    async with unit_of_work(world.ctx):  # the directory row is written as its own tenant
        await scoped.update_tenant(
            {
                Tenant.default_locale: "fi",
                Tenant.settings: json.dumps(
                    {"message_templates": {"next_appointment_reminder/reminder": {"fi": override}}}
                ),
            }
        )
    aino = await _client(world, "Aino", "fi")
    li = await _client(world, "Li", "zh")
    starts = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)
    for person in (aino, li):
        await emit(AppointmentBooked, client_id=person.id, service="Facial", starts_at=starts)
    salonkeep_clock.advance(timedelta(days=4))
    sent = {d.message.client_name: d.message for d in await salonkeep_deliver()}
    assert (sent["Aino"].subject, sent["Aino"].body) == (
        "Muistathan!",
        f"Hei Aino, nähdään 30.3.2026 klo 12.00. T. Salon {world.slug}",
    )
    assert sent["Li"].subject == "预约提醒"  # no Chinese override: the built-in text


async def test_birthday_card_becomes_a_print_and_post_task_three_days_ahead(
    salonkeep_tenant, salonkeep_clock, salonkeep_consent, salonkeep_deliver, planned
):
    from datetime import date

    from salonkeep.core import consent

    world = salonkeep_tenant
    with tenant_scope(world.ctx):
        client = await create_client(
            ClientInput(branch_id=world.branch_id, first_name="Helmi", date_of_birth=date(1990, 4, 10))
        )
        await consent.grant(client.id, "greetings", channel="in_store_tablet", wording_shown="Greetings")
    card = [
        t
        for t in await planned(programme="birthday_greetings", client_id=client.id)
        if t.title == "Birthday card"
    ]
    assert [t.due_at for t in card] == [datetime(2026, 4, 7, 7, 0, tzinfo=UTC)]  # 10:00 EEST, 3 days ahead
    salonkeep_clock.advance(datetime(2026, 4, 7, 7, 30, tzinfo=UTC) - salonkeep_clock.at)
    letters = [d for d in await salonkeep_deliver() if d.channel == "letter"]
    assert [d.message.subject for d in letters] == ["Birthday card for Helmi"]
    tasks = await planned(kind="task", client_id=client.id)
    assert [(t.title, t.status) for t in tasks] == [("Print and post: Birthday card for Helmi", "planned")]


def test_a_plugin_ships_message_templates_in_its_template_folder(tmp_path):
    import pluggy

    from salonkeep.core.plugins import hookspecs
    from salonkeep.core.plugins.api import PROJECT, hookimpl
    from salonkeep.core.plugins.manager import Plugins, use_plugins

    (tmp_path / "hydration").mkdir()
    (tmp_path / "hydration" / "check.fi.txt").write_text(
        "Subject: Iho?\nHei {{ first_name }}, miltä iho tuntuu?"
    )

    class HydrationTemplates:
        @hookimpl
        def salonkeep_template_dirs(self):
            return [str(tmp_path)]

    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.register(HydrationTemplates(), name="hydration")
    use_plugins(Plugins(pm, []))
    templates._files.cache_clear()
    try:
        assert templates.render("hydration/check", {"first_name": "Aino"}, ["fi"]) == (
            "Iho?",
            "Hei Aino, miltä iho tuntuu?",
            "fi",
        )
    finally:
        use_plugins(None)
        templates._files.cache_clear()
