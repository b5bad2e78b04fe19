"""``salonkeep staff hours``: a staff member's working hours (and break) on a weekday."""

from __future__ import annotations

import typer

from salonkeep.core.appointments import service as appointments
from salonkeep.core.cli.runner import fail, run

#: The weekday names the CLI accepts (0 = Monday).
DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def _break(value: str) -> tuple[str, str]:
    if not value:
        return "", ""
    start, sep, end = value.partition("-")
    if not sep or not start or not end:
        fail("break: use HH:MM-HH:MM, e.g. 12:00-12:30")
    return start.strip(), end.strip()


def staff_hours(
    tenant: str = typer.Option(..., "--tenant", "-t", help="The tenant's slug."),
    staff: str = typer.Option(..., "--staff", help="The staff member's e-mail."),
    day: str = typer.Option(..., "--day", help="mon, tue, wed, thu, fri, sat or sun."),
    starts: str = typer.Option("", "--from", help="HH:MM, the start of the day's work."),
    ends: str = typer.Option("", "--to", help="HH:MM, the end of the day's work."),
    break_: str = typer.Option("", "--break", help="HH:MM-HH:MM, an optional break."),
    branch: str = typer.Option(
        "", "--branch", help="The branch's name (default: the staff member's only branch)."
    ),
    off: bool = typer.Option(False, "--off", help="A day off: clear the day's hours."),
) -> None:
    """Set (or with --off clear) a staff member's hours in a branch on one weekday."""
    weekday = DAYS.get(day.strip().lower()[:3]) if day.strip() else None
    if weekday is None:
        fail("day: use mon, tue, wed, thu, fri, sat or sun")
    if not off and (not starts or not ends):
        fail("from: give --from and --to (or --off)")
    break_starts, break_ends = _break(break_.strip())

    async def work() -> None:
        member = await appointments.staff_by_email(staff)
        if branch:
            branch_id = (await appointments.branch_by_name(branch)).id
        else:
            branch_id = await appointments.only_branch_of(member.id)
        if off:
            await appointments.clear_working_hours(member.id, branch_id, weekday)
        else:
            await appointments.set_working_hours(
                member.id, branch_id, weekday, starts.strip(), ends.strip(), break_starts, break_ends
            )

    run(work, tenant=tenant)
    typer.echo("day off" if off else "saved")
