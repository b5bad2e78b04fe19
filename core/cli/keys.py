"""``salonkeep keys …``: rotate the tenant keys that wrap the clients' data keys."""

from __future__ import annotations

import typer

from salonkeep.core.cli.runner import echo_rows, run
from salonkeep.core.keys.service import Rotation, rotate_tenant_key
from salonkeep.tenants.context import TenantContext, current, tenant_scope
from salonkeep.tenants.onboarding import list_tenants

keys_app = typer.Typer(help="Encryption keys (encryption at rest).", no_args_is_help=True)


@keys_app.command("rotate")
def rotate(tenant: str = typer.Option("", "--tenant", "-t", help="One tenant (default: all).")) -> None:
    """Make a new tenant key and re-wrap every client key under it, without downtime."""

    async def work() -> list[tuple[str, Rotation]]:
        if tenant:
            return [(tenant, await rotate_tenant_key(current()))]
        done = []
        for record in await list_tenants():
            ctx = TenantContext(tenant_id=record.id, actor_label="cli: keys rotate")
            with tenant_scope(ctx):
                done.append((record.slug, await rotate_tenant_key(ctx)))
        return done

    results = run(work, tenant=tenant or None)
    echo_rows(
        [
            (slug, str(r.new_version), str(r.rewrapped), ",".join(map(str, r.retired_versions)) or "-")
            for slug, r in results
        ],
        ("TENANT", "NEW VERSION", "CLIENT KEYS RE-WRAPPED", "RETIRED"),
    )


@keys_app.command("rotate-master")
def rotate_master() -> None:
    """Re-wrap every tenant key under the current master key.

    To change the master key without downtime: put the new key in SALONKEEP_MASTER_KEY_FILE and
    the old one in SALONKEEP_PREVIOUS_MASTER_KEY_FILE (every process accepts both), run this
    command, then remove the previous key from the configuration. (Audit chain heads are signed
    with the separate audit signing key, so they are not touched.)
    """
    from salonkeep.core.keys.service import rewrap_under_current_master

    async def work() -> int:
        rewrapped = 0
        for record in await list_tenants():
            ctx = TenantContext(tenant_id=record.id, actor_label="cli: keys rotate-master")
            with tenant_scope(ctx):
                rewrapped += await rewrap_under_current_master(ctx)
        return rewrapped

    rewrapped = run(work)
    typer.echo(f"re-wrapped {rewrapped} tenant keys under the current master key")
