"""The ``salonkeep`` command: run the product, migrate, onboard tenants, branches and staff."""

from __future__ import annotations

import asyncio

import typer

from salonkeep.core import audit, database, tenant_backup
from salonkeep.core import staff as staff_service
from salonkeep.core.cli.apikeys import apikey_app
from salonkeep.core.cli.appointments import appointment_app, appointments_command, catalogue_app
from salonkeep.core.cli.audit import audit_app
from salonkeep.core.cli.backup import backup, restore
from salonkeep.core.cli.breach import breach_app
from salonkeep.core.cli.complaints import complaint_app, complaints_command
from salonkeep.core.cli.consent import consent_app, policy_app
from salonkeep.core.cli.health import healthcheck
from salonkeep.core.cli.hours import staff_hours
from salonkeep.core.cli.imports import import_app
from salonkeep.core.cli.keys import keys_app
from salonkeep.core.cli.outbox import outbox
from salonkeep.core.cli.plugin import plugin_app
from salonkeep.core.cli.privacy import privacy_app
from salonkeep.core.cli.programmes import calls_command, programme_app
from salonkeep.core.cli.records import client_app, outcome_command
from salonkeep.core.cli.runner import echo_rows, fail, is_interactive, run, settings_or_fail
from salonkeep.core.cli.signup import signup_app, staff_import_command
from salonkeep.core.cli.up import run_module, up
from salonkeep.core.demo import load_demo
from salonkeep.tenants import move, onboarding
from salonkeep.tenants.context import current
from salonkeep.tenants.tables import ROLES

app = typer.Typer(
    help="Salonkeep: client care, consent and aftercare for salon chains.",
    no_args_is_help=True,
    add_completion=False,
)
tenant_app = typer.Typer(help="Tenants (chains or single clinics).", no_args_is_help=True)
branch_app = typer.Typer(help="Branches of a tenant.", no_args_is_help=True)
staff_app = typer.Typer(help="Staff members of a tenant.", no_args_is_help=True)
app.add_typer(tenant_app, name="tenant")
app.add_typer(branch_app, name="branch")
app.add_typer(staff_app, name="staff")
app.add_typer(audit_app, name="audit")
app.add_typer(keys_app, name="keys")
app.add_typer(consent_app, name="consent")
app.add_typer(policy_app, name="policy")
app.add_typer(privacy_app, name="privacy")
app.add_typer(breach_app, name="breach")
app.add_typer(apikey_app, name="apikey")
app.command(help="Run everything on this machine: migrate, embedded Redis, web and worker.")(up)
app.add_typer(programme_app, name="programme")
app.command(help="List a tenant's messages (the delivery outbox) and their states.")(outbox)
app.command("calls")(calls_command)
app.add_typer(client_app, name="client")
app.command("outcome")(outcome_command)
app.add_typer(plugin_app, name="plugin")
app.add_typer(complaint_app, name="complaint")
app.command("complaints")(complaints_command)
app.command("healthcheck")(healthcheck)
app.command("backup")(backup)
app.add_typer(import_app, name="import")
app.command("restore")(restore)
app.add_typer(appointment_app, name="appointment")
app.command("appointments")(appointments_command)
staff_app.command("hours")(staff_hours)
app.add_typer(catalogue_app, name="catalogue")
app.add_typer(signup_app, name="signup")
staff_app.command("import")(staff_import_command)

TenantOption = typer.Option(..., "--tenant", "-t", help="The tenant's slug.")


@app.command()
def migrate() -> None:
    """Create or upgrade the database (as the table owner) and enforce row-level security."""
    settings = settings_or_fail()
    try:
        asyncio.run(database.migrate(settings))
    except (OSError, RuntimeError, ValueError) as exc:
        fail(f"migration failed: {exc}")
    typer.echo("database is up to date")


@app.command()
def demo(clients: int = typer.Option(200, min=0, max=100_000, help="How many clients.")) -> None:
    """Load the demo chain (3 branches, staff of every role, fake clients)."""
    result = run(lambda: load_demo(clients=clients))
    typer.echo(f"demo tenant {result.tenant.slug!r} with {result.clients} clients is ready")
    typer.echo(f"sign in as {result.owner_email} with the password {result.password}")


@app.command()
def web() -> None:
    """Run the web server only (needs SALONKEEP_REDIS_URL)."""
    run_module("salonkeep.web")


@app.command()
def worker(
    burst: bool = typer.Option(False, "--burst", help="Process everything due now, then exit."),
) -> None:
    """Run one arq worker (needs SALONKEEP_REDIS_URL); several may run side by side."""
    run_module("salonkeep.workers", *(["--burst"] if burst else []))


