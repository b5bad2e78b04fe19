"""Staff obligations: the confidentiality agreement gate (signed version, every client read
refused before), privacy training with renewal reminders, the partner register's terms and
its encrypted security report, the reminders job (once per record), the CLI, and tenant
isolation of the new tables (both backends)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from salonkeep.core.access import AgreementNotSigned, Forbidden
from salonkeep.core.clients.service import ClientInput, create_client, get_client, search_clients
from salonkeep.core.privacy import break_glass, notices, obligations, sharing
from salonkeep.core.privacy.tables import Partner, PrivacyTraining, StaffNotice
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.tenants.onboarding import add_staff
from salonkeep.tenants.tables import ConfidentialityAgreement
from salonkeep.workers.privacy_jobs import obligations_sweep

from .test_audit_tamper import run_cli

PASSWORD = "Str0ng-Passw0rd"


@pytest.fixture
async def world(tenant_a, frozen_clock):
    with tenant_scope(tenant_a.ctx):
        client = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Aino"))
        nurse, _ = await add_staff(
            email="nurse@clinic.example", name="Nina", role="practitioner", branch_names=["Main street"]
        )
        officer, _ = await add_staff(email="dpo@clinic.example", name="Dana", role="privacy_officer")
    return tenant_a, client, nurse, officer


def _staff_ctx(world, member, signed: bool):
    return dataclasses.replace(
        world.ctx,
        role=member.role,
        actor_id=member.id,
        actor_label=f"staff {member.email}",
        branch_ids=frozenset({world.branch_id}),
        confidentiality_signed=signed,
    )


async def test_no_client_read_before_the_agreement_is_signed(world):
    tenant, client, nurse, _ = world
    with tenant_scope(_staff_ctx(tenant, nurse, signed=False)):
        with pytest.raises(AgreementNotSigned):
            await get_client(client.id)
        with pytest.raises(AgreementNotSigned):
            await search_clients("Aino")
        with pytest.raises(AgreementNotSigned):
            await break_glass.open_break_glass(client.id, "emergency", "needed")
        version = await obligations.sign_agreement()
        assert version == "1" and await obligations.sign_agreement() == "1"  # signing again: no-op
    with tenant_scope(_staff_ctx(tenant, nurse, signed=True)):
        assert (await get_client(client.id)).first_name == "Aino"
    with tenant_scope(tenant.ctx):
        async with unit_of_work():
            rows = await scoped.objects(ConfidentialityAgreement)
        statuses = {s.email: s for s in await obligations.agreement_statuses()}
    assert [(r.staff_id, r.version) for r in rows if r.staff_id != tenant.owner_id] == [(nurse.id, "1")]
    assert statuses["nurse@clinic.example"].current and not statuses["dpo@clinic.example"].current


async def test_paper_signatures_and_add_staff_at_hiring(world):
    tenant, *_ = world
    with tenant_scope(tenant.ctx):
        with pytest.raises(ValidationFailed) as unknown:
            await obligations.record_agreement("ghost@clinic.example")
        assert "email" in unknown.value.errors
        assert await obligations.record_agreement("DPO@clinic.example") == "1"
        await add_staff(email="hired@clinic.example", name="Hired", role="reception", agreement_signed=True)
        current = {s.email for s in await obligations.agreement_statuses() if s.current}
    assert current == {"dpo@clinic.example", "hired@clinic.example", f"owner@{tenant.slug}.example"}


async def test_training_records_and_reminders_once_per_record(world, frozen_clock):
    tenant, _, nurse, officer = world
    with tenant_scope(tenant.ctx):
        with pytest.raises(ValidationFailed) as bad:
            await obligations.record_training("nurse@clinic.example", " ", clock.now(), clock.now())
        assert set(bad.value.errors) == {"course", "renew_by"}
        await obligations.record_training(
            "nurse@clinic.example", "GDPR basics", clock.now(), clock.now() + timedelta(days=60)
        )
        assert await obligations.send_reminders() == 0  # 60 days ahead: not yet
    frozen_clock.advance(timedelta(days=31))
    with tenant_scope(tenant.ctx):
        assert await obligations.send_reminders() == 2  # the nurse and the privacy officer
        assert await obligations.send_reminders() == 0
        async with unit_of_work():
            sent = await notices.notices()
    assert {n.staff_id for n in sent} == {nurse.id, officer.id}
    assert all("GDPR basics" in n.subject for n in sent)


async def test_partner_terms_review_reminder_and_the_encrypted_report(backend, world, frozen_clock):
    tenant, *_ = world
    with tenant_scope(tenant.ctx):
        partner = await sharing.add_partner("Lab Oy", "C-7", ["lab tests"])
        with pytest.raises(ValidationFailed) as bad:
            await obligations.update_partner_terms(
                partner.id, vetted_at=clock.now(), review_due_at=clock.now() - timedelta(days=1)
            )
        assert set(bad.value.errors) == {"review_due_at"}
        with pytest.raises(NotFound):
            await obligations.partner_report(partner.id)
        terms = await obligations.update_partner_terms(
            partner.id,
            contract_clauses="Lab tests only; deleted after 30 days",
            vetted_at=clock.now(),
            review_due_at=clock.now() + timedelta(days=10),
            report_name="iso27001.pdf",
            report_file=b"%PDF secret SECURITY-REPORT",
        )
        assert terms.has_report_file and terms.security_report_name == "iso27001.pdf"
        async with unit_of_work():
            [row] = await scoped.objects(Partner)
        assert b"SECURITY-REPORT" not in row.security_report_file.encode()
        assert await obligations.partner_report(partner.id) == (
            "iso27001.pdf",
            b"%PDF secret SECURITY-REPORT",
        )
    await obligations_sweep({"settings": backend.settings})
    await obligations_sweep({"settings": backend.settings})
    with tenant_scope(tenant.ctx):
        async with unit_of_work():
            subjects = [n.subject for n in await notices.notices()]
    assert subjects == ["Partner review due: Lab Oy"]


async def test_only_the_privacy_roles_manage_obligations(world):
    tenant, _, nurse, _ = world
    with tenant_scope(_staff_ctx(tenant, nurse, signed=True)):
        for attempt in (
            obligations.list_trainings(),
            obligations.agreement_statuses(),
            obligations.partner_terms(),
            obligations.record_training("nurse@clinic.example", "x", clock.now(), clock.now()),
        ):
            with pytest.raises(Forbidden):
                await attempt


async def test_another_tenant_sees_none_of_it(world, tenant_b):
    tenant, *_ = world
    with tenant_scope(tenant.ctx):
        await obligations.record_training(
            "nurse@clinic.example", "GDPR basics", clock.now(), clock.now() + timedelta(days=5)
        )
        await obligations.record_agreement("nurse@clinic.example")
        partner = await sharing.add_partner("Lab Oy", "C-7", ["lab tests"])
        await obligations.update_partner_terms(partner.id, report_name="r.pdf", report_file=b"x")
        await obligations.send_reminders()
    with tenant_scope(tenant_b.ctx):
        assert await obligations.list_trainings() == []
        assert await obligations.partner_terms() == []
        assert {s.email for s in await obligations.agreement_statuses()} == {f"owner@{tenant_b.slug}.example"}
        with pytest.raises(NotFound):
            await obligations.partner_report(partner.id)
        with pytest.raises(ValidationFailed):  # A's staff is unknown here
            await obligations.record_training(
                "nurse@clinic.example", "x", clock.now(), clock.now() + timedelta(1)
            )
        async with unit_of_work():
            for table in (StaffNotice, PrivacyTraining, Partner):
                assert await scoped.count(table) == 0, table
            signatures = await scoped.objects(ConfidentialityAgreement)
        assert [r.staff_id for r in signatures] == [tenant_b.owner_id]  # B's own owner only


async def test_the_obligation_commands(backend, world, monkeypatch, tmp_path):
    tenant, *_ = world
    slug = tenant.slug
    signed = await run_cli(
        backend, monkeypatch, "privacy", "agreement", "-t", slug, "--email", "nurse@clinic.example"
    )
    assert signed.exit_code == 0 and "version 1" in signed.output
    bad = await run_cli(
        backend, monkeypatch, "privacy", "training", "-t", slug, "--email", "nurse@clinic.example",
        "--course", "GDPR", "--completed", "yesterday", "--renew-by", "2027-01-01",
    )  # fmt: skip
    assert bad.exit_code == 2 and "error: --completed" in bad.output
    added = await run_cli(
        backend, monkeypatch, "privacy", "training", "-t", slug, "--email", "nurse@clinic.example",
        "--course", "GDPR basics", "--completed", "2026-03-01", "--renew-by", "2027-03-01",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    listed = await run_cli(backend, monkeypatch, "privacy", "training", "-t", slug)
    assert "GDPR basics" in listed.output and "Nina" in listed.output
    with tenant_scope(tenant.ctx):
        partner = await sharing.add_partner("Lab Oy", "C-7", ["lab tests"])
    report = tmp_path / "report.pdf"
    report.write_bytes(b"REPORT-BYTES")
    stored = await run_cli(
        backend, monkeypatch, "privacy", "partner-report", "-t", slug, "--partner", str(partner.id),
        "--file", str(report),
    )  # fmt: skip
    assert stored.exit_code == 0, stored.output
    with tenant_scope(tenant.ctx):
        assert await obligations.partner_report(partner.id) == ("report.pdf", b"REPORT-BYTES")
    missing = await run_cli(
        backend, monkeypatch, "privacy", "partner-report", "-t", slug, "--partner", str(partner.id),
        "--file", str(tmp_path / "nope.pdf"),
    )  # fmt: skip
    assert missing.exit_code == 2 and "error: --file" in missing.output
    listed = await run_cli(backend, monkeypatch, "privacy", "reconsent", "-t", slug, "--send")
    assert listed.exit_code == 0 and "0 requests queued" in listed.output
