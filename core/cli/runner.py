"""Run a CLI command's coroutine with the database up, and turn errors into one line + exit 2."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import NoReturn, TypeVar

import typer

from salonkeep.core import database
from salonkeep.core.formatting import display_scope
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.errors import SalonkeepError, ValidationFailed
from salonkeep.tenants.onboarding import find_tenant
from salonkeep.tenants.settings import Settings, load_settings

T = TypeVar("T")
USAGE_ERROR = 2


def fail(message: str) -> NoReturn:
    """Print ``error: message`` on stderr and exit with status 2."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(USAGE_ERROR)


def settings_or_fail() -> Settings:
    """The settings, or a one-line error."""
    try:
        return load_settings()
    except SalonkeepError as exc:
        fail(str(exc))


def run(work: Callable[[], Awaitable[T]], tenant: str | None = None) -> T:
    """Connect, optionally enter ``--tenant``'s context, run ``work``, disconnect. With a
    tenant, dates are formatted (:mod:`salonkeep.core.formatting`) in its zone and locale."""
    settings = settings_or_fail()
    if not settings.is_postgres and not settings.sqlite_path.exists():
        fail(f"no database at {settings.sqlite_path}; run `salonkeep migrate` first")

    async def main() -> T:
        engine = await database.start(settings)
        try:
            if tenant is None:
                return await work()
            record = await find_tenant(tenant)
            with (
                tenant_scope(TenantContext(tenant_id=record.id, actor_label="cli")),
                display_scope(record.time_zone, record.default_locale),
            ):
                return await work()
        finally:
            await database.stop(engine)

    try:
        return asyncio.run(main())
    except ValidationFailed as exc:
        fail("; ".join(f"{field}: {message}" for field, message in exc.errors.items()))
    except SalonkeepError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot reach the database: {exc}")


def echo_rows(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> None:
    """Print rows as aligned columns."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=False)]
    for row in (header, *rows):
        typer.echo("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)).rstrip())


def is_interactive() -> bool:
    """True when a person is at the terminal."""
    return sys.stdin.isatty()