@tenant_app.command("create")
def tenant_create(
    slug: str = typer.Option(..., help="Short name used in URLs, e.g. aurora."),
    name: str = typer.Option(..., help="The chain's or clinic's name."),
    time_zone: str = typer.Option(..., "--time-zone", help="IANA zone, e.g. Europe/Helsinki."),
    country: str = typer.Option(..., help="ISO country code, e.g. FI."),
    locale: str = typer.Option("en", help="Default language: en, zh, ru or fi."),
) -> None:
    """Register a new tenant."""
    tenant = run(
        lambda: onboarding.create_tenant(
            slug=slug, name=name, time_zone=time_zone, country=country, default_locale=locale
        )
    )
    typer.echo(f"created tenant {tenant.slug} ({tenant.id})")


@tenant_app.command("list")
def tenant_list() -> None:
    """List every tenant."""
    tenants = run(onboarding.list_tenants)
    echo_rows(
        [(t.slug, t.name, t.time_zone, t.status) for t in tenants], ("SLUG", "NAME", "TIME ZONE", "STATUS")
    )


@tenant_app.command("move")
def tenant_move(
    tenant: str = TenantOption,
    to: str = typer.Option(
        ..., "--to", help="The cluster: a name or URL of SALONKEEP_DATABASE_CLUSTERS, or home."
    ),
) -> None:
    """Move a tenant to another PostgreSQL cluster: copy, verify table by table, switch."""
    settings = settings_or_fail()
    if not settings.is_postgres:
        fail("to: tenants can be moved only between PostgreSQL clusters")

    async def work() -> move.MoveReport:
        ctx = current()
        target = move.resolve_cluster(to, settings.database_url, settings.database_clusters)
        report = await move.move_tenant(ctx.tenant_id, target, tenant_backup.tenant_tables())
        await audit.record(
            "tenant_move",
            subject="tenant",
            subject_id=ctx.tenant_id,
            reason=f"{report.source} → {report.target}",
        )
        return report

    report = run(work, tenant=tenant)
    copied = sum(report.rows.values())
    typer.echo(
        f"moved tenant {tenant} from {report.source} to {report.target}: "
        f"{copied} rows in {len(report.rows)} tables, verified"
    )


@branch_app.command("add")
def branch_add(
    tenant: str = TenantOption,
    name: str = typer.Option(..., help="Branch name, unique in the tenant."),
    address: str = typer.Option("", help="Street address."),
    phone: str = typer.Option("", help="Phone number."),
    time_zone: str = typer.Option("", "--time-zone", help="Only if it differs from the tenant's."),
) -> None:
    """Add a branch to a tenant."""
    branch = run(
        lambda: staff_service.create_branch(name, address, phone, time_zone or None),
        tenant=tenant,
    )
    typer.echo(f"added branch {branch.name!r} ({branch.id})")


@branch_app.command("list")
def branch_list(tenant: str = TenantOption) -> None:
    """List a tenant's branches."""
    branches = run(onboarding.list_branches, tenant=tenant)
    echo_rows([(b.name, b.phone, b.address) for b in branches], ("NAME", "PHONE", "ADDRESS"))


@staff_app.command("add")
def staff_add(
    tenant: str = TenantOption,
    email: str = typer.Option(..., help="Sign-in e-mail."),
    name: str = typer.Option(..., help="Full name."),
    role: str = typer.Option(..., help=f"One of: {', '.join(ROLES)}."),
    branch: list[str] = typer.Option([], help="A branch they work in (repeat for several)."),
    set_password: bool = typer.Option(
        False, "--set-password", help="Type the password now instead of printing a link."
    ),
) -> None:
    """Add a staff member and print a one-time set-password link (or set it now)."""
    password = None
    if set_password:
        if not is_interactive():
            fail("--set-password needs a terminal; leave it out to get a set-password link")
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    staff, token = run(lambda: staff_service.invite(email, name, role, branch, password), tenant=tenant)
    typer.echo(f"added {staff.email} as {staff.role}")
    if token:
        base = settings_or_fail().public_url
        typer.echo(f"set-password link (valid 72 hours, once): {base}/t/{tenant}/set-password/{token}")


@staff_app.command("list")
def staff_list(tenant: str = TenantOption) -> None:
    """List a tenant's staff."""
    staff = run(onboarding.list_staff, tenant=tenant)
    echo_rows(
        [(s.email, s.name, s.role, "active" if s.active else "inactive") for s in staff],
        ("EMAIL", "NAME", "ROLE", "STATUS"),
    )


def main() -> None:
    """Console-script entry point."""
    app()
