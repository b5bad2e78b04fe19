"""``salonkeep privacy …``: clients' rights (export, erasure, restriction, the requests board),
the sharing register and the retention job."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from pathlib import Path
from uuid import UUID

import typer

from salonkeep.core.cli.consent import client_id_or_fail
from salonkeep.core.cli.runner import echo_rows, fail, run
from salonkeep.core.consent import reconsent
from salonkeep.core.formatting import format_date, format_datetime
from salonkeep.core.privacy import alerts, obligations, rights, unusual

privacy_app = typer.Typer(help="Clients' rights, sharing register, retention.", no_args_is_help=True)
TenantOption = typer.Option(..., "--tenant", "-t", help="The tenant's slug.")
ClientOption = typer.Option(..., "--client", help="The client's id.")


@privacy_app.command("export")
def export(
    tenant: str = TenantOption,
    client: str = ClientOption,
    format: str = typer.Option("json", "--format", help="json (for machines) or html (for people)."),
) -> None:
    """Print everything held about a client (logged as a done request)."""
    if format not in ("json", "html"):
        fail("format: choose json or html")
    client_id = client_id_or_fail(client)

    async def work() -> str:
        data = await rights.export_client(client_id)
        # The HTML (for people) is rendered in the tenant's display scope: local times, named.
        if format == "json":
            return json.dumps(data, indent=2, ensure_ascii=False)
        return rights.export_html(data)

    typer.echo(run(work, tenant=tenant))


@privacy_app.command("erase")
def erase(
    tenant: str = TenantOption,
    client: str = ClientOption,
    yes: bool = typer.Option(False, "--yes", help="Confirm: erasure cannot be undone."),
) -> None:
    """Erase a client: shred their key, blank personal data, keep sales under a pseudonym."""
    client_id = client_id_or_fail(client)
    if not yes:
        fail("erasure cannot be undone; add --yes to confirm")
    report = run(lambda: rights.erase_client(client_id), tenant=tenant)
    typer.echo(
        f"erased client {client_id} (now {report.pseudonym}); key shredded: {report.key_shredded}; "
        f"kept: {rights.describe(report.kept)}; deleted: {rights.describe(report.deleted)}"
    )


@privacy_app.command("restrict")
def restrict(
    tenant: str = TenantOption,
    client: str = ClientOption,
    lift: bool = typer.Option(False, "--lift", help="Lift the restriction."),
) -> None:
    """Restrict processing of a client's data (no marketing, no new touchpoints)."""
    client_id = client_id_or_fail(client)
    run(lambda: rights.restrict_processing(client_id, not lift), tenant=tenant)
    typer.echo(f"processing of client {client_id} is {'no longer ' if lift else ''}restricted")


@privacy_app.command("requests")
def requests(
    tenant: str = TenantOption, all_: bool = typer.Option(False, "--all", help="Closed requests too.")
) -> None:
    """The privacy-requests board, most urgent first."""

    async def work() -> list[tuple[str, ...]]:
        return [
            (
                str(r.id),
                str(r.client_id),
                r.kind,
                r.status + (" (OVERDUE)" if r.overdue else ""),
                format_date(r.received_at),
                format_date(r.due_at),
            )
            for r in await rights.list_requests(None if all_ else "open")
        ]

    echo_rows(run(work, tenant=tenant), ("REQUEST", "CLIENT", "KIND", "STATUS", "RECEIVED", "DUE"))


@privacy_app.command("request")
def request(
    tenant: str = TenantOption,
    client: str = ClientOption,
    kind: str = typer.Option(..., help="access, export, rectification, erasure, restriction or objection."),
    channel: str = typer.Option("", help="How it arrived (in store, e-mail, …)."),
) -> None:
    """Log a request received from a client (deadline: 30 days)."""
    client_id = client_id_or_fail(client)

    async def work() -> str:
        made = await rights.open_request(client_id, kind, channel=channel)
        return f"logged {made.kind} request {made.id}, due {format_date(made.due_at)}"

    typer.echo(run(work, tenant=tenant))


