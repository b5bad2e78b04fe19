"""``salonkeep signup invite`` (an operator's one-time sign-up link) and ``salonkeep staff
import`` (staff invited in bulk from a CSV file)."""

from __future__ import annotations

from pathlib import Path

import typer

from salonkeep.core import signup, staff_import
from salonkeep.core.cli.runner import USAGE_ERROR, fail, run, settings_or_fail

signup_app = typer.Typer(help="Chains signing themselves up.", no_args_is_help=True)


@signup_app.command("invite")
def invite(
    email: str = typer.Option("", "--email", help="Only this owner e-mail may use the link."),
    days: int = typer.Option(signup.INVITATION_DAYS, "--days", help="How many days the link is valid."),
) -> None:
    """Print a one-time signed link that opens the sign-up page (even with public sign-up off)."""
    settings = settings_or_fail()

    async def work() -> str:
        return signup.invitation_token(email, days)

    token = run(work)  # with the database up: the master key is the installation's
    valid = f"valid {days} days, once" + (f", for {email.strip().lower()}" if email else "")
    typer.echo(f"sign-up link ({valid}): {settings.public_url}/signup?invitation={token}")


def staff_import_command(
    tenant: str = typer.Option(..., "--tenant", "-t", help="The tenant's slug."),
    file: Path = typer.Option(..., "--file", help="CSV with the columns name, email, role, branch."),
) -> None:
    """Invite everyone in the file (all or nothing); each gets a set-password link by e-mail."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(f"file: cannot read {file}: {exc.strerror or exc}")
    base = settings_or_fail().public_url

    async def work() -> list[staff_import.Invited] | list[staff_import.RowError]:
        try:
            return await staff_import.import_staff(data, base_url=base)
        except staff_import.StaffImportRefused as refused:
            return refused.errors

    found = run(work, tenant=tenant)
    errors = [item for item in found if isinstance(item, staff_import.RowError)]
    if errors:
        for error in errors:
            typer.echo(f"row {error.row}: {error.field}: {error.message}", err=True)
        rows = len({e.row for e in errors})
        typer.echo(f"error: {rows} rows were refused; nobody was invited", err=True)
        raise typer.Exit(USAGE_ERROR)
    for person in found:
        assert isinstance(person, staff_import.Invited)
        typer.echo(f"invited {person.email} as {person.role}")
    typer.echo(f"{len(found)} invitations queued for e-mail")
