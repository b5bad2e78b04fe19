"""``salonkeep appointment book|move|cancel``, ``salonkeep appointments`` (a day's list) and
``salonkeep catalogue import|export``."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from uuid import UUID
from zoneinfo import ZoneInfo

import typer

from salonkeep.core.appointments import service as appointments
from salonkeep.core.catalogue import csv_io
from salonkeep.core.cli.runner import echo_rows, fail, run
from salonkeep.core.formatting import display, format_time
from salonkeep.tenants.clock import now

appointment_app = typer.Typer(help="Book, move and cancel appointments.", no_args_is_help=True)
catalogue_app = typer.Typer(help="The tenant's catalogue of services and products.", no_args_is_help=True)
TenantOption = typer.Option(..., "--tenant", "-t", help="The tenant's slug.")
IdOption = typer.Option(..., "--id", help="The appointment's id.")
AtOption = typer.Option(
    ..., "--at", help="ISO date and time; without an offset it is the tenant's local time."
)


def _id(value: str, option: str) -> UUID:
    try:
        return UUID(value.strip())
    except ValueError:
        fail(f"{option}: not a valid id")


def _parse_at(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        fail("at: use an ISO date and time, e.g. 2026-03-27T09:00 or 2026-03-27T09:00+02:00")


def _aware(moment: datetime) -> datetime:
    """``moment`` as given, or (without an offset) in the tenant's zone (inside ``run``)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(display().zone))


@appointment_app.command("book")
def book(
    tenant: str = TenantOption,
    client: str = typer.Option(..., "--client", help="The client's id."),
    service: str = typer.Option(..., "--service", help="The catalogue service's name."),
    staff: str = typer.Option(..., "--staff", help="The staff member's e-mail."),
    at: str = AtOption,
    branch: str = typer.Option("", "--branch", help="The branch's name (default: the client's)."),
) -> None:
    """Book a client with a staff member; prints the appointment's id."""
    client_id = _id(client, "client")
    moment = _parse_at(at)

    async def work() -> UUID:
        member = await appointments.staff_by_email(staff)
        branch_id = (await appointments.branch_by_name(branch)).id if branch else None
        row = await appointments.book(
            client_id, staff_id=member.id, service=service, starts_at=_aware(moment), branch_id=branch_id
        )
        return row.id

    typer.echo(str(run(work, tenant=tenant)))


@appointment_app.command("move")
def move(
    tenant: str = TenantOption,
    id: str = IdOption,
    at: str = AtOption,
    staff: str = typer.Option("", "--staff", help="Another staff member's e-mail."),
) -> None:
    """Move an appointment to another time (and staff member)."""
    appointment_id = _id(id, "id")
    moment = _parse_at(at)

    async def work() -> None:
        staff_id = (await appointments.staff_by_email(staff)).id if staff else None
        await appointments.move(appointment_id, starts_at=_aware(moment), staff_id=staff_id)

    run(work, tenant=tenant)
    typer.echo("moved")


@appointment_app.command("cancel")
def cancel(
    tenant: str = TenantOption,
    id: str = IdOption,
    reason: str = typer.Option(..., "--reason", help="Why it is cancelled."),
    by: str = typer.Option("client", "--by", help="Who cancelled: client or salon."),
) -> None:
    """Cancel an appointment."""
    appointment_id = _id(id, "id")

    async def work() -> None:
        await appointments.cancel(appointment_id, reason=reason, cancelled_by=by)

    run(work, tenant=tenant)
    typer.echo("cancelled")


def appointments_command(
    tenant: str = TenantOption,
    branch: str = typer.Option(..., "--branch", help="The branch's name."),
    day: str = typer.Option("", "--date", help="YYYY-MM-DD (default: today in the branch's zone)."),
) -> None:
    """A branch's appointments of one day, by start time."""
    chosen: date | None = None
    if day:
        try:
            chosen = date.fromisoformat(day)
        except ValueError:
            fail("date: use YYYY-MM-DD")

    async def work() -> list[tuple[str, ...]]:
        found = await appointments.branch_by_name(branch)
        zone = found.time_zone or display().zone
        when = chosen or now().astimezone(ZoneInfo(zone)).date()
        cal = await appointments.calendar(found.id, when)
        staff = {s.id: s.name for s in cal.staff}
        return [
            (
                format_time(e.appointment.starts_at, zone=cal.zone),
                format_time(e.appointment.ends_at or e.appointment.starts_at, zone=cal.zone),
                staff.get(e.appointment.staff_id, "-") if e.appointment.staff_id else "-",
                e.appointment.service,
                e.client_name,
                e.appointment.status,
                str(e.appointment.id),
            )
            for e in cal.entries
        ]

    rows = run(work, tenant=tenant)
    if not rows:
        typer.echo("no appointments")
        return
    echo_rows(rows, ("start", "end", "staff", "service", "client", "status", "id"))


@catalogue_app.command("export")
def export(
    tenant: str = TenantOption,
    file: Path = typer.Option(..., "--file", help="Where to write the CSV."),
) -> None:
    """Write every service and product as CSV."""
    text = run(csv_io.export_csv, tenant=tenant)
    file.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {file}")


@catalogue_app.command("import")
def import_(
    tenant: str = TenantOption,
    file: Path = typer.Option(..., "--file", help="The CSV to read (see `catalogue export`)."),
) -> None:
    """Add or change services and products from a CSV (all or nothing)."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"file: cannot read it ({exc.__class__.__name__})")

    async def work() -> tuple[int, int]:
        return await csv_io.import_csv(text)

    added, changed = run(work, tenant=tenant)
    typer.echo(f"added {added}, changed {changed}")
