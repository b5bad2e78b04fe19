"""The owner's delivery screens: Reminders, Delivery problems (retry / cancel), Sent messages
with their files, template overrides (preview, validation, save); owners only; /metrics."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from litestar.testing import AsyncTestClient

from salonkeep.core.delivery.registry import built_in_channels
from salonkeep.core.delivery.service import deliver_due
from salonkeep.web.app import create_app

from ..web.staff_helpers import add_person, csrf_of, sign_in
from .helpers import add_client, config, messages, queue
from .test_rules import Flaky

PAGES = [
    "/app/admin/reminders",
    "/app/admin/messages?status=failed",
    "/app/admin/messages?status=sent",
    "/app/admin/templates",
]


async def test_owner_sees_figures_problems_and_sent_files_and_retries(backend, tenant_a, frozen_clock):
    frozen_clock.at = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    client = await add_client(tenant_a, first_name="Aino")
    [broken] = await queue(tenant_a, client.id, title="Will fail")
    await deliver_due(tenant_a.ctx, {"email": Flaky()}, config(max_attempts=1))
    [good] = await queue(tenant_a, client.id, title="Goes out")
    await deliver_due(tenant_a.ctx, built_in_channels(config(), backend.settings.data_dir), config())
    [later] = await queue(tenant_a, client.id, due_at=datetime(2026, 6, 9, 9, 0, tzinfo=UTC))
    owner = f"owner@{tenant_a.slug}.example"
    async with AsyncTestClient(create_app(backend.settings)) as http:
        await sign_in(http, tenant_a.slug, owner)
        page = await http.get("/app/admin/reminders")
        assert page.status_code == 200 and 'data-nav="reminders"' in page.text
        assert '<dd data-figure="later">1</dd>' in page.text
        assert 'data-day="2026-06-01" data-channel="email"' in page.text
        assert (
            '<td data-outcome="sent">1</td>' in page.text and '<td data-outcome="failed">1</td>' in page.text
        )
        problems = await http.get("/app/admin/messages?status=failed")
        assert f'data-message="{broken}"' in problems.text and "gave up after 1 attempts" in problems.text
        assert f'data-message="{good}"' not in problems.text
        sent = await http.get("/app/admin/messages?status=sent")
        assert f"/app/admin/messages/{good}/file" in sent.text
        file = await http.get(f"/app/admin/messages/{good}/file")
        assert file.status_code == 200 and f"Message-ID: <sk-{good}@" in file.text and "Goes out" in file.text
        assert (await http.get(f"/app/admin/messages/{later}/file")).status_code == 404
        token = csrf_of(problems.text)
        retried = await http.post(
            f"/app/admin/messages/{broken}/retry", data={"_csrf_token": token}, follow_redirects=False
        )
        assert retried.status_code == 303
        again = await http.post(f"/app/admin/messages/{broken}/cancel", data={"_csrf_token": token})
        assert again.status_code == 422  # queued now, not failed
        metrics = await http.get("/metrics")
        assert metrics.status_code == 200 and "salonkeep_delivery_messages_total" in metrics.text
    assert (await messages(tenant_a))[broken].status == "queued"


async def test_template_override_preview_validation_and_save(backend, tenant_a):
    owner = f"owner@{tenant_a.slug}.example"
    async with AsyncTestClient(create_app(backend.settings)) as http:
        await sign_in(http, tenant_a.slug, owner)
        editor = await http.get("/app/admin/templates?name=birthday_greetings/day&language=fi")
        assert editor.status_code == 200 and "Hyvää syntymäpäivää" in editor.text
        token = csrf_of(editor.text)
        form = {"name": "birthday_greetings/day", "language": "fi", "_csrf_token": token}
        preview = await http.post(
            "/app/admin/templates",
            data={**form, "action": "preview", "text": "Subject: Onnea {{ first_name }}\nT. {{ salon }}"},
        )
        assert preview.status_code == 200 and "Onnea Maija" in preview.text
        bad = await http.post(
            "/app/admin/templates", data={**form, "action": "save", "text": "Subject: x\n{{ nope }}"}
        )
        assert bad.status_code == 422 and 'data-field="template"' in bad.text
        saved = await http.post(
            "/app/admin/templates",
            data={**form, "action": "save", "text": "Subject: Onnea {{ first_name }}\nT. {{ salon }}"},
        )
        assert saved.status_code == 200 and "Saved." in saved.text
        listing = await http.get("/app/admin/templates")
        assert 'language=fi">fi</a>*' in listing.text
        unknown = await http.post(
            "/app/admin/templates", data={**form, "name": "nope/x", "action": "save", "text": "Subject: a\nb"}
        )
        assert unknown.status_code == 404


@pytest.mark.parametrize("role", ["branch_manager", "practitioner", "reception", "privacy_officer"])
async def test_only_owners_reach_the_delivery_screens(backend, tenant_a, role):
    email = await add_person(tenant_a, role)
    async with AsyncTestClient(create_app(backend.settings)) as http:
        await sign_in(http, tenant_a.slug, email)
        for path in PAGES:
            assert (await http.get(path)).status_code == 403, path