@privacy_app.command("partner-add")
def partner_add(
    tenant: str = TenantOption,
    name: str = typer.Option(..., help="The partner's name."),
    contract: str = typer.Option(..., help="Contract (data-processing agreement) reference."),
    purpose: list[str] = typer.Option(..., help="A purpose the contract allows (repeat)."),
) -> None:
    """Register a vetted third-party partner."""
    from salonkeep.core.privacy import sharing

    partner = run(lambda: sharing.add_partner(name, contract, purpose), tenant=tenant)
    typer.echo(f"registered partner {partner.name!r} ({partner.id})")


@privacy_app.command("partners")
def partners(tenant: str = TenantOption) -> None:
    """The register of partners."""
    from salonkeep.core.privacy import sharing

    rows = run(sharing.list_partners, tenant=tenant)
    echo_rows(
        [(str(p.id), p.name, p.contract_ref, "; ".join(p.purposes)) for p in rows],
        ("PARTNER", "NAME", "CONTRACT", "PURPOSES"),
    )


@privacy_app.command("disclosures")
def disclosures(tenant: str = TenantOption, client: str = typer.Option("", "--client")) -> None:
    """The disclosure register (what was shared, with whom, when, under which consent)."""
    from salonkeep.core.privacy import sharing

    client_id = client_id_or_fail(client) if client else None

    async def work() -> list[tuple[str, ...]]:
        return [
            (
                format_datetime(d.disclosed_at, show_zone=True),
                str(d.client_id),
                str(d.partner_id),
                ",".join(d.fields),
                d.purpose,
                str(d.consent_event_id),
            )
            for d in await sharing.disclosures(client_id)
        ]

    echo_rows(run(work, tenant=tenant), ("WHEN", "CLIENT", "PARTNER", "FIELDS", "PURPOSE", "CONSENT"))


@privacy_app.command("retention")
def retention(
    tenant: str = TenantOption,
    apply: bool = typer.Option(False, "--apply", help="Erase the clients listed (after reading the report)."),
    years: int = typer.Option(-1, "--set-years", help="First set the policy: years of inactivity (0 = off)."),
    auto_apply: bool = typer.Option(
        False, "--auto-apply", help="With --set-years: let the daily job apply it."
    ),
) -> None:
    """Report the clients the retention policy would erase; erase them only with --apply."""
    from salonkeep.core.privacy import retention as policy

    async def work() -> tuple[policy.RetentionReport, str, list[tuple[str, ...]]]:
        if years >= 0:
            await policy.set_retention_policy(years, auto_apply)
        found = await policy.run_retention(apply=apply)
        rows: list[tuple[str, ...]] = [
            (str(c.client_id), str(c.branch_id), format_date(c.last_activity)) for c in found.candidates
        ]
        return found, format_date(found.cutoff), rows

    report, cutoff, rows = run(work, tenant=tenant)
    if report.cutoff is None:
        typer.echo("retention is off for this tenant (retention_inactive_years = 0)")
        return
    typer.echo(
        f"retention policy: erase clients inactive for {report.years} years (no activity since {cutoff})"
    )
    echo_rows(rows, ("CLIENT", "BRANCH", "LAST ACTIVITY"))
    if apply:
        typer.echo(f"erased {report.erased} clients")
    else:
        typer.echo(
            f"dry run: {len(report.candidates)} clients would be erased; run again with --apply to erase them"
        )


@privacy_app.command("alerts-scan")
def alerts_scan(tenant: str = TenantOption) -> None:
    """Run the unusual-access rules now (the worker runs them hourly); prints what was raised."""
    raised = run(unusual.scan, tenant=tenant)
    for alert in raised:
        typer.echo(f"{alert.id}  {alert.kind}  {alert.staff_label}  {alert.summary}")
    typer.echo(f"{len(raised)} alerts raised")


