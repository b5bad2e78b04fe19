"""The satisfaction survey on the staff side: the owner sets on the settings page whether the
survey goes out, after how many hours and which scores open a complaint (bad values refused
by name, nothing saved, other roles refused); the complaint page shows the client's survey
answers, comments in clear, the one that opened the complaint marked, within branch scope."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from litestar.testing import AsyncTestClient

from salonkeep.core import consent
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.complaints import service, survey, survey_answers
from salonkeep.core.complaints.feedback_tables import SurveyAnswer
from salonkeep.core.visits.service import record_service
from salonkeep.tenants import scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import add_branch
from salonkeep.tenants.tenant_settings import load_tenant_settings
from salonkeep.web.app import create_app

from .staff_helpers import add_person, csrf_of, sign_in


async def _settings(world):
    return await load_tenant_settings(world.ctx.tenant_id)


async def test_the_owner_sets_the_survey_on_the_settings_page(backend, tenant_a, frozen_clock):
    owner = await add_person(tenant_a, "owner")
    manager = await add_person(tenant_a, "branch_manager")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, owner)
        await client.post("/app/account/language", data={"locale": "fi", "_csrf_token": await _token(client)})
        page = await client.get("/app/admin/settings")
        assert page.status_code == 200 and 'id="survey-settings"' in page.text
        assert "Tyytyväisyyskysely" in page.text  # the labels in the owner's language
        assert 'name="survey_send" value="1" id="survey_send" checked' in page.text  # on by default
        token = csrf_of(page.text)
        form = {"_csrf_token": token, "survey_send": "1"}
        for field, bad in (("survey_after_hours", "two"), ("survey_after_hours", "0"),
                           ("survey_after_hours", "721"), ("survey_low_score", "5"),
                           ("survey_low_score", "-1")):  # fmt: skip
            good = {"survey_after_hours": "5", "survey_low_score": "3"}
            refused = await client.post("/app/admin/settings/survey", data={**form, **good, field: bad})
            assert refused.status_code == 422, (field, bad)
            assert f'id="{field}-error"' in refused.text, (field, bad)
            assert f'value="{bad}"' in refused.text or field == "survey_low_score"  # kept as typed
        saved = await client.post(
            "/app/admin/settings/survey",
            data={**form, "survey_after_hours": "5", "survey_low_score": "3"},
            follow_redirects=False,
        )
        assert saved.status_code == 303
        shown = await client.get("/app/admin/settings")
        assert 'id="survey_after_hours" name="survey_after_hours" inputmode="numeric" value="5"' in shown.text
        await client.post("/logout", data={"_csrf_token": token})
        await sign_in(client, tenant_a.slug, manager)
        other = await client.post(
            "/app/admin/settings/survey",
            data={"_csrf_token": await _token(client), "survey_after_hours": "9", "survey_low_score": "1"},
        )
        assert other.status_code == 403
    settings = await _settings(tenant_a)
    assert (settings.survey_after_hours, settings.survey_low_score) == (5, 3)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, owner)
        token = csrf_of((await client.get("/app/admin/settings")).text)
        off = await client.post(
            "/app/admin/settings/survey",
            data={"_csrf_token": token, "survey_after_hours": "", "survey_low_score": "0"},
            follow_redirects=False,
        )
        assert off.status_code == 303
        page = await client.get("/app/admin/settings")
        assert 'id="survey_send" checked' not in page.text
    settings = await _settings(tenant_a)
    assert (settings.survey_after_hours, settings.survey_low_score) == (0, 0)
    # Turned off: no invitation goes out, however long after a visit.
    with tenant_scope(tenant_a.ctx):
        person = await create_client(
            ClientInput(branch_id=tenant_a.branch_id, first_name="Bea", email="bea@example.com")
        )
        await consent.record_consent(
            person.id, "marketing_email", True, channel="in_store_tablet", wording_shown="yes"
        )
        await record_service(person.id, service="Facial", category="facial")
    frozen_clock.advance(timedelta(hours=30))
    with tenant_scope(tenant_a.ctx):
        assert await survey.invite_due() == 0


async def _token(client) -> str:
    return csrf_of((await client.get("/app/account")).text)


async def test_the_complaint_page_shows_the_clients_survey_answers(backend, tenant_a, frozen_clock):
    with tenant_scope(tenant_a.ctx):
        harbour = await add_branch(name="Harbour")
        person = await create_client(
            ClientInput(branch_id=tenant_a.branch_id, first_name="Aino", email="aino@example.com")
        )
        low = await record_service(person.id, service="Facial", category="facial")
        good = await record_service(person.id, service="Manicure", category="nails")
        other = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Other"))
        elsewhere = await record_service(other.id, service="Massage", category="body")
    with tenant_scope(dataclasses.replace(tenant_a.ctx, branch_id=harbour.id)):  # recorded at Harbour
        away = await record_service(person.id, service="Pedicure", category="nails")
    tenant_id = tenant_a.ctx.tenant_id
    await survey.answer_survey(tenant_id, survey.make_token(tenant_id, low.id), 1, "Burnt skin LOWMARK")
    frozen_clock.advance(timedelta(hours=1))
    await survey.answer_survey(tenant_id, survey.make_token(tenant_id, good.id), 5, "Lovely GOODMARK")
    await survey.answer_survey(tenant_id, survey.make_token(tenant_id, away.id), 4, "Harbour AWAYMARK")
    await survey.answer_survey(tenant_id, survey.make_token(tenant_id, elsewhere.id), 5, "OTHERMARK")
    async with unit_of_work(tenant_a.ctx):
        (opened,) = await scoped.fetch(SurveyAnswer, "score = {}", 1)
    with tenant_scope(tenant_a.ctx):
        unlinked = await service.record_complaint(
            branch_id=tenant_a.branch_id, channel="phone", about="service", description="No client yet",
            contact_name="Someone", contact_phone="+358401111111",
        )  # fmt: skip
    reception = await add_person(tenant_a, "reception")  # works in Main street only
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, reception)
        page = await client.get(f"/app/complaints/{opened.complaint_id}")
        without = await client.get(f"/app/complaints/{unlinked.id}")
    assert page.status_code == 200 and 'id="complaint-survey-answers"' in page.text
    text = page.text[page.text.index('id="complaint-survey-answers"') :]
    assert "LOWMARK" in text and "GOODMARK" in text and "1 of 5" in text and "5 of 5" in text
    assert text.index("GOODMARK") < text.index("LOWMARK")  # newest first
    row = text[text.index(f'id="survey-answer-{opened.id}"') :]
    assert "This answer opened the complaint" in row[: row.index("</tr>")]
    assert "AWAYMARK" not in text  # another branch's answer: out of reception's scope
    assert "OTHERMARK" not in text  # another client's
    assert without.status_code == 200 and 'id="complaint-survey-answers"' not in without.text
    with tenant_scope(tenant_a.ctx):
        everything = await survey_answers.client_answers(person.id)  # the owner sees every branch
    assert [(a.service, a.score) for a in everything][-1] == ("Facial", 1)
    assert {a.comment for a in everything} == {"Burnt skin LOWMARK", "Lovely GOODMARK", "Harbour AWAYMARK"}
