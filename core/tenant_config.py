"""Changing a tenant's settings: checked, written and audited in one unit of work.

Every change of a tenant's settings goes through this module (a test walks the sources for
other writers): the directory row is written as its own tenant, and one audit event names the
settings that changed (never their values) and who changed them, committing with the change.
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
    raw_settings,
    store_raw_settings,
    update_tenant_settings,
)

#: The audit subject and action of settings changes.
SUBJECT = "tenant_settings"
CHANGED = audit.AuditAction.SETTINGS_CHANGE


async def change_settings(changes: Mapping[str, object], ctx: TenantContext | None = None) -> TenantSettings:
    """Check ``changes`` to the typed settings (all or nothing; ``ValidationFailed`` names each
    refused key), store them and audit the keys, for the current (or given) person's tenant."""
    ctx = ctx or current()
    async with unit_of_work(ctx):
        saved = await update_tenant_settings(ctx.tenant_id, changes)
        await audit.record(CHANGED, subject=SUBJECT, fields=sorted(changes), ctx=ctx)
    return saved


async def change_section(
    section: str,
    change: Callable[[dict[str, Any]], dict[str, Any]],
    ctx: TenantContext | None = None,
) -> dict[str, Any]:
    """Replace the settings section ``section`` (``delivery``, ``message_templates``…, the ones
    with parsers of their own) by ``change(current_section)``; ``change`` validates and raises
    ``ValidationFailed``. The keys whose value changed are audited as ``section.key``."""
    ctx = ctx or current()
    async with unit_of_work(ctx):
        settings = raw_settings(await get_tenant(ctx.tenant_id))
        before = dict(settings.get(section) or {})
        after = change(dict(before))
        changed = sorted(key for key in {*before, *after} if before.get(key) != after.get(key))
        settings[section] = after
        await store_raw_settings(settings)
        fields = [f"{section}.{key}" for key in changed]
        await audit.record(CHANGED, subject=SUBJECT, fields=fields, ctx=ctx)
    return after
