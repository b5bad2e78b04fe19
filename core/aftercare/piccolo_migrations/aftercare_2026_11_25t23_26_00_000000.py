"""Encrypt the call notes already stored in clear text, and their copies in tasks.

Notes staff wrote with an outcome (``call_log.note``, ``touchpoint.note``) can carry health
information; since this release they are written encrypted under the client's key (see
``salonkeep.core.aftercare.notes``). This migration seals the existing ones the same way, and
finds the tasks whose title or script copied a note (the abnormal-reaction escalation, the
booking task, plugins' tasks): there the note is replaced by "…" and the script, as written,
moves to the encrypted ``touchpoint.detail``. Tenant by tenant (row-level security is forced),
in the migration's transaction; already encrypted values are left alone.
"""

from collections import defaultdict
from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.querystring import QueryString

from salonkeep.core.aftercare.notes import leaks, redact
from salonkeep.core.keys.service import PREFIX, MigrationSealer
from salonkeep.tenants.context import TenantContext
from salonkeep.tenants.db import unit_of_work

ID = "2026-11-25T23:26:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "encrypt call notes and the task scripts that copied them"


async def _encrypt_tenant(run: Any, tenant_id: Any) -> None:
    sealer = MigrationSealer()
    written: dict[str, set[str]] = defaultdict(set)
    for table in ("call_log", "touchpoint"):
        rows = await run(
            f"SELECT id, client_id, note FROM {table} WHERE tenant_id = {{}} AND note <> ''",  # noqa: S608
            tenant_id,
        )
        for row in rows:
            if row["note"].startswith(PREFIX):
                continue
            written[str(row["client_id"])].add(row["note"].strip())
            sealed = await sealer.seal_column(row["client_id"], table, "note", row["id"], row["note"])
            await run(
                f"UPDATE {table} SET note = {{}} WHERE tenant_id = {{}} AND id = {{}}",  # noqa: S608
                sealed,
                tenant_id,
                row["id"],
            )
    for client_id, texts in written.items():
        private = tuple(sorted(texts))
        rows = await run(
            "SELECT id, client_id, kind, title, script, detail FROM touchpoint "
            "WHERE tenant_id = {} AND client_id = {}",
            tenant_id,
            client_id,
        )
        for row in rows:
            if not (leaks(row["title"], private) or leaks(row["script"], private)):
                continue
            detail = ""
            if row["kind"] != "message" and not row["detail"]:
                detail = await sealer.seal_column(
                    row["client_id"], "touchpoint", "detail", row["id"], row["script"]
                )
            await run(
                "UPDATE touchpoint SET title = {}, script = {}, detail = {} WHERE tenant_id = {} AND id = {}",
                redact(row["title"], private),
                redact(row["script"], private),
                detail or row["detail"],
                tenant_id,
                row["id"],
            )


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="aftercare", description=DESCRIPTION)

    async def run_migration() -> None:
        engine = engine_finder()
        if engine is None:
            raise RuntimeError("no engine for the migration")

        async def run(sql: str, *args: Any) -> list[dict[str, Any]]:
            return await engine.run_querystring(QueryString(sql, *args)) or []

        for tenant in await run("SELECT id FROM tenant"):
            # One transaction per tenant, the tenant set for row-level security and for the
            # filter of tenants.scoped (which MigrationSealer's SQL goes through).
            ctx = TenantContext(tenant_id=tenant["id"], actor_label="migration")
            async with unit_of_work(ctx, engine=engine):
                await _encrypt_tenant(run, tenant["id"])

    manager.add_raw(run_migration)
    return manager