@privacy_app.command("alerts")
def alerts_list(tenant: str = TenantOption) -> None:
    """The open alerts on the privacy officer's board."""

    async def work() -> list[tuple[str, ...]]:
        return [
            (str(a.id), format_datetime(a.raised_at, show_zone=True), a.kind, a.staff_label, a.summary[:60])
            for a in await alerts.list_alerts()
        ]

    echo_rows(run(work, tenant=tenant), ("id", "raised", "kind", "who", "summary"))


@privacy_app.command("reconsent")
def reconsent_cmd(
    tenant: str = TenantOption,
    send: bool = typer.Option(
        False, "--send", help="Queue the re-consent request for every client not asked yet."
    ),
) -> None:
    """The clients with consents to confirm (wording or policy section changed); with --send,
    queue the re-consent request (a service message, once per change)."""

    async def work() -> tuple[list[tuple[str, ...]], int | None]:
        queued = await reconsent.request_reconsent() if send else None
        rows: list[tuple[str, ...]] = [
            (str(c.client_id), c.name, ",".join(c.purposes), "yes" if c.requested else "no")
            for c in await reconsent.clients_to_confirm()
        ]
        return rows, queued

    rows, queued = run(work, tenant=tenant)
    echo_rows(rows, ("client", "name", "purposes", "requested"))
    if queued is not None:
        typer.echo(f"{queued} requests queued")


@privacy_app.command("agreement")
def agreement_cmd(
    tenant: str = TenantOption,
    email: str = typer.Option(..., "--email", help="The staff member who signed on paper at hiring."),
) -> None:
    """Record a confidentiality agreement signed on paper (the tenant's current version)."""
    version = run(lambda: obligations.record_agreement(email), tenant=tenant)
    typer.echo(f"{email}: confidentiality agreement version {version} recorded")


def _day(value: str, option: str) -> datetime:
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        fail(f"{option}: use YYYY-MM-DD")
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


@privacy_app.command("training")
def training_cmd(
    tenant: str = TenantOption,
    email: str = typer.Option("", "--email", help="Record a training of this staff member."),
    course: str = typer.Option("", "--course", help="The course's name."),
    completed: str = typer.Option("", "--completed", help="Completed on (YYYY-MM-DD)."),
    renew_by: str = typer.Option("", "--renew-by", help="To renew by (YYYY-MM-DD)."),
) -> None:
    """List the privacy trainings (soonest renewal first), or record one with --email."""
    if email:
        if not completed or not renew_by:
            fail("--completed: give --completed and --renew-by")
        done, renew = _day(completed, "--completed"), _day(renew_by, "--renew-by")
        run(lambda: obligations.record_training(email, course, done, renew), tenant=tenant)
        typer.echo(f"training recorded for {email}")
        return

    async def work() -> list[tuple[str, ...]]:
        return [
            (t.staff_name, t.course, format_date(t.completed_at), format_date(t.renew_by))
            for t in obligations.latest_per_course(await obligations.list_trainings())
        ]

    echo_rows(run(work, tenant=tenant), ("staff", "course", "completed", "renew by"))


@privacy_app.command("partner-report")
def partner_report_cmd(
    tenant: str = TenantOption,
    partner: str = typer.Option(..., "--partner", help="The partner's id."),
    file: Path = typer.Option(..., "--file", help="The partner's security report (stored encrypted)."),
) -> None:
    """Store a partner's security report, encrypted under the tenant key."""
    try:
        partner_id = UUID(partner.strip())
    except ValueError:
        fail("--partner: not a valid id")
    if not file.is_file():
        fail(f"--file: no such file: {file}")
    data = file.read_bytes()
    run(
        lambda: obligations.update_partner_terms(partner_id, report_name=file.name, report_file=data),
        tenant=tenant,
    )
    typer.echo(f"security report {file.name} stored encrypted for partner {partner_id}")
