"""The staff complaint screens over HTTP: record from the client profile and the dashboard,
the board with the time left, and a complaint handled to the end (one refused proposal, then
an accepted one, closed) with the satisfaction call on the call list."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from litestar.testing import AsyncTestClient

from salonkeep.core.aftercare.calls import due_calls
from salonkeep.core.complaints import service
from salonkeep.tenants import clock
from salonkeep.tenants.context import tenant_scope
from salonkeep.web.app import create_app

from .staff_helpers import add_client, add_person, csrf_of, form_action, sign_in


async def test_a_complaint_handled_to_the_end_in_the_browser_pages(backend, tenant_a, frozen_clock):
    email = await add_person(tenant_a, "reception")
    aino = await add_client(tenant_a)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        assert (await sign_in(client, tenant_a.slug, email)).status_code == 200
        dashboard = await client.get("/app")
        assert 'href="/app/complaints/new"' in dashboard.text and 'href="/app/complaints"' in dashboard.text
        profile = await client.get(f"/app/clients/{aino.id}/s/complaints")
        assert 'id="panel-complaint-form"' in profile.text
        token = csrf_of(profile.text)
        refused = await client.post(
            "/app/complaints",
            data={"_csrf_token": token, "client_id": str(aino.id), "branch_id": str(tenant_a.branch_id),
                  "channel": "fax", "about": "service", "description": ""},
        )  # fmt: skip
        assert refused.status_code == 422
        assert 'id="channel-error"' in refused.text and 'id="description-error"' in refused.text
        made = await client.post(
            "/app/complaints",
            data={"_csrf_token": token, "client_id": str(aino.id), "branch_id": str(tenant_a.branch_id),
                  "channel": "in_store", "about": "service", "category": "quality", "about_ref": "Facial",
                  "description": "Skin red after the facial"},
        )  # fmt: skip
        assert made.status_code == 200 and "Skin red after the facial" in made.text
        # (No service calls inside the client: on PostgreSQL the app's engine lives in its loop.)
        complaint_id = str(made.url).rstrip("/").rsplit("/", 1)[-1]
        frozen_clock.advance(timedelta(minutes=2))
        board = await client.get("/app/complaints")
        assert f'id="complaint-{complaint_id}"' in board.text and "23 h 58 min left" in board.text
        page = await client.get(f"/app/complaints/{complaint_id}")
        url = f"/app/complaints/{complaint_id}"
        assert form_action(page.text, "/assign") == f"{url}/assign" and 'id="first-contact-form"' in page.text
        for step, data in (
            ("first-contact", {}),
            ("notes", {"notes": "Sensitive skin", "cause": "Strong peel", "coverage": "covered"}),
            ("propose", {"remedy": "explanation", "remedy_detail": "Redness fades in a day"}),
            ("answer", {"answer": "refused"}),
            ("propose", {"remedy": "free_correction", "remedy_detail": "A calming treatment"}),
            ("answer", {"answer": "accepted"}),
        ):
            done = await client.post(f"{url}/{step}", data={"_csrf_token": token, **data})
            assert done.status_code == 200, (step, done.text[:500])
        bad = await client.post(f"{url}/answer", data={"_csrf_token": token, "answer": "maybe"})
        assert bad.status_code == 422 and 'id="answer-error"' in bad.text
        empty = await client.post(f"{url}/close", data={"_csrf_token": token, "outcome": ""})
        assert empty.status_code == 422 and 'id="outcome-error"' in empty.text
        closed = await client.post(f"{url}/close", data={"_csrf_token": token, "outcome": "Client satisfied"})
        assert closed.status_code == 200 and 'id="complaint-closed"' in closed.text
        assert 'id="round-1"' in closed.text and 'id="round-2"' in closed.text
        assert "A satisfaction call is planned on the call list." in closed.text
    with tenant_scope(tenant_a.ctx):
        view = await service.get_complaint(UUID(complaint_id))
        listed = await due_calls(tenant_a.branch_id, now=clock.now() + timedelta(days=1))
    assert [(r.remedy, r.answer) for r in view.rounds] == [
        ("explanation", "refused"),
        ("free_correction", "accepted"),
    ]
    assert view.first_contacted_at is not None and view.status == "closed"
    assert "Satisfaction call after a complaint" in [i.title for i in listed]


async def test_a_missed_deadline_shows_on_the_branch_managers_dashboard(backend, tenant_a, frozen_clock):
    from salonkeep.core.complaints import escalation

    manager = await add_person(tenant_a, "branch_manager")
    reception = await add_person(tenant_a, "reception")
    with tenant_scope(tenant_a.ctx):
        made = await service.record_complaint(
            branch_id=tenant_a.branch_id, channel="website", about="service", description="Nobody called"
        )
        assert await escalation.escalate_due(clock.now() + timedelta(hours=25)) == 1
    for email, shown in ((manager, True), (reception, False)):
        async with AsyncTestClient(create_app(backend.settings)) as client:
            assert (await sign_in(client, tenant_a.slug, email)).status_code == 200
            page = await client.get("/app")
            assert (f'id="escalated-{made.id}"' in page.text) is shown, email
            board = await client.get("/app/complaints")
            assert "Escalated to the branch manager" in board.text


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def test_staff_add_a_photo_and_view_it_audited(backend, tenant_a, frozen_clock):
    from salonkeep.core.audit.tables import AuditEvent
    from salonkeep.tenants import scoped
    from salonkeep.tenants.db import unit_of_work

    email = await add_person(tenant_a, "reception")
    aino = await add_client(tenant_a)
    with tenant_scope(tenant_a.ctx):
        made = await service.record_complaint(
            branch_id=tenant_a.branch_id, channel="in_store", about="product", description="Cracked jar",
            client_id=aino.id,
        )  # fmt: skip
    url = f"/app/complaints/{made.id}"
    async with AsyncTestClient(create_app(backend.settings)) as client:
        assert (await sign_in(client, tenant_a.slug, email)).status_code == 200
        page = await client.get(url)
        assert 'id="photo-form"' in page.text and 'enctype="multipart/form-data"' in page.text
        token = csrf_of(page.text)
        bad = await client.post(
            f"{url}/photos",
            data={"_csrf_token": token},
            files=[("file", ("a.gif", b"GIF89a....", "image/gif"))],
        )
        assert bad.status_code == 422 and 'id="file-error"' in bad.text
        missing = await client.post(f"{url}/photos", data={"_csrf_token": token, "file": ""})
        assert missing.status_code == 422 and 'data-field="file"' in missing.text
        added = await client.post(
            f"{url}/photos", data={"_csrf_token": token}, files=[("file", ("jar.png", PNG, "image/png"))]
        )
        assert added.status_code == 200 and 'id="photo-' in added.text
        link = added.text.split(f'href="{url}/photos/', 1)[1].split('"', 1)[0]
        shown = await client.get(f"{url}/photos/{link}")
        assert (shown.status_code, shown.headers["content-type"], shown.content) == (200, "image/png", PNG)
        assert shown.headers["cache-control"] == "no-store"
        elsewhere = await client.get(f"/app/complaints/{UUID(int=1)}/photos/{link}")
        assert elsewhere.status_code == 404
    async with unit_of_work(tenant_a.ctx):
        views = await scoped.select(AuditEvent, AuditEvent.actor_label).where(
            (AuditEvent.subject == "complaint_attachment")
            & (AuditEvent.action == "view")
            & (AuditEvent.subject_id == UUID(link))
        )
    assert len(views) == 1 and email in views[0]["actor_label"]  # one view, by whom
