"""``salonkeep complaint add`` and ``salonkeep complaints``: record a complaint from any
channel, and list a tenant's complaints with their first-contact deadlines."""

from __future__ import annotations

from uuid import UUID

import typer

from salonkeep.core.cli.runner import echo_rows, fail, run
from salonkeep.core.complaints import service
from salonkeep.core.complaints.tables import ABOUT, CATEGORIES, CHANNELS
from salonkeep.core.formatting import format_datetime
from salonkeep.tenants import clock
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.onboarding import list_branches

complaint_app = typer.Typer(help="Record a complaint.", no_args_is_help=True)
TenantOption = typer.Option(..., "--tenant", "-t", help="The tenant's slug.")


async def _branch_id(name: str) -> UUID:
    found = [b for b in await list_branches() if b.name == name]
    if not found:
        raise ValidationFailed({"--branch": f"no branch called {name!r}"})
    return found[0].id


@complaint_app.command("add")
def add(
    tenant: str = TenantOption,
    branch: str = typer.Option(..., "--branch", "-b", help="The branch the complaint is about."),
    channel: str = typer.Option(..., "--channel", help=f"How it came in: {', '.join(CHANNELS)}."),
    about: str = typer.Option(..., "--about", help="What the client complains about (the description)."),
    client: str | None = typer.Option(None, "--client", help="The client's id, when known."),
    subject: str = typer.Option("service", "--subject", help=f"What it concerns: {', '.join(ABOUT)}."),
    ref: str = typer.Option("", "--ref", help="Which service, product, staff member... (a name)."),
    category: str = typer.Option("other", "--category", help=f"One of {', '.join(CATEGORIES)}."),
) -> None:
    """Record a complaint; prints its id and the first-contact deadline."""
    client_id: UUID | None = None
    if client is not None:
        try:
            client_id = UUID(client.strip())
        except ValueError:
            fail("--client: not a valid id")

    async def work() -> str:
        made = await service.record_complaint(
            branch_id=await _branch_id(branch),
            channel=channel,
            about=subject,
            about_ref=ref,
            category=category,
            description=about,
            client_id=client_id,
        )
        deadline = format_datetime(made.first_contact_due_at, show_zone=True)
        return f"complaint {made.id} recorded; contact the client by {deadline}"

    typer.echo(run(work, tenant=tenant))


def complaints_command(
    tenant: str = TenantOption,
    open_only: bool = typer.Option(False, "--open", help="Only complaints not closed yet."),
) -> None:
    """A tenant's complaints with their first-contact deadlines (OVERDUE when missed)."""

    async def work() -> list[tuple[str, ...]]:
        now = clock.now()
        names = {b.id: b.name for b in await list_branches()}
        rows: list[tuple[str, ...]] = []
        for c in await service.list_complaints(open_only=open_only):
            if c.first_contacted_at is not None:
                contact = "contacted " + format_datetime(c.first_contacted_at, show_zone=True)
            elif c.first_contact_overdue(now):
                contact = "OVERDUE"
            else:
                contact = "due"
            rows.append(
                (
                    str(c.id),
                    names.get(c.branch_id, ""),
                    format_datetime(c.received_at, show_zone=True),
                    c.channel,
                    c.about,
                    c.category,
                    c.status,
                    format_datetime(c.first_contact_due_at, show_zone=True),
                    contact,
                )
            )
        return rows

    rows = run(work, tenant=tenant)
    if not rows:
        typer.echo("no complaints")
        return
    echo_rows(
        rows, ("ID", "BRANCH", "RECEIVED", "CHANNEL", "ABOUT", "CATEGORY", "STATUS", "DEADLINE", "CONTACT")
    )


__all__ = ["complaint_app", "complaints_command"]
