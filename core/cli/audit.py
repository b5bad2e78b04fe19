"""``salonkeep audit …``: seal the chain, verify it, print the signed head or a client's history."""

from __future__ import annotations

import json
from uuid import UUID

import typer

from salonkeep.core.audit import chain
from salonkeep.core.audit.service import client_history
from salonkeep.core.cli.runner import echo_rows, fail, run, settings_or_fail
from salonkeep.tenants.context import current

audit_app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)
TenantOption = typer.Option(..., "--tenant", "-t", help="The tenant's slug.")


@audit_app.command("seal")
def seal(tenant: str = typer.Option("", "--tenant", "-t", help="One tenant (default: all).")) -> None:
    """Hash the unsealed audit rows into each tenant's chain (as the table owner)."""
    settings = settings_or_fail()

    async def work() -> dict[UUID, int]:
        return await chain.seal(settings, current().tenant_id if tenant else None)

    sealed = run(work, tenant=tenant or None)
    typer.echo(f"sealed {sum(sealed.values())} audit rows in {len(sealed)} tenant(s)")


@audit_app.command("verify")
def verify(tenant: str = TenantOption) -> None:
    """Seal, then recompute the tenant's chain; names the first broken link (exit 1)."""
    settings = settings_or_fail()

    async def work() -> chain.Verification:
        return await chain.seal_and_verify(settings, current().tenant_id)

    result = run(work, tenant=tenant)
    if not result.ok:
        where = f"link {result.broken_seq}" if result.broken_seq is not None else "chain"
        typer.echo(f"audit chain of {tenant} is BROKEN at {where}: {result.problem}", err=True)
        raise typer.Exit(1)
    head = "checked against the signed head" if result.signed_head_checked else "no signed head yet"
    typer.echo(
        f"audit chain of {tenant} verified: {result.rows} links, head {result.head_hash[:16]}… ({head})"
    )


@audit_app.command("head")
def head(tenant: str = TenantOption) -> None:
    """Seal, then print the signed chain head (keep a copy outside the database)."""
    settings = settings_or_fail()

    async def work() -> dict[str, object] | None:
        return await chain.current_head(settings, current().tenant_id)

    signed = run(work, tenant=tenant)
    if signed is None:
        fail("the audit trail of this tenant is empty")
    typer.echo(json.dumps(signed, indent=2))


@audit_app.command("history")
def history(
    tenant: str = TenantOption, client: str = typer.Option(..., "--client", help="The client's id.")
) -> None:
    """Print who did what with one client's record, oldest first (for the client)."""
    try:
        client_id = UUID(client)
    except ValueError:
        fail("client: not a client id")
    entries = run(lambda: client_history(client_id), tenant=tenant)
    echo_rows(
        [
            (
                e.occurred_at.strftime("%Y-%m-%d %H:%M"),
                e.actor_label,
                e.role or "-",
                e.action,
                e.subject,
                ",".join(e.fields) or "-",
                e.reason or "-",
            )
            for e in entries
        ],
        ("WHEN", "WHO", "ROLE", "ACTION", "WHAT", "FIELDS", "WHY"),
    )
