"""Staff read the programmes in their language: a Finnish salon's owner sees the programmes
page in Finnish (names, descriptions, setting labels and help, default texts) and saving it
as shown keeps the defaults; its receptionist's call list shows a Finnish title and script."""

from __future__ import annotations

import re
from datetime import timedelta

from litestar.testing import AsyncTestClient

from salonkeep.core.aftercare import programmes
from salonkeep.tenants import scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.tables import Tenant
from salonkeep.web import i18n
from salonkeep.web.app import create_app

from .staff_helpers import add_client, add_person, csrf_of, sign_in


async def _finnish(world) -> None:
    async with unit_of_work(world.ctx):
        await scoped.update_tenant({Tenant.default_locale: "fi"})
    i18n.catalog.cache_clear()


async def test_the_programmes_page_in_finnish_and_saving_it_keeps_the_defaults(backend, tenant_a):
    await _finnish(tenant_a)
    owner = f"owner@{tenant_a.slug}.example"
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, owner)
        page = (await client.get("/app/admin/programmes")).text
        assert '<html lang="fi">' in page
        for finnish in (
            "Esteettinen lääketiede: vuoden jälkihoito",  # a name
            "Toimenpiteen jälkeiset ohjeet, toipumisen seurantasoitot ja maksuton jälkihoitovuosi.",
            "Seurantasoitot (päivät)",  # a setting's label
            "Montako päivää ensimmäisen hoidon jälkeen soitetaan.",  # its help
            "Paikallinen kellonaika, jolloin soitot ja viestit erääntyvät.",  # a common setting's help
            "Ruokavalio: vältä alkoholia",  # the default instructions, in Finnish
            "Syntymäpäiväetu: -20 % yhdestä hoidosta tässä kuussa.",
            "Kosteutusmuistutus",  # the example plugin's programme, from its catalogue
        ):
            assert finnish in page, finnish
        for english in (
            "Post-operative instructions, recovery check-ins",
            "Check-in calls, days after the procedure.",
            "Diet: avoid alcohol",
            "Local time of day at which",
            "A call a few days after a facial.",
        ):
            assert english not in page, english
        form = re.search(r'<form[^>]*id="programme-medical_aftercare".*?</form>', page, re.S)
        assert form is not None
        fields = dict(re.findall(r'<input id="[^"]+" name="([a-z_]+)" value="([^"]*)"', form.group(0)))
        fields |= {
            name: text
            for name, text in re.findall(
                r'<textarea id="[^"]+" name="([a-z_]+)"[^>]*>(.*?)</textarea>', form.group(0), re.S
            )
        }
        assert fields["instructions"].startswith("Ruokavalio")
        saved = await client.post(
            "/app/admin/programmes/medical_aftercare",
            data={**fields, "enabled": "1", "checkin_days": "1, 7", "_csrf_token": csrf_of(page)},
            follow_redirects=False,
        )
        assert saved.status_code == 303
    with tenant_scope(tenant_a.ctx):
        state = {s.programme.name: s for s in await programmes.list_programmes()}["medical_aftercare"]
    instructions = state.programme.schema()["instructions"]
    # Saved as shown: still the default (a Russian-speaking client gets it in Russian).
    assert state.settings["checkin_days"] == [1, 7]
    assert state.settings["instructions"] == instructions.default
    assert instructions.text_for(state.settings["instructions"], "ru").startswith("Питание")


async def test_the_call_list_in_finnish(backend, tenant_a, frozen_clock):
    await _finnish(tenant_a)
    reception = await add_person(tenant_a, "reception")
    person = await add_client(tenant_a, first_name="Maija", last_name="Hoikka")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, reception)
        profile = await client.get(f"/app/clients/{person.id}")
        sold = await client.post(
            f"/app/clients/{person.id}/sales",
            data={
                "product": "Slim Gel",
                "category": "slimming",
                "quantity": "1",
                "price": "39,90",
                "_csrf_token": csrf_of(profile.text),
            },
        )
        assert sold.status_code == 200
        frozen_clock.advance(timedelta(days=2))
        await sign_in(client, tenant_a.slug, reception)
        today = (await client.get("/app")).text
    assert "Laihdutus, päivä 2: Slim Gel" in today  # the title
    assert "Ostitte toissapäivänä tuotteen Slim Gel" in today  # the script
    assert "Tuoteseuranta luokittain" in today  # the programme
    assert "Slimming day 2" not in today and "the day before yesterday" not in today
