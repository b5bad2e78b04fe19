"""``salonkeep audit …``: seal the chain, verify it, print the signed head, the public key or a
client's history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID

import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from salonkeep.core.audit import chain, heads, signing
from salonkeep.core.audit.service import client_history
from salonkeep.core.cli.runner import echo_rows, fail, run, settings_or_fail
from salonkeep.core.formatting import format_datetime
from salonkeep.tenants.context import current

audit_app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)
TenantOption = typer.Option(..., "--tenant", "-t", help="The tenant's slug.")


@audit_app.command("seal")
def seal(
    tenant: str = typer.Option("", "--tenant", "-t", help="One tenant (default: all)."),
    accept_current_chain: bool = typer.Option(
        False,
        "--accept-current-chain",
        help="After an investigated incident: sign the chain as it is now (needs -t and --reason).",
    ),
    reason: str = typer.Option("", "--reason", help="Why the current chain is accepted (recorded)."),
) -> None:
    """Hash the unsealed audit rows into each tenant's chain (as the table owner), sign and
    export the new heads. Refuses (exit 1) for a tenant whose chain no longer extends its
    signed head."""
    settings = settings_or_fail()
    if accept_current_chain:
        if not tenant:
            fail("tenant: --accept-current-chain needs --tenant")
        if not reason.strip():
            fail("reason: say why the current chain is accepted")

        async def accept() -> int:
            return await chain.accept_current_chain(settings, current().tenant_id, reason)

        sealed = run(accept, tenant=tenant)
        typer.echo(f"audit chain of {tenant} accepted as it is and signed ({sealed} rows sealed)")
        return

    async def work() -> chain.SealReport:
        return await chain.seal(settings, current().tenant_id if tenant else None)

    report = run(work, tenant=tenant or None)
    typer.echo(f"sealed {sum(report.sealed.values())} audit rows in {len(report.sealed)} tenant(s)")
    for tenant_id, problem in report.refused.items():
        typer.echo(f"error: audit chain of tenant {tenant_id} was NOT sealed: {problem}", err=True)
    if report.refused:
        raise typer.Exit(1)


def _read_head_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text()
    except OSError as exc:
        fail(f"against: cannot read {path}: {exc.strerror or exc}")
    head = heads.parse_json(text)
    if not head:
        fail(f"against: {path} is not a signed chain head (JSON)")
    return head


def read_public_key(value: str) -> Ed25519PublicKey:
    text = value
    if "BEGIN PUBLIC KEY" not in value:
        try:
            text = Path(value).read_text()
        except OSError as exc:
            fail(f"public-key: cannot read {value}: {exc.strerror or exc}")
    try:
        return signing.parse_public_key(text, value if "BEGIN" not in value else "the given public key")
    except signing.SigningKeyMissing as exc:
        fail(f"public-key: {exc}")


@audit_app.command("verify")
def verify(
    tenant: str = TenantOption,
    against: Path | None = typer.Option(
        None, "--against", help="An exported head file: prove the chain still extends it."
    ),
    public_key: str = typer.Option(
        "",
        "--public-key",
        help="The public key (PEM file) to check signatures with (default: this installation's).",
    ),
) -> None:
    """Recompute the tenant's chain (reads only, seals nothing); names the first broken link (exit 1)."""
    settings = settings_or_fail()
    exported = _read_head_file(against) if against is not None else None
    public = read_public_key(public_key) if public_key else None

    async def work() -> chain.Verification:
        return await chain.verify(settings, current().tenant_id, against=exported, public=public)

    result = run(work, tenant=tenant)
    if not result.ok:
        where = f"link {result.broken_seq}" if result.broken_seq is not None else "chain"
        typer.echo(f"audit chain of {tenant} is BROKEN at {where}: {result.problem}", err=True)
        raise typer.Exit(1)
    checked = []
    if result.signed_seq is not None:
        checked.append(f"extends the signed head at link {result.signed_seq}")
    if result.against_seq is not None:
        checked.append(f"extends the exported head at link {result.against_seq}")
    typer.echo(
        f"audit chain of {tenant} verified: {result.rows} links, head {result.head_hash[:16]}…, "
        f"{result.unsealed} rows not sealed yet ({'; '.join(checked) or 'no signed head yet'})"
    )


@audit_app.command("head")
def head(tenant: str = TenantOption) -> None:
    """Print the last signed chain head (keep copies outside the database)."""
    settings = settings_or_fail()

    async def work() -> dict[str, Any] | None:
        return heads.read_signed_head(settings, current().tenant_id)

    signed = run(work, tenant=tenant)
    if signed is None:
        fail("this tenant's audit chain has no signed head yet (run `salonkeep audit seal`)")
    typer.echo(json.dumps(signed, indent=2))


@audit_app.command("public-key")
def public_key_command() -> None:
    """Print the public key that checks the signed chain heads (PEM); keep a copy elsewhere."""
    settings = settings_or_fail()
    try:
        typer.echo(signing.public_pem(signing.public_key(settings)), nl=False)
    except signing.SigningKeyMissing as exc:
        fail(str(exc))


@audit_app.command("history")
def history(
    tenant: str = TenantOption, client: str = typer.Option(..., "--client", help="The client's id.")
) -> None:
    """Print who did what with one client's record, oldest first (for the client)."""
    try:
        client_id = UUID(client)
    except ValueError:
        fail("client: not a client id")

    async def work() -> list[tuple[str, ...]]:
        return [
            (
                format_datetime(e.occurred_at, show_zone=True),
                e.actor_label,
                e.role or "-",
                e.action,
                e.subject,
                ",".join(e.fields) or "-",
                e.reason or "-",
            )
            for e in await client_history(client_id)
        ]

    echo_rows(run(work, tenant=tenant), ("WHEN", "WHO", "ROLE", "ACTION", "WHAT", "FIELDS", "WHY"))
