"""Changing a tenant's settings: checked, written and audited in one unit of work.

Every change of a tenant's settings goes through this module (a test walks the sources for
other writers): the directory row is written as its own tenant, and one audit event names the
settings that changed, with their values before and after (never a secret's: see
:func:`salonkeep.core.audit.is_secret`), and who changed them, committing with the change. A
save that changes nothing writes no event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from salonkeep.core import audit
from salonkeep.tenants.context import TenantContext, current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.tenant_settings import (
    TenantSettings,
    parse_settings,
    raw_settings,
    store_raw_settings,
    update_tenant_settings,
)

#: The audit subject and action of settings changes.
SUBJECT = "tenant_settings"
CHANGED = audit.AuditAction.SETTINGS_CHANGE


async def change_settings(changes: Mapping[str, object], ctx: TenantContext | None = None) -> TenantSettings:
    """Check ``changes`` to the typed settings (all or nothing; ``ValidationFailed`` names each
    refused key), store them and audit the keys whose value changed (before and after), for
    the current (or given) person's tenant."""
    ctx = ctx or current()
    async with unit_of_work(ctx):
        before = parse_settings((await get_tenant(ctx.tenant_id)).settings)
        saved = await update_tenant_settings(ctx.tenant_id, changes)
        old = {key: getattr(before, key, None) for key in changes}
        new = {key: getattr(saved, key, None) for key in changes}
        changed = [key for key in sorted(changes) if old[key] != new[key]]
        if changed:
            found = audit.changes_between({k: old[k] for k in changed}, {k: new[k] for k in changed})
            await audit.record(CHANGED, subject=SUBJECT, fields=changed, changes=found, ctx=ctx)
    return saved


async def change_section(
    section: str,
    change: Callable[[dict[str, Any]], dict[str, Any]],
    ctx: TenantContext | None = None,
) -> dict[str, Any]:
    """Replace the settings section ``section`` (``delivery``, ``message_templates``…, the ones
    with parsers of their own) by ``change(current_section)``; ``change`` validates and raises
    ``ValidationFailed``. The keys whose value changed are audited as ``section.key``, with
    their values before and after (a secret's name only)."""
    ctx = ctx or current()
    async with unit_of_work(ctx):
        settings = raw_settings(await get_tenant(ctx.tenant_id))
        before = dict(settings.get(section) or {})
        after = change(dict(before))
        changed = sorted(key for key in {*before, *after} if before.get(key) != after.get(key))
        settings[section] = after
        await store_raw_settings(settings)
        if changed:
            found = audit.changes_between(
                {k: before.get(k) for k in changed}, {k: after.get(k) for k in changed}, f"{section}."
            )
            fields = [f"{section}.{key}" for key in changed]
            await audit.record(CHANGED, subject=SUBJECT, fields=fields, changes=found, ctx=ctx)
    return after
