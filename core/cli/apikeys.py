"""``salonkeep apikey``: create, list and revoke a tenant's API keys."""

from __future__ import annotations

from uuid import UUID

import typer

from salonkeep.core.apikeys import service
from salonkeep.core.cli.runner import echo_rows, fail, run
from salonkeep.core.formatting import format_datetime
from salonkeep.tenants.tables import ROLES

apikey_app = typer.Typer(
    help="API keys of a tenant (for booking and point-of-sale systems).", no_args_is_help=True
)
TenantOption = typer.Option(..., "--tenant", "-t", help="The tenant's slug.")


@apikey_app.command("create")
def apikey_create(
    tenant: str = TenantOption,
    name: str = typer.Option(..., help="What the key is for, e.g. 'booking site'."),
    role: str = typer.Option(..., help=f"The staff role it acts with: {', '.join(ROLES)}."),
    branch: str = typer.Option("", help="Its branch (needed for every role but owner and privacy_officer)."),
) -> None:
    """Create a key and print it once (only its hash is stored)."""
    key, secret = run(lambda: service.create_api_key(name, role, branch), tenant=tenant)
    typer.echo(f"created API key {key.name!r} ({key.id}) with the role {key.role}")
    typer.echo("the key (shown only now, keep it secret):")
    typer.echo(secret)


@apikey_app.command("list")
def apikey_list(tenant: str = TenantOption) -> None:
    """List a tenant's keys (never the secrets)."""

    async def work() -> list[tuple[str, ...]]:
        return [
            (
                str(k.id),
                k.name,
                k.role,
                k.prefix,
                "revoked" if k.revoked_at else "active",
                format_datetime(k.last_used_at, show_zone=True) if k.last_used_at else "never",
            )
            for k in await service.list_api_keys()
        ]

    echo_rows(run(work, tenant=tenant), ("ID", "NAME", "ROLE", "PREFIX", "STATUS", "LAST USED"))


@apikey_app.command("revoke")
def apikey_revoke(
    tenant: str = TenantOption, key_id: str = typer.Option(..., "--id", help="The key's id.")
) -> None:
    """Revoke a key: it stops working at once."""
    try:
        parsed = UUID(key_id)
    except ValueError:
        fail(f"--id: {key_id!r} is not a key id")
    key = run(lambda: service.revoke_api_key(parsed), tenant=tenant)
    typer.echo(f"revoked API key {key.name!r} ({key.id})")
