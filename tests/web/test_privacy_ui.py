"""The privacy screens over HTTP: sign-in audit, consent and audit panels, the privacy
officer's workspace and the owner's privacy-policy page (both backends)."""

from __future__ import annotations

import json

from litestar.testing import AsyncTestClient

from salonkeep.core import audit, consent
from salonkeep.core.privacy import rights
from salonkeep.tenants.context import tenant_scope
from salonkeep.web.app import create_app

from .staff_helpers import add_client, add_person, csrf, csrf_of, sign_in


async def _events(world, action: str):
    with tenant_scope(world.ctx):
        return await audit.search_events(action=action)


async def test_sign_in_failure_and_sign_out_are_audited(backend, tenant_a):
    email = await add_person(tenant_a, "reception")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        refused = await sign_in(client, tenant_a.slug, email, "wrong-password")
        assert refused.status_code == 401
        await sign_in(client, tenant_a.slug, "nobody@nowhere.example", "wrong-password")
        assert (await sign_in(client, tenant_a.slug, email)).status_code == 200
        token = await csrf(client)
        await client.post("/logout", data={"_csrf_token": token})
    failed = await _events(tenant_a, audit.AuditAction.SIGN_IN_FAILED)
    assert len(failed) == 1  # the unknown e-mail is not a staff member: not recorded
    assert failed[0].actor_label == f"staff {email}" and failed[0].role == "reception"
    assert failed[0].ip and failed[0].reason == "wrong password"
    signed_in = await _events(tenant_a, audit.AuditAction.SIGN_IN)
    assert [(e.actor_label, e.role) for e in signed_in] == [(f"staff {email}", "reception")]
    assert signed_in[0].ip and signed_in[0].branch_id == tenant_a.branch_id
    assert len(await _events(tenant_a, audit.AuditAction.SIGN_OUT)) == 1


async def test_reception_records_a_withdrawal_that_applies_at_once(backend, tenant_a, tenant_b):
    reception = await add_person(tenant_a, "reception")
    person = await add_client(tenant_a)
    other = await add_client(tenant_b)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, reception)
        profile = await client.get(f"/app/clients/{person.id}/s/consent")
        assert 'id="panel-consent"' in profile.text and 'id="tab-audit"' not in profile.text
        assert 'id="consent-panel"' in profile.text  # in the page itself, without script
        assert (await client.get(f"/app/clients/{person.id}/s/audit")).status_code == 403
        assert (await client.get(f"/app/clients/{person.id}/audit")).status_code == 403
        assert (await client.get("/app/privacy")).status_code == 403
        panel = await client.get(f"/app/clients/{person.id}/consent")
        assert panel.status_code == 200 and "never asked" in panel.text
        assert consent.wording(consent.Purpose.MARKETING_EMAIL) in panel.text
        assert f"/t/{tenant_a.slug}/consent/" in panel.text
        token = csrf_of(profile.text)
        form = {"purpose": "marketing_email", "channel": "in_store_tablet", "_csrf_token": token}
        granted = await client.post(f"/app/clients/{person.id}/consent", data={**form, "decision": "grant"})
        assert granted.status_code == 200 and "granted" in granted.text
        # Without script the form comes back to the Consent section, a whole page.
        assert str(granted.url).endswith(f"/app/clients/{person.id}/s/consent") and "<html" in granted.text
    # (the test client's lifespan binds the engine in its own loop: check the core after it)
    with tenant_scope(tenant_a.ctx):
        assert await consent.allows(person.id, consent.Purpose.MARKETING_EMAIL)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, reception)
        form["_csrf_token"] = await csrf(client)
        withdrawn = await client.post(
            f"/app/clients/{person.id}/consent",
            data={**form, "decision": "withdraw"},
            headers={"HX-Request": "true"},
        )
        # htmx swaps the panel in place, with the notice.
        assert withdrawn.status_code == 200 and 'id="consent-notice"' in withdrawn.text
        assert "<html" not in withdrawn.text
        bad = await client.post(
            f"/app/clients/{person.id}/consent", data={**form, "channel": "online_form", "decision": "grant"}
        )
        assert bad.status_code == 422 and 'id="consent-channel-error"' in bad.text
        assert (await client.get(f"/app/clients/{other.id}/consent")).status_code == 404
    with tenant_scope(tenant_a.ctx):
        assert not await consent.allows(person.id, consent.Purpose.MARKETING_EMAIL)
        ledger = await consent.ledger(person.id)
    assert [e.granted for e in ledger] == [False, True]
    assert ledger[0].wording == consent.wording(consent.Purpose.MARKETING_EMAIL)


