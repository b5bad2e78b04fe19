"""``salonkeep programme …`` and ``salonkeep calls``: a tenant's aftercare programmes and the
branch call list, from the command line."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import typer

from salonkeep.core.aftercare import calls, programmes
from salonkeep.core.aftercare.programmes import ProgrammeState
from salonkeep.core.cli.preview import Preview, preview
from salonkeep.core.cli.runner import echo_rows, fail, run
from salonkeep.core.formatting import format_datetime
from salonkeep.core.plugins.manager import get_plugins
from salonkeep.tenants.errors import NotFound
from salonkeep.tenants.onboarding import list_branches

programme_app = typer.Typer(help="Aftercare programmes of a tenant.", no_args_is_help=True)
TenantOption = typer.Option(..., "--tenant", "-t", help="The tenant's slug.")


def _parse_uuid(raw: str, field: str) -> UUID:
    try:
        return UUID(raw)
    except ValueError:
        fail(f"{field}: not a valid id")


def _parse_moment(raw: str, field: str) -> datetime:
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        fail(f"{field}: use an ISO date and time with its offset, e.g. 2026-03-25T10:00+02:00")


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


@programme_app.command("preview")
def programme_preview(
    tenant: str = TenantOption,
    name: str = typer.Argument(..., help="Programme name."),
    event: str = typer.Option(..., "--event", help="service, sale, appointment, registered or planning_due."),
    client: str | None = typer.Option(None, "--client", help="A client's id (default: a sample new client)."),
    at: str | None = typer.Option(None, "--at", help="When it happens (ISO with offset); default now."),
    category: str = typer.Option("facial", "--category", help="The service's or product's category."),
    item: str = typer.Option("Sample", "--item", help="The service's or product's name."),
) -> None:
    """Print what a programme would plan for an event, without writing anything."""
    client_id = _parse_uuid(client, "client") if client else None
    when = _parse_moment(at, "at") if at else None

    async def work() -> tuple[Preview, list[str]]:
        found = await preview(name, event, client_id=client_id, at=when, item=item, category=category)
        # In the tenant's zone and language (the CLI's display scope).
        return found, [format_datetime(t.due_at, width="short") for t in found.planned]

    result, due = run(work, tenant=tenant)
    if not result.enabled:
        typer.echo(f"note: {name} is disabled for this tenant; this is what it would plan once enabled")
    if not result.planned:
        typer.echo("nothing would be planned")
        return
    echo_rows(
        [
            (when_, t.kind, t.purpose, str(t.assigned_staff_id or t.assigned_role or ""), t.title)
            for t, when_ in zip(result.planned, due, strict=True)
        ],
        ("DUE", "KIND", "PURPOSE", "FOR", "TITLE"),
    )
    for t in result.planned:
        typer.echo(f"- {t.title}: {t.script}")
