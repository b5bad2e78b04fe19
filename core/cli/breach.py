"""``salonkeep breach …``: the breach register (open, list with the 72-hour deadline, the
affected clients from the audit trail, letters and the report for the authority)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import typer

from salonkeep.core.cli.runner import echo_rows, fail, run
from salonkeep.core.formatting import format_datetime
from salonkeep.core.privacy import breach
from salonkeep.tenants import clock

breach_app = typer.Typer(help="The personal-data breach register.", no_args_is_help=True)
TenantOption = typer.Option(..., "--tenant", "-t", help="The tenant's slug.")
IdOption = typer.Option(..., "--id", help="The breach's id.")


def _when(value: str, option: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        fail(f"{option}: use an ISO date and time with its offset, e.g. 2026-03-27T09:00+02:00")
    if parsed.tzinfo is None:
        fail(f"{option}: give the time zone offset, e.g. 2026-03-27T09:00+02:00")
    return parsed


def _id(value: str, option: str) -> UUID:
    try:
        return UUID(value.strip())
    except ValueError:
        fail(f"{option}: not a valid id")


@breach_app.command("open")
def open_(
    tenant: str = TenantOption,
    summary: str = typer.Option(..., "--summary", help="What happened."),
    found_at: str = typer.Option(..., "--found-at", help="When it was found (ISO date-time with offset)."),
) -> None:
    """Put a breach on the register; prints its id and the notification deadline."""
    when = _when(found_at, "--found-at")

    async def work() -> str:
        made = await breach.open_breach(summary, when)
        deadline = format_datetime(made.deadline, show_zone=True)
        return f"breach {made.id} opened; notify the authority by {deadline}"

    typer.echo(run(work, tenant=tenant))


@breach_app.command("list")
def list_(tenant: str = TenantOption) -> None:
    """Every breach with its 72-hour deadline (OVERDUE when passed without notifying)."""

    async def work() -> list[tuple[str, ...]]:
        now = clock.now()
        return [
            (
                str(b.id),
                format_datetime(b.found_at, show_zone=True),
                format_datetime(b.deadline, show_zone=True),
                "notified" if b.authority_notified_at else ("OVERDUE" if b.overdue(now) else "open"),
                b.summary[:60],
            )
            for b in await breach.list_breaches()
        ]

    echo_rows(run(work, tenant=tenant), ("id", "found", "deadline", "state", "summary"))


@breach_app.command("affected")
def affected(
    tenant: str = TenantOption,
    id: str = IdOption,
    from_: str = typer.Option(..., "--from", help="Start of the window (ISO date-time with offset)."),
    to: str = typer.Option(..., "--to", help="End of the window (ISO date-time with offset)."),
    staff: str = typer.Option("", "--staff", help="Only what this staff account (e-mail) reached."),
    apikey: str = typer.Option("", "--apikey", help="Only what this API key (id) reached."),
) -> None:
    """The clients and data the audit trail shows were reached in the window."""
    if staff and apikey:
        fail("give --staff or --apikey, not both")
    breach_id = _id(id, "--id")
    start, end = _when(from_, "--from"), _when(to, "--to")
    key_id = _id(apikey, "--apikey") if apikey else None
    rows = run(
        lambda: breach.affected(breach_id, start, end, staff_email=staff or None, api_key_id=key_id),
        tenant=tenant,
    )
    echo_rows(
        [(str(a.client_id), ",".join(a.categories), ",".join(a.fields), str(a.events)) for a in rows],
        ("client", "categories", "fields", "events"),
    )
    typer.echo(f"{len(rows)} clients affected")


@breach_app.command("letter")
def letter(
    tenant: str = TenantOption,
    id: str = IdOption,
    client: str = typer.Option(..., "--client", help="The client's id."),
    language: str = typer.Option("", "--language", help="en, zh, ru or fi (default: the client's)."),
) -> None:
    """Print the notification letter to one affected client."""
    if language and language not in breach.LETTER_LANGUAGES:
        fail(f"--language: choose one of {', '.join(breach.LETTER_LANGUAGES)}")
    breach_id, client_id = _id(id, "--id"), _id(client, "--client")
    subject, body = run(
        lambda: breach.notification_letter(breach_id, client_id, language or None), tenant=tenant
    )
    typer.echo(f"{subject}\n\n{body}")


@breach_app.command("report")
def report(tenant: str = TenantOption, id: str = IdOption) -> None:
    """Print the notification for the supervisory authority (GDPR art. 33(3) order)."""
    breach_id = _id(id, "--id")
    typer.echo(run(lambda: breach.authority_report(breach_id), tenant=tenant))
