"""The breach register page, the re-consent screen, the staff obligations page and the
confidentiality agreement gate over HTTP (both backends)."""

from __future__ import annotations

import base64
import dataclasses
from datetime import timedelta

from litestar.testing import AsyncTestClient

from salonkeep.core import consent
from salonkeep.core.aftercare.tables import Touchpoint
from salonkeep.core.clients.tables import Client
from salonkeep.core.consent.policy import current_policy, publish_policy
from salonkeep.core.privacy import sharing
from salonkeep.core.privacy.tables import Partner, PrivacyTraining
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import add_staff
from salonkeep.tenants.tables import ConfidentialityAgreement, StaffMember
from salonkeep.tenants.tenant_settings import load_tenant_settings
from salonkeep.web.app import create_app

from ..core.privacy_helpers import policy_text
from .staff_helpers import PASSWORD, add_client, add_person, csrf_of, set_tenant_settings, sign_in

PAPER = "paper@clinic.example"


async def test_the_breach_register_page(backend, tenant_a, frozen_clock):
    officer = await add_person(tenant_a, "privacy_officer")
    person = await add_client(tenant_a)
    with tenant_scope(tenant_a.ctx):
        async with unit_of_work():
            await scoped.update(Client, {Client.preferred_locale: "fi"}).where(Client.id == person.id)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, officer)
        await client.get(f"/app/clients/{person.id}")  # an audited view, inside the window
        page = await client.get("/app/privacy/breaches")
        assert page.status_code == 200 and 'id="no-breaches"' in page.text
        token = csrf_of(page.text)
        refused = await client.post(
            "/app/privacy/breaches", data={"summary": "", "found_at": "not a time", "_csrf_token": token}
        )
        assert refused.status_code == 422
        assert 'id="summary-error"' in refused.text or 'id="found_at-error"' in refused.text
        opened = await client.post(
            "/app/privacy/breaches",
            data={"summary": "Laptop stolen", "found_at": "2026-03-27T11:00", "_csrf_token": token},
        )
        assert opened.status_code == 200 and 'id="breach-detail"' in opened.text
        # Found at 11:00 Helsinki time (09:00 UTC, the frozen clock's now): 72 hours left.
        assert "72 h 0 min left" in opened.text
        breach_path = str(opened.url.path)
        listing = await client.get("/app/privacy/breaches")
        assert "Laptop stolen" in listing.text and "min left" in listing.text
        detail_token = csrf_of(opened.text)
        bad_window = await client.post(
            f"{breach_path}/affected", data={"from": "", "to": "yesterday", "_csrf_token": detail_token}
        )
        assert bad_window.status_code == 422 and 'id="from-error"' in bad_window.text
        computed = await client.post(
            f"{breach_path}/affected",
            data={"from": "2026-03-26T00:00", "to": "2026-03-28T00:00", "_csrf_token": detail_token},
        )
        assert computed.status_code == 200 and f'data-client="{person.id}"' in computed.text
        saved = await client.post(
            breach_path,
            data={
                "consequences": "Contact details may be read",
                "measures": "Passwords reset",
                "decision": "Notify the clients",
                "authority_notified_at": "",
                "_csrf_token": detail_token,
            },
        )
        assert saved.status_code == 200 and "Notify the clients" in saved.text
        letter = await client.get(f"{breach_path}/letters/{person.id}")
        assert letter.status_code == 200 and 'id="letter-body"' in letter.text
        assert "Passwords reset" in letter.text  # in Finnish: the client's language
        english = await client.get(f"{breach_path}/letters/{person.id}", params={"language": "en"})
        assert english.text != letter.text
        report = await client.get(f"{breach_path}/report")
        assert "(a) Nature of the breach" in report.text and "Passwords reset" in report.text


async def test_branch_roles_cannot_open_the_privacy_pages(backend, tenant_a):
    manager = await add_person(tenant_a, "branch_manager")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, manager)
        for path in ("/app/privacy/breaches", "/app/privacy/reconsent", "/app/privacy/obligations"):
            assert (await client.get(path)).status_code == 403, path


