"""``salonkeep import clients``: bring clients over from another system's CSV export."""

from __future__ import annotations

from pathlib import Path

import typer

from salonkeep.core.cli.runner import USAGE_ERROR, fail, run
from salonkeep.core.clients import importer

import_app = typer.Typer(help="Import data from another system.", no_args_is_help=True)


def _overrides(pairs: list[str]) -> dict[str, str]:
    found = {}
    for pair in pairs:
        column, sep, target = pair.partition("=")
        if not sep:
            fail(f"map: write COLUMN=FIELD (got {pair!r})")
        found[column.strip()] = target.strip()
    return found


@import_app.command("clients")
def clients(
    tenant: str = typer.Option(..., "--tenant", "-t", help="The tenant's slug."),
    file: Path = typer.Option(
        ...,
        "--file",
        help="A CSV file or an Excel workbook (.xlsx, first sheet), first row the column names.",
    ),
    preset: str = typer.Option(
        "", "--preset", help=f"The exporting system's layout: {', '.join(importer.PRESETS)}."
    ),
    mapping: list[str] = typer.Option(
        [],
        "--map",
        help="COLUMN=FIELD (repeat; FIELD empty to ignore a column). Fields: " + ", ".join(importer.FIELDS),
    ),
    branch: str = typer.Option("", "--branch", help="The branch for rows without one."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check every row and report; write nothing."),
    skip_invalid: bool = typer.Option(
        False,
        "--skip-invalid",
        help="Import the valid rows of a file with row errors (each bad row is still reported).",
    ),
) -> None:
    """Check every row, then import all new clients or none (duplicates are skipped). A file
    with row errors imports nothing unless ``--skip-invalid`` confirms importing its valid rows."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(f"file: cannot read {file}: {exc.strerror or exc}")
    overrides = _overrides(mapping)

    async def work() -> importer.ImportPlan:
        plan = await importer.plan_import(
            data, preset=preset or None, overrides=overrides, branch=branch or None
        )
        if (plan.errors and not skip_invalid) or dry_run:
            return plan
        source = f"{file.name}" + (f" ({preset} export)" if preset else "")
        return await importer.run_import(plan, source, skip_invalid=skip_invalid)

    plan = run(work, tenant=tenant)
    for number, reason in plan.duplicates:
        typer.echo(f"row {number}: skipped, duplicate ({reason})")
    for error in plan.errors:
        typer.echo(f"row {error.row}: {error.field}: {error.message}", err=True)
    bad = len({e.row for e in plan.errors})
    if plan.errors and not skip_invalid:
        typer.echo(f"error: {bad} of {plan.rows} rows are invalid; nothing was imported", err=True)
        raise typer.Exit(USAGE_ERROR)
    if dry_run:
        typer.echo(
            f"dry run: {len(plan.new)} clients would be imported, {len(plan.duplicates)} duplicates skipped"
        )
        return
    skipped = f", {bad} invalid rows skipped" if plan.errors else ""
    typer.echo(f"imported {plan.imported} clients, {len(plan.duplicates)} duplicates skipped{skipped}")
