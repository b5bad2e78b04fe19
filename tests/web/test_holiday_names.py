"""Public holidays are named in the person's language where the ``holidays`` package has it for
the country, else in the country's own language, else in English: on the staff calendar and
on the public booking page (Finland: Good Friday is "Pitkäperjantai" in Finnish)."""

from __future__ import annotations

from datetime import date

import holidays
from litestar.testing import AsyncTestClient

from salonkeep.core.appointments.holiday_names import holiday_name, language_for
from salonkeep.core.delivery.templates import LANGUAGES
from salonkeep.web.app import create_app

from ..appointments.helpers import prepare
from .staff_helpers import add_person, csrf, sign_in

GOOD_FRIDAY = date(2026, 4, 3)


def test_finnish_holidays_in_finnish_english_and_the_fallbacks():
    assert holiday_name(GOOD_FRIDAY, "FI", "fi") == "Pitkäperjantai"
    assert holiday_name(GOOD_FRIDAY, "FI", "en") == "Good Friday"
    # No Chinese or Russian names for Finland: the country's own language.
    assert holiday_name(GOOD_FRIDAY, "FI", "zh") == "Pitkäperjantai"
    assert holiday_name(GOOD_FRIDAY, "FI", "ru") == "Pitkäperjantai"
    assert holiday_name(date(2026, 4, 2), "FI", "fi") is None
    assert holiday_name(date(2026, 1, 1), "CN", "zh") == "元旦"  # zh → the package's zh_CN
    assert language_for("GB", "en") == "en_GB"  # the country's own English first
    assert language_for("XX", "fi") is None and holiday_name(GOOD_FRIDAY, "XX", "fi") is None


def test_every_country_gets_a_language_it_offers_for_every_ui_language():
    """Walk every country of the package: the chosen code is always one the country offers,
    the person's language whenever it is offered."""
    countries = holidays.list_supported_countries()
    assert len(countries) > 100
    for country in countries:
        offered = holidays.country_holidays(country).supported_languages
        for language in LANGUAGES:
            chosen = language_for(country, language)
            if not offered:
                continue
            assert chosen in offered, (country, language, chosen, offered)
            if any(code.split("_")[0] == language for code in offered):
                assert chosen.split("_")[0] == language, (country, language, chosen)


async def test_the_calendar_and_the_booking_page_name_the_holiday_in_the_persons_language(
    backend, tenant_a, frozen_clock
):
    booking = await prepare(tenant_a)
    reception = await add_person(tenant_a, "reception")
    public = f"/t/{tenant_a.slug}/book/{tenant_a.branch_id}?service={booking.facial_id}&week=2026-04-03"
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, reception)
        english = await client.get("/app/calendar", params={"day": "2026-04-03"})
        await client.post("/app/account/language", data={"locale": "fi", "_csrf_token": await csrf(client)})
        finnish = await client.get("/app/calendar", params={"day": "2026-04-03"})
    async with AsyncTestClient(create_app(backend.settings)) as visitor:
        page_fi = await visitor.get(public, headers={"Accept-Language": "fi-FI,fi;q=0.9"})
        page_en = await visitor.get(public, headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "Closed: Good Friday" in english.text
    assert "Suljettu: Pitkäperjantai" in finnish.text and "Good Friday" not in finnish.text
    assert '<html lang="fi">' in page_fi.text and "Varaa aika" in page_fi.text  # the visitor's language
    assert 'data-closed="2026-04-03"' in page_fi.text and "Suljettu: Pitkäperjantai" in page_fi.text
    assert "Closed: Good Friday" in page_en.text
    assert 'data-closed="2026-04-02"' not in page_en.text  # an ordinary day: no holiday named
