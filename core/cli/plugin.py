"""``salonkeep plugin …``: tools for plugin authors."""

from __future__ import annotations

from pathlib import Path

import typer

from salonkeep.core.cli.runner import fail
from salonkeep.core.cli.scaffold import write_package
from salonkeep.tenants.errors import ValidationFailed

plugin_app = typer.Typer(help="Tools for plugin authors.", no_args_is_help=True)


@plugin_app.command("new")
def plugin_new(
    name: str = typer.Argument(..., help="The plugin's package and programme name, e.g. demo_plugin."),
    directory: Path = typer.Option(Path("."), "--dir", help="Where to create the package folder."),
) -> None:
    """Write a plugin package to start from: pyproject with the entry point, a programme, its
    tests using the plugin kit, and a README (its tests pass as written)."""
    try:
        root = write_package(name, directory)
    except ValidationFailed as exc:
        fail("; ".join(f"{field}: {message}" for field, message in exc.errors.items()))
    typer.echo(f"plugin package written to {root}")
    typer.echo(f"next: pip install -e '{root}[test]' && (cd {root} && pytest)")


__all__ = ["plugin_app"]