async def test_the_officer_sends_re_consent_requests_once(backend, tenant_a, frozen_clock):
    officer = await add_person(tenant_a, "privacy_officer")
    person = await add_client(tenant_a, first_name="Reeta")
    with tenant_scope(tenant_a.ctx):
        await publish_policy({"en": policy_text()}, effective_from=clock.now(), override_notice=True)
        v1 = (await current_policy("en")).id
        await consent.grant(
            person.id,
            consent.Purpose.PHOTOS,
            channel="in_store_tablet",
            wording_shown=consent.wording(consent.Purpose.PHOTOS),
            policy_version_id=v1,
        )
        frozen_clock.advance(timedelta(minutes=1))
        changed = dataclasses.replace(policy_text(), collected="Name, contact details, photos")
        await publish_policy({"en": changed}, effective_from=clock.now(), override_notice=True)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, officer)
        page = await client.get("/app/privacy/reconsent")
        assert f'data-client="{person.id}"' in page.text and "Reeta" in page.text
        token = csrf_of(page.text)
        sent = await client.post("/app/privacy/reconsent", data={"_csrf_token": token})
        assert sent.status_code == 200 and 'id="reconsent-queued"' in sent.text
        again = await client.post("/app/privacy/reconsent", data={"_csrf_token": token})
        assert again.status_code == 200
    with tenant_scope(tenant_a.ctx):
        async with unit_of_work():
            rows = await scoped.fetch(Touchpoint, "programme = 'reconsent'")
    assert [r.client_id for r in rows] == [person.id]


async def test_staff_see_no_client_data_before_signing_the_agreement(backend, tenant_a):
    person = await add_client(tenant_a)
    with tenant_scope(tenant_a.ctx):
        await add_staff(
            email="new@clinic.example",
            name="New Hire",
            role="practitioner",
            branch_names=["Main street"],
            password=PASSWORD,
        )
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, "new@clinic.example")
        for path in (f"/app/clients/{person.id}", "/app/clients"):
            blocked = await client.get(path)
            assert blocked.status_code == 403 and 'id="agreement-required"' in blocked.text, path
            assert "ALLERGY-MARK" not in blocked.text and "Virtanen" not in blocked.text
        form = await client.get("/app/agreement")
        token = csrf_of(form.text)
        unticked = await client.post("/app/agreement", data={"_csrf_token": token})
        assert unticked.status_code == 422 and 'id="agree-error"' in unticked.text
        signed = await client.post("/app/agreement", data={"agree": "yes", "_csrf_token": token})
        assert signed.status_code == 200
        assert "Virtanen" in (await client.get(f"/app/clients/{person.id}")).text
    # A new version of the agreement must be signed again.
    await set_tenant_settings(tenant_a, confidentiality_version="2")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, "new@clinic.example")
        assert (await client.get(f"/app/clients/{person.id}")).status_code == 403
    with tenant_scope(tenant_a.ctx):
        async with unit_of_work():
            rows = await scoped.objects(ConfidentialityAgreement)
            staff = await scoped.objects(StaffMember).where(StaffMember.email == "new@clinic.example")
    assert [(r.staff_id, r.version) for r in rows if r.staff_id == staff[0].id] == [(staff[0].id, "1")]


