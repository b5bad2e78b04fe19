"""The satisfaction survey: invited through the outbox only with consent (once per client and
day), answered once through the signed link on the public page (a second answer refused, the
first one kept; expired and forged links not found), a low score opening a complaint for the
branch manager, and tenant isolation."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from litestar.testing import AsyncTestClient

from salonkeep.core import consent
from salonkeep.core.aftercare.tables import Touchpoint
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.complaints import service, statistics, survey
from salonkeep.core.complaints.feedback_tables import SurveyAnswer
from salonkeep.core.complaints.tables import Complaint
from salonkeep.core.keys.service import decrypt_column
from salonkeep.core.privacy.rights import erase_client
from salonkeep.core.visits.service import record_service
from salonkeep.tenants import scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import add_staff
from salonkeep.web.app import create_app
from salonkeep.workers.surveys import survey_sweep

from .staff_helpers import PASSWORD, csrf_of


async def _visited(world, name="Aino", *, grant=True, email=True):
    with tenant_scope(world.ctx):
        client = await create_client(
            ClientInput(
                branch_id=world.branch_id,
                first_name=name,
                email=f"{name.lower()}@example.com" if email else "",
            )
        )
        if grant:
            await consent.record_consent(
                client.id, "marketing_email", True, channel="in_store_tablet", wording_shown="yes"
            )
        visit = await record_service(client.id, service="Facial", category="facial")
    return client, visit


async def test_invitations_need_consent_and_go_once_per_client_and_day(backend, tenant_a, frozen_clock):
    client, visit = await _visited(tenant_a)
    silent, _ = await _visited(tenant_a, "Bea", grant=False)
    no_address, _ = await _visited(tenant_a, "Cai", email=False)
    frozen_clock.advance(timedelta(minutes=30))
    with tenant_scope(tenant_a.ctx):
        await record_service(client.id, service="Manicure", category="nails")
        assert await survey.invite_due() == 0  # not yet: 2 hours after the visit by default
    frozen_clock.advance(timedelta(hours=2))
    assert (await survey_sweep({}))[tenant_a.slug] == 1  # the worker's cron job
    with tenant_scope(tenant_a.ctx):
        assert await survey.invite_due() == 0
        async with unit_of_work(tenant_a.ctx):
            queued = await scoped.objects(Touchpoint).where(Touchpoint.programme == survey.PROGRAMME)
    assert [(t.client_id, t.kind, t.purpose, t.template, t.status) for t in queued] == [
        (client.id, "message", "marketing_email", survey.TEMPLATE, "queued")
    ]
    values = json.loads(queued[0].template_vars)
    assert values["service"] == "Manicure" and f"/t/{tenant_a.slug}/survey/" in values["link"]
    assert silent.id not in [t.client_id for t in queued] and no_address.id not in [
        t.client_id for t in queued
    ]
    # The link opens the survey of the day's last visit.
    token = values["link"].rsplit("/", 1)[-1]
    assert survey.read_token(tenant_a.ctx.tenant_id, token) != visit.id


async def test_the_survey_is_answered_once_and_a_low_score_opens_a_complaint(backend, tenant_a, frozen_clock):
    client, visit = await _visited(tenant_a)
    with tenant_scope(tenant_a.ctx):
        manager, _ = await add_staff(
            email=f"boss@{tenant_a.slug}.example", name="Boss", role="branch_manager",
            branch_names=["Main street"], password=PASSWORD, agreement_signed=True,
        )  # fmt: skip
    token = survey.make_token(tenant_a.ctx.tenant_id, visit.id)
    url = f"/t/{tenant_a.slug}/survey/{token}"
    async with AsyncTestClient(create_app(backend.settings)) as http:
        form = await http.get(url)
        csrf = csrf_of(form.text)
        refused = await http.post(url, data={"_csrf_token": csrf, "score": "7", "comment": "x" * 2001})
        answered = await http.post(
            url, data={"_csrf_token": csrf, "score": "2", "comment": "Too hot ANSWERMARK"}
        )
        again = await http.post(url, data={"_csrf_token": csrf, "score": "5", "comment": "fine"})
        shown_again = await http.get(url)
        forged = await http.get(url[:-3] + "abc")
        other_tenant = await http.get(f"/t/does-not-matter/survey/{token}")
    assert form.status_code == 200 and 'name="score"' in form.text and "Facial" in form.text
    assert (
        refused.status_code == 422
        and 'id="score-error"' in refused.text
        and 'id="comment-error"' in refused.text
    )
    assert answered.status_code == 200, answered.text[:300]
    assert (
        again.status_code == 409 and shown_again.status_code == 200 and 'name="score"' not in shown_again.text
    )
    assert forged.status_code == 404 and other_tenant.status_code == 404
    with tenant_scope(tenant_a.ctx):
        async with unit_of_work(tenant_a.ctx):
            answers = await scoped.objects(SurveyAnswer)
            complaint = await scoped.get(Complaint, answers[0].complaint_id)
            comment = await decrypt_column(
                tenant_a.ctx, client.id, "survey_answer", "comment", answers[0].id, answers[0].comment
            )
        view = await service.get_complaint(complaint.id)
    assert [(a.score, a.visit_id) for a in answers] == [(2, visit.id)]  # the first answer stands
    assert "ANSWERMARK" not in answers[0].comment and comment == "Too hot ANSWERMARK"
    assert view.client_id == client.id and view.assignee_id == manager.id and view.channel == "website"
    assert view.description == "Satisfaction survey: 2/5. Too hot ANSWERMARK" and view.status == "in_progress"
    # An expired link: not found, nothing stored.
    later = survey.make_token(tenant_a.ctx.tenant_id, (await _visited(tenant_a, "Cai"))[1].id)
    frozen_clock.advance(survey.LINK_VALIDITY + timedelta(minutes=1))
    async with AsyncTestClient(create_app(backend.settings)) as http:
        expired = await http.get(f"/t/{tenant_a.slug}/survey/{later}")
    assert expired.status_code == 404
    with tenant_scope(tenant_a.ctx):
        async with unit_of_work(tenant_a.ctx):
            assert await scoped.count(SurveyAnswer) == 1


async def test_a_good_score_opens_nothing_and_tenants_are_isolated(backend, tenant_a, tenant_b, frozen_clock):
    _, visit = await _visited(tenant_a)
    await survey.answer_survey(tenant_a.ctx.tenant_id, survey.make_token(tenant_a.ctx.tenant_id, visit.id), 4)
    # Tenant B's key does not open tenant A's link, and B sees none of A's answers.
    token_a = survey.make_token(tenant_a.ctx.tenant_id, visit.id)
    async with AsyncTestClient(create_app(backend.settings)) as http:
        crossed = await http.get(f"/t/{tenant_b.slug}/survey/{token_a}")
    assert crossed.status_code == 404
    with tenant_scope(tenant_b.ctx):
        async with unit_of_work(tenant_b.ctx):
            assert await scoped.count(SurveyAnswer) == 0
        numbers = await statistics.complaint_numbers()
        assert numbers.survey_answers == 0
    with tenant_scope(tenant_a.ctx):
        async with unit_of_work(tenant_a.ctx):
            assert await scoped.count(Complaint) == 0
        numbers = await statistics.complaint_numbers()
    assert numbers.survey_answers == 1 and numbers.survey_scores[4] == 1


async def test_two_answers_at_the_same_moment_store_one(backend, tenant_a, frozen_clock):
    _, visit = await _visited(tenant_a)
    token = survey.make_token(tenant_a.ctx.tenant_id, visit.id)
    results = await asyncio.gather(
        *(survey.answer_survey(tenant_a.ctx.tenant_id, token, score) for score in (4, 5)),
        return_exceptions=True,
    )
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "UUID"], results
    with tenant_scope(tenant_a.ctx):
        async with unit_of_work(tenant_a.ctx):
            assert await scoped.count(SurveyAnswer) == 1


async def test_erasure_keeps_the_score_and_blanks_the_comment(backend, tenant_a, frozen_clock):
    client, visit = await _visited(tenant_a)
    token = survey.make_token(tenant_a.ctx.tenant_id, visit.id)
    await survey.answer_survey(tenant_a.ctx.tenant_id, token, 4, "Lovely ERASEMARK")
    with tenant_scope(tenant_a.ctx):
        report = await erase_client(client.id)
        async with unit_of_work(tenant_a.ctx):
            kept = await scoped.objects(SurveyAnswer)
        numbers = await statistics.complaint_numbers()
    assert report.kept.get("survey_answer") == 1
    assert [(a.score, a.comment) for a in kept] == [(4, "")]
    assert numbers.survey_answers == 1