async def test_privacy_officer_reads_consent_only_and_sees_the_audit_history(backend, tenant_a, tenant_b):
    officer = await add_person(tenant_a, "privacy_officer")
    person = await add_client(tenant_a)
    other = await add_client(tenant_b)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, officer)
        profile = await client.get(f"/app/clients/{person.id}/s/audit")
        assert 'id="panel-audit"' in profile.text and 'id="audit-panel"' in profile.text
        panel = await client.get(f"/app/clients/{person.id}/consent")
        assert "consent-form" not in panel.text and "self-service-link" not in panel.text
        refused = await client.post(
            f"/app/clients/{person.id}/consent",
            data={
                "purpose": "photos",
                "decision": "grant",
                "channel": "paper_scanned",
                "_csrf_token": csrf_of(profile.text),
            },
        )
        assert refused.status_code == 403
        history = await client.get(f"/app/clients/{person.id}/audit")
        assert history.status_code == 200 and 'data-action="view"' in history.text
        assert "ALLERGY-MARK" not in history.text
        report = await client.get(f"/app/clients/{person.id}/access-report")
        assert (
            report.status_code == 200
            and 'href="/static/access-report.css"' in report.text
            and "privacy_officer" in report.text
        )
        assert (await client.get(f"/app/clients/{other.id}/audit")).status_code == 404
        assert (await client.get(f"/app/clients/{other.id}/access-report")).status_code == 404


async def test_privacy_officer_exports_erases_and_runs_the_board(backend, tenant_a, tenant_b):
    officer = await add_person(tenant_a, "privacy_officer")
    person = await add_client(tenant_a, first_name="Maija", last_name="Erasable")
    other = await add_client(tenant_b)
    with tenant_scope(tenant_b.ctx):
        foreign = await rights.open_request(other.id, "access")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, officer)
        board = await client.get("/app/privacy")
        assert board.status_code == 200 and 'data-nav="privacy"' in board.text
        token = csrf_of(board.text)
        opened = await client.post(
            "/app/privacy/requests",
            data={"client_id": str(person.id), "kind": "erasure", "_csrf_token": token},
        )
        assert opened.status_code == 200 and "erasure" in opened.text and "open-requests" in opened.text
        bad = await client.post(
            "/app/privacy/requests",
            data={"client_id": str(other.id), "kind": "erasure", "_csrf_token": token},
        )
        assert bad.status_code == 404
        closing = await client.post(
            f"/app/privacy/requests/{foreign.id}/close", data={"status": "done", "_csrf_token": token}
        )
        assert closing.status_code == 404
        assert (await client.get(f"/app/privacy/clients/{other.id}/erase")).status_code == 404
        exported = await client.post(
            f"/app/privacy/clients/{person.id}/export", data={"format": "json", "_csrf_token": token}
        )
        assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
        assert json.loads(exported.text)["client"]["last_name"] == "Erasable"
        readable = await client.post(
            f"/app/privacy/clients/{person.id}/export", data={"format": "html", "_csrf_token": token}
        )
        assert readable.status_code == 200 and "Erasable" in readable.text
        assert (
            await client.post(
                f"/app/privacy/clients/{other.id}/export", data={"format": "json", "_csrf_token": token}
            )
        ).status_code == 404
        page = await client.get(f"/app/privacy/clients/{person.id}/erase")
        assert page.status_code == 200
        request_id = page.text.split('<option value="')[2].split('"')[0]  # the open erasure request
        wrong = await client.post(
            f"/app/privacy/clients/{person.id}/erase",
            data={"confirm": "yes", "reason": "", "_csrf_token": token},
        )
        assert (
            wrong.status_code == 422
            and 'id="confirm-error"' in wrong.text
            and 'id="reason-error"' in wrong.text
        )
        assert "Erasable" in (await client.get(f"/app/clients/{person.id}")).text
        erased = await client.post(
            f"/app/privacy/clients/{person.id}/erase",
            data={
                "confirm": "Maija Erasable",
                "reason": "client asked by e-mail",
                "request_id": request_id,
                "_csrf_token": token,
            },
        )
        assert erased.status_code == 200
        assert "Erasable" not in erased.text and "Maija" not in erased.text
        assert "open-requests" not in (await client.get("/app/privacy")).text  # the request was settled
    with tenant_scope(tenant_a.ctx):
        assert len(await audit.search_events(action="erase", client_id=person.id)) == 1


async def test_sharing_without_consent_names_the_field(backend, tenant_a):
    person = await add_client(tenant_a)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example")
        token = await csrf(client, "/app/privacy/sharing")
        added = await client.post(
            "/app/privacy/sharing/partners",
            data={"name": "Lab Oy", "contract_ref": "C-1", "purposes": "lab tests", "_csrf_token": token},
        )
        assert added.status_code == 200 and "Lab Oy" in added.text
        partner_id = added.text.split("<code>")[1].split("</code>")[0]
        refused = await client.post(
            "/app/privacy/sharing/disclosures",
            data={
                "client_id": str(person.id),
                "partner_id": partner_id,
                "fields": "first_name,phone",
                "purpose": "lab tests",
                "_csrf_token": token,
            },
        )
        assert refused.status_code == 422 and 'id="client_id-error"' in refused.text
        retention = await client.get("/app/privacy/retention")
        assert retention.status_code == 200 and "Retention dry run" in retention.text
        search = await client.get(f"/app/privacy/audit?client_id={person.id}&action=view")
        assert search.status_code == 200
        assert (await client.get("/app/privacy/audit?since=yesterday")).status_code == 422
        verified = await client.post("/app/privacy/audit/verify", data={"_csrf_token": token})
        assert verified.status_code == 200 and "Chain intact" in verified.text