async def test_obligations_page_records_signatures_trainings_and_partner_terms(
    backend, tenant_a, frozen_clock
):
    officer = await add_person(tenant_a, "privacy_officer")
    with tenant_scope(tenant_a.ctx):
        await add_staff(
            email="paper@clinic.example", name="Paper Signer", role="reception", password=PASSWORD
        )
        partner = await sharing.add_partner("Lab Oy", "C-7", ["lab tests"])
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, officer)
        page = await client.get("/app/privacy/obligations")
        assert page.status_code == 200 and 'data-staff="paper@clinic.example" data-current="no"' in page.text
        token = csrf_of(page.text)
        unknown = await client.post(
            "/app/privacy/obligations/agreements", data={"email": "ghost@x.example", "_csrf_token": token}
        )
        assert unknown.status_code == 422 and 'id="email-error"' in unknown.text
        recorded = await client.post(
            "/app/privacy/obligations/agreements",
            data={"email": "paper@clinic.example", "_csrf_token": token},
        )
        assert 'data-staff="paper@clinic.example" data-current="yes"' in recorded.text
        bad = await client.post(
            "/app/privacy/obligations/trainings",
            data={
                "training_email": "paper@clinic.example",
                "course": "GDPR basics",
                "completed_at": "2026-03-01",
                "renew_by": "2026-02-01",
                "_csrf_token": token,
            },
        )
        assert bad.status_code == 422 and 'id="renew_by-error"' in bad.text
        trained = await client.post(
            "/app/privacy/obligations/trainings",
            data={
                "training_email": "paper@clinic.example",
                "course": "GDPR basics",
                "completed_at": "2026-03-01",
                "renew_by": "2027-03-01",
                "_csrf_token": token,
            },
        )
        assert trained.status_code == 200 and "GDPR basics" in trained.text
        terms = await client.post(
            f"/app/privacy/partners/{partner.id}/terms",
            data={
                "contract_clauses": "Use only for lab tests; delete after 30 days",
                "vetted_at": "2026-01-10",
                "review_due_at": "2026-12-31",
                "security_report_ref": "Archive 2026/14",
                "_csrf_token": token,
            },
        )
        assert terms.status_code == 200 and "delete after 30 days" in terms.text
        assert 'value="2026-12-31"' in terms.text
        assert (await client.get(f"/app/privacy/partners/{partner.id}/report")).status_code == 404
        # The report file itself, uploaded from the page: stored encrypted, downloaded intact.
        report = b"%PDF-1.7 security report of Lab Oy\n" + bytes(range(256))
        upload_path = f"/app/privacy/partners/{partner.id}/report"
        nothing = await client.post(upload_path, data={"_csrf_token": token})
        assert nothing.status_code == 422 and 'id="file-error"' in nothing.text
        empty = await client.post(
            upload_path, files={"file": ("empty.pdf", b"", "application/pdf")}, data={"_csrf_token": token}
        )
        assert empty.status_code == 422 and 'id="file-error"' in empty.text
        too_big = await client.post(
            upload_path,
            files={"file": ("big.pdf", b"x" * (5 * 1024 * 1024 + 1), "application/pdf")},
            data={"_csrf_token": token},
        )
        assert too_big.status_code == 422 and 'id="file-error"' in too_big.text
        stored = await client.post(
            upload_path,
            files={"file": ("lab-oy 2026.pdf", report, "application/pdf")},
            data={"_csrf_token": token},
        )
        assert stored.status_code == 200 and "lab-oy 2026.pdf" in stored.text
        download = await client.get(upload_path)
        assert download.status_code == 200 and download.content == report
        # Multipart stays refused on the other routes (the edge walk checks every route).
        elsewhere = await client.post(
            f"/app/privacy/partners/{partner.id}/terms",
            files={"file": ("x.pdf", report, "application/pdf")},
            data={"_csrf_token": token},
        )
        assert elsewhere.status_code == 415
    with tenant_scope(tenant_a.ctx):
        async with unit_of_work():
            [training] = await scoped.objects(PrivacyTraining)
            [row] = await scoped.objects(Partner)
    assert training.course == "GDPR basics" and row.security_report_ref == "Archive 2026/14"
    # Encrypted at rest: the stored text is neither the file nor its base64.
    assert row.security_report_file and "security report" not in row.security_report_file
    assert base64.b64encode(report).decode()[:40] not in row.security_report_file


async def test_owners_set_the_re_consent_and_obligation_settings(backend, tenant_a):
    owner = await add_person(tenant_a, "owner")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, owner)
        page = await client.get("/app/admin/settings")
        assert 'id="privacy-settings"' in page.text
        token = csrf_of(page.text)
        values = {
            "reconsent_mode": "pause_marketing",
            "confidentiality_version": "2026-1",
            "_csrf_token": token,
        }
        refused = await client.post("/app/admin/settings/privacy", data={**values, "reminder_days": "0"})
        assert refused.status_code == 422 and 'id="reminder_days-error"' in refused.text
        saved = await client.post(
            "/app/admin/settings/privacy",
            data={**values, "reminder_days": "14", "reconsent_auto_request": "1"},
        )
        assert saved.status_code == 200
    with tenant_scope(tenant_a.ctx):
        settings = await load_tenant_settings(tenant_a.ctx.tenant_id)
    assert (settings.reconsent_mode, settings.reconsent_auto_request) == ("pause_marketing", True)
    assert (settings.confidentiality_version, settings.reminder_days) == ("2026-1", 14)
