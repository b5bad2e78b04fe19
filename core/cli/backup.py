"""``salonkeep backup`` / ``salonkeep restore``: one tenant as an encrypted, signed archive."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from salonkeep.core import tenant_backup
from salonkeep.core.audit import signing
from salonkeep.core.cli.audit import read_public_key
from salonkeep.core.cli.runner import fail, run, settings_or_fail
from salonkeep.tenants.context import current


def backup(
    tenant: str = typer.Option(..., "--tenant", "-t", help="The tenant's slug."),
    out: Path = typer.Option(..., "--out", help="The archive file to write (mode 600)."),
) -> None:
    """Write an encrypted, signed archive of one tenant's rows and its wrapped keys."""
    settings = settings_or_fail()
    if out.exists():
        fail(f"out: {out} exists; choose a new file name")

    async def work() -> tuple[bytes, tenant_backup.BackupSummary]:
        return await tenant_backup.backup_tenant(settings, current())

    data, summary = run(work, tenant=tenant)
    try:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        fail(f"out: cannot write {out}: {exc.strerror or exc}")
    typer.echo(f"backed up tenant {summary.slug}: {sum(summary.rows.values())} rows to {out}")


def restore(
    file: Path = typer.Option(..., "--file", help="An archive made by `salonkeep backup`."),
    public_key: str = typer.Option(
        "",
        "--public-key",
        help="The signing installation's public key (PEM file) if not this one "
        "(`salonkeep audit public-key` there).",
    ),
) -> None:
    """Restore one tenant from an archive (the tenant must not exist here)."""
    settings = settings_or_fail()
    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(f"file: cannot read {file}: {exc.strerror or exc}")
    try:
        public = read_public_key(public_key) if public_key else signing.public_key(settings)
    except signing.SigningKeyMissing as exc:
        fail(str(exc))

    async def work() -> tenant_backup.BackupSummary:
        return await tenant_backup.restore_tenant(data, public)

    summary = run(work)
    typer.echo(f"restored tenant {summary.slug}: {sum(summary.rows.values())} rows")