async def test_owner_publishes_a_policy_with_notice(backend, tenant_a):
    base = {
        name: f"Answer about {name}"
        for name in ("collected", "purposes", "recipients", "choices", "complaints")
    }
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example")
        token = await csrf(client, "/app/admin/privacy-policy")
        early = await client.post(
            "/app/admin/privacy-policy",
            data={
                **base,
                "complaints": "",
                "locale": "en",
                "effective_from": "2000-01-01",
                "_csrf_token": token,
            },
        )
        assert early.status_code == 422
        assert 'id="effective_from-error"' in early.text and 'id="complaints-error"' in early.text
        published = await client.post(
            "/app/admin/privacy-policy", data={**base, "locale": "en", "_csrf_token": token}
        )
        assert published.status_code == 200 and "Answer" not in published.text
        assert "<td>1</td><td>en</td>" in published.text
    reception = await add_person(tenant_a, "reception")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, reception)
        assert (await client.get("/app/admin/privacy-policy")).status_code == 403


async def test_a_profile_view_is_one_audit_row_naming_everything_it_showed(backend, tenant_a):
    owner = await add_person(tenant_a, "owner")
    person = await add_client(tenant_a)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, owner)
        assert (await client.get(f"/app/clients/{person.id}")).status_code == 200
    new = [e for e in await _events(tenant_a, "view") if e.client_id == person.id]
    # The page's parts (header, the open section) each audit what they show; within one page
    # view they become one row, written with the page's read before it was sent. The
    # profile opens on Details: the health data, not the history.
    assert len(new) == 1, [(e.subject, e.fields) for e in new]
    shown = set(new[0].fields)
    assert {"first_name", "phone", "allergies", "health_notes"} <= shown
    assert not shown & {"visits", "sales"}
    assert new[0].subject == "client" and new[0].role == "owner"


async def test_each_profile_section_audits_what_it_shows_and_only_that(backend, tenant_a):
    """Health data is audited as viewed when the section showing it (Details) is rendered,
    and only then: every other section, as a page or loaded by htmx, names no health field."""
    owner = await add_person(tenant_a, "owner")
    person = await add_client(tenant_a)
    htmx = {"HX-Request": "true"}
    health = {"needs", "allergies", "health_notes"}
    asked: list[tuple[str, bool, bool]] = []  # (section, by htmx, the allergy shown)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, owner)
        tabs = (await client.get(f"/app/clients/{person.id}")).text
        keys = [part.split('"', 1)[0] for part in tabs.split('data-section="')[1:]]
        assert len(keys) >= 8 and keys[0] == "details"
        for key in keys:
            for as_htmx in (False, True):
                page = await client.get(f"/app/clients/{person.id}/s/{key}", headers=htmx if as_htmx else {})
                assert page.status_code == 200, (key, as_htmx)
                asked.append((key, as_htmx, "ALLERGY-MARK" in page.text))
    # (the test client's lifespan binds the engine in its own loop: read the trail after it)
    views = sorted(
        (e for e in await _events(tenant_a, "view") if e.client_id == person.id), key=lambda e: e.occurred_at
    )
    # One row per response (the first: the profile's own address), in the order asked.
    assert len(views) == len(asked) + 1, [(e.subject, e.fields) for e in views]
    seen: dict[tuple[str, bool], set[str]] = {}
    for (key, as_htmx, allergy_shown), event in zip(asked, views[1:], strict=True):
        fields = set(event.fields)
        seen[(key, as_htmx)] = fields
        # What the audit names is what the response carried.
        assert ("allergies" in fields) is allergy_shown, (key, as_htmx, fields)
        if key == "details":
            assert health <= fields, (key, as_htmx, fields)
        else:
            assert not fields & health, (key, as_htmx, fields)
        # The header's facts (phone, e-mail) are shown and audited on whole pages only.
        assert ("phone" in fields) is (not as_htmx), (key, as_htmx, fields)
    assert {"visits", "sales"} <= seen[("history", True)]
    assert not {"visits", "sales"} & seen[("details", False)]


async def test_the_audit_panel_shows_the_newest_events_and_points_to_the_full_report(backend, tenant_a):
    from salonkeep.core.clients.service import get_client

    officer = await add_person(tenant_a, "privacy_officer")
    person = await add_client(tenant_a)
    with tenant_scope(tenant_a.ctx):
        for _ in range(24):
            await get_client(person.id)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, officer)
        panel = await client.get(f"/app/clients/{person.id}/audit", headers={"HX-Request": "true"})
        report = await client.get(f"/app/clients/{person.id}/access-report")
    assert panel.status_code == 200 and panel.text.count('data-action="') == 20
    assert 'id="audit-more"' in panel.text
    # the creation and the 24 views (and nothing cut) in the printable report
    assert report.text.count('data-action="view"') >= 24 and 'data-action="create"' in report.text
