"""``salonkeep programme …`` and ``salonkeep calls``: a tenant's aftercare programmes and the
branch call list, from the command line."""

from __future__ import annotations

import typer

from salonkeep.core.aftercare import calls, programmes
from salonkeep.core.aftercare.programmes import ProgrammeState
from salonkeep.core.cli.runner import echo_rows, run
from salonkeep.core.formatting import format_datetime
from salonkeep.core.plugins.manager import get_plugins
from salonkeep.tenants.errors import NotFound
from salonkeep.tenants.onboarding import list_branches

programme_app = typer.Typer(help="Aftercare programmes of a tenant.", no_args_is_help=True)
TenantOption = typer.Option(..., "--tenant", "-t", help="The tenant's slug.")


def _show(value: object) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _echo_state(state: ProgrammeState) -> None:
    typer.echo(f"{state.programme.name}: {'enabled' if state.enabled else 'disabled'}")
    for key, value in state.settings.items():
        typer.echo(f"  {key} = {_show(value)}")


@programme_app.command("list")
def programme_list(
    tenant: str = TenantOption,
    settings: bool = typer.Option(False, "--settings", help="Show every setting too."),
) -> None:
    """List the installed programmes and whether the tenant runs them."""
    states = run(programmes.list_programmes, tenant=tenant)
    echo_rows(
        [(s.programme.name, "enabled" if s.enabled else "disabled", s.programme.title) for s in states],
        ("PROGRAMME", "STATUS", "TITLE"),
    )
    if settings:
        for state in states:
            _echo_state(state)
    for failure in get_plugins().failures:
        typer.echo(f"warning: plugin {failure.name} was skipped: {failure.reason}", err=True)


@programme_app.command("enable")
def programme_enable(
    tenant: str = TenantOption, name: str = typer.Argument(..., help="Programme name.")
) -> None:
    """Switch a programme on for the tenant."""
    run(lambda: programmes.set_enabled(name, True), tenant=tenant)
    typer.echo(f"{name} is enabled")


@programme_app.command("disable")
def programme_disable(
    tenant: str = TenantOption, name: str = typer.Argument(..., help="Programme name.")
) -> None:
    """Switch a programme off for the tenant: it plans nothing more."""
    run(lambda: programmes.set_enabled(name, False), tenant=tenant)
    typer.echo(f"{name} is disabled")


@programme_app.command("set")
def programme_set(
    tenant: str = TenantOption,
    name: str = typer.Argument(..., help="Programme name."),
    key: str = typer.Argument(..., help="Setting name (see `programme list --settings`)."),
    value: str = typer.Argument(..., help="New value, e.g. 3, true, 10:30 or 1,7,30."),
) -> None:
    """Change one setting of a programme (checked against its settings schema)."""
    state = run(lambda: programmes.set_setting(name, key, value), tenant=tenant)
    typer.echo(f"{name}: {key} = {_show(state.settings[key])}")


def calls_command(
    tenant: str = TenantOption,
    branch: str = typer.Option(..., "--branch", "-b", help="Branch name."),
) -> None:
    """Print the branch's call list: calls and tasks due today, overdue and urgent first."""

    async def work() -> tuple[list[calls.CallItem], list[str]]:
        found = [b for b in await list_branches() if b.name == branch]
        if not found:
            raise NotFound(f"no branch called {branch!r}")
        items = await calls.due_calls(found[0].id)
        # In the branch's zone (else the tenant's, the display scope's), the tenant's locale.
        return items, [format_datetime(i.due_at, found[0].time_zone, width="short") for i in items]

    items, due = run(work, tenant=tenant)
    if not items:
        typer.echo("no calls due")
        return
    echo_rows(
        [
            (
                when,
                "URGENT" if item.urgency == "urgent" else ("OVERDUE" if item.overdue else ""),
                item.kind,
                item.programme,
                item.client_name,
                item.phone or "",
                item.preferred_time,
                item.title,
            )
            for item, when in zip(items, due, strict=True)
        ],
        ("DUE", "FLAG", "KIND", "PROGRAMME", "CLIENT", "PHONE", "PREFERRED", "TITLE"),
    )
    for item in items:
        typer.echo(f"- {item.title} [{item.touchpoint_id}]: {item.script}")


__all__ = ["calls_command", "programme_app"]
