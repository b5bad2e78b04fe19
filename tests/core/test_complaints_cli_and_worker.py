"""``salonkeep complaint add`` / ``salonkeep complaints`` (in-process) and the complaints cron
job run by a real arq worker: escalations written once, however often it runs."""

from __future__ import annotations

from datetime import timedelta

from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.complaints import service
from salonkeep.core.complaints.tables import ComplaintEscalation
from salonkeep.tenants import scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import add_staff

from ..delivery.smtp_sink import SmtpSink
from ..workers.test_aftercare_sweep import _run_sweep
from .test_audit_tamper import run_cli


async def test_cli_records_and_lists_complaints(backend, tenant_a, monkeypatch):
    with tenant_scope(tenant_a.ctx):
        client = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Aino"))
    added = await run_cli(
        backend, monkeypatch, "complaint", "add", "-t", tenant_a.slug, "--branch", "Main street",
        "--channel", "phone", "--about", "Nail polish chipped", "--client", str(client.id),
        "--ref", "Manicure", "--category", "quality",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "recorded; contact the client by" in added.output
    with tenant_scope(tenant_a.ctx):
        (made,) = await service.list_complaints()
        assert (made.client_id, made.channel, made.about, made.about_ref) == (
            client.id,
            "phone",
            "service",
            "Manicure",
        )
        assert (await service.get_complaint(made.id)).description == "Nail polish chipped"
    listed = await run_cli(backend, monkeypatch, "complaints", "-t", tenant_a.slug, "--open")
    assert listed.exit_code == 0 and str(made.id) in listed.output and "Main street" in listed.output


async def test_cli_refuses_bad_input_with_one_line_and_writes_nothing(backend, tenant_a, monkeypatch):
    bad = await run_cli(
        backend, monkeypatch, "complaint", "add", "-t", tenant_a.slug, "--branch", "Main street",
        "--channel", "pigeon", "--about", "x",
    )  # fmt: skip
    assert bad.exit_code == 2 and "error: channel: choose one of" in bad.output
    nobranch = await run_cli(
        backend, monkeypatch, "complaint", "add", "-t", tenant_a.slug, "--branch", "Nowhere",
        "--channel", "phone", "--about", "x",
    )  # fmt: skip
    assert nobranch.exit_code == 2 and "error: --branch: no branch called 'Nowhere'" in nobranch.output
    badclient = await run_cli(
        backend, monkeypatch, "complaint", "add", "-t", tenant_a.slug, "--branch", "Main street",
        "--channel", "phone", "--about", "x", "--client", "nope",
    )  # fmt: skip
    assert badclient.exit_code == 2 and "error: --client: not a valid id" in badclient.output
    with tenant_scope(tenant_a.ctx):
        assert await service.list_complaints() == []


async def test_the_worker_escalates_once_and_the_manager_gets_one_email(
    backend, tenant_a, frozen_clock, monkeypatch, tmp_path
):
    for key, value in backend.env.items():
        monkeypatch.setenv(key, value)
    with tenant_scope(tenant_a.ctx):
        await add_staff(
            email=f"mia@{tenant_a.slug}.example",
            name="Mia Manager",
            role="branch_manager",
            branch_names=["Main street"],
        )
        made = await service.record_complaint(
            branch_id=tenant_a.branch_id, channel="website", about="service", description="Slow"
        )
    frozen_clock.advance(timedelta(hours=25))
    sink = SmtpSink(tmp_path / "maildir")
    try:
        monkeypatch.setenv("SALONKEEP_SMTP_URL", sink.url)
        for run in (1, 2):  # an arq job may run twice: the second writes and sends nothing
            for job in ("complaints_sweep", "staff_notice_sweep"):
                job_id = f"complaints-{run}-{job}-{backend.name}-{tenant_a.slug}"
                worker = await _run_sweep(backend, job_id, job)
                assert (worker.jobs_complete, worker.jobs_failed) == (1, 0)
        mails = [m for m in sink.messages() if m["To"] == f"Mia Manager <mia@{tenant_a.slug}.example>"]
    finally:
        sink.stop()
    async with unit_of_work(tenant_a.ctx):
        stages = await scoped.select(ComplaintEscalation, ComplaintEscalation.stage).where(
            ComplaintEscalation.complaint_id == made.id
        )
    assert [s["stage"] for s in stages] == ["manager"]
    assert [m["Subject"] for m in mails] == [
        "Complaint escalated: first-contact deadline missed at Main street"
    ]
