"""Client imports from the web: the uploaded file, its mapping and preview, and the worker run.

An owner uploads a CSV or XLSX file (:func:`upload`; stored encrypted under the tenant key),
picks a preset or maps columns (:func:`set_mapping`) and sees the preview of
:func:`salonkeep.core.clients.importer.plan_import` (:func:`preview`). Confirming
(:func:`confirm`) queues it; a file with invalid rows is refused unless the owner explicitly
chose to import the valid rows only. A worker then runs :func:`run` once: the state moves
``queued → running`` by one conditional update, so a job delivered twice imports nothing
twice, and the import is one unit of work (all or nothing). While it runs, progress and the
cancel request live in Redis (:mod:`salonkeep.core.clients.import_progress`), because the
import's own transaction holds its writes until it commits. When the import ends the stored
file is blanked; only its SHA-256 stays, to recognise a second upload of the same file (which
imports nothing again: its rows are duplicates).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from uuid import UUID, uuid4

from salonkeep.core import audit
from salonkeep.core.access import Action, require
from salonkeep.core.clients import importer
from salonkeep.core.clients.tables import ClientImport
from salonkeep.core.keys.service import DecryptionFailed, open_file, seal_file
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import TenantContext, current, tenant_scope
from salonkeep.tenants.db import execute, get_engine, is_postgres, unit_of_work
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.tenants.messages import field_message

#: The largest file accepted (bytes).
MAX_FILE_BYTES = 32 * 1024 * 1024
#: Ended states: the file is gone.
ENDED = ("done", "failed", "cancelled")
#: A run that has not reported for this long is taken as lost (the worker died).
STALE_AFTER = timedelta(minutes=30)


class ImportCancelled(Exception):
    """Raised by a progress callback when the owner cancelled the running import."""


def _label(import_id: UUID) -> str:
    return f"client_import:{import_id}"


async def upload(file_name: str, data: bytes, preset: str = "", branch: str = "") -> ClientImport:
    """Store an uploaded client file (encrypted) for mapping and preview; checks that it is a
    readable table and the preset exists. Raises :class:`ValidationFailed` naming ``file`` or
    ``preset``."""
    ctx = current()
    require(ctx, Action.CLIENTS_IMPORT)
    if not data:
        raise ValidationFailed({"file": "choose a file"})
    if len(data) > MAX_FILE_BYTES:
        raise ValidationFailed(
            {
                "file": field_message(
                    "is larger than {megabytes} MB", megabytes=MAX_FILE_BYTES // (1024 * 1024)
                )
            }
        )
    if preset and preset not in importer.PRESETS:
        raise ValidationFailed({"preset": field_message("unknown preset {preset!r}", preset=preset)})
    importer.read_table(data)
    now = clock.now()
    import_id = uuid4()
    async with unit_of_work(ctx):
        row = scoped.new(
            ClientImport,
            id=import_id,
            created_by_id=ctx.actor_id,
            created_by=ctx.actor_label[:200],
            role=ctx.role or "",
            file_name=(file_name or "upload")[-200:],
            file_sha256=hashlib.sha256(data).hexdigest(),
            file_size=len(data),
            file_enc=await seal_file(ctx, _label(import_id), data),
            preset=preset,
            branch=branch[:100],
            created_at=now,
            updated_at=now,
        )
        await scoped.insert(row)
        await audit.record(
            "clients.import.upload",
            subject="client_import",
            subject_id=import_id,
            reason=row.file_name,
            ctx=ctx,
        )
    return row


async def get_import(import_id: UUID) -> ClientImport:
    """One import of the current tenant (NotFound for another tenant's id)."""
    ctx = current()
    require(ctx, Action.CLIENTS_IMPORT)
    async with unit_of_work(ctx):
        row = await scoped.get(ClientImport, import_id)
    if row is None:
        raise NotFound("no such import")
    return row


async def recent_imports(limit: int = 20) -> list[ClientImport]:
    """The tenant's latest imports, newest first."""
    ctx = current()
    require(ctx, Action.CLIENTS_IMPORT)
    async with unit_of_work(ctx):
        return (
            await scoped.objects(ClientImport).order_by(ClientImport.created_at, ascending=False).limit(limit)
        )


def overrides_of(row: ClientImport) -> dict[str, str]:
    """The column → field overrides chosen in the mapping step."""
    found = json.loads(row.mapping or "{}")
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


async def file_of(ctx: TenantContext, row: ClientImport) -> bytes:
    """The uploaded file's bytes (inside or outside a unit of work); ValidationFailed once the
    import has ended (the file is gone)."""
    if not row.file_enc:
        raise ValidationFailed({"file": "the file of this import was deleted when it ended"})
    async with unit_of_work(ctx):
        try:
            return await open_file(ctx, _label(row.id), row.file_enc)
        except DecryptionFailed:
            raise ValidationFailed({"file": "the stored file cannot be read: upload it again"}) from None


async def header_of(import_id: UUID) -> list[str]:
    """The column names of the uploaded file."""
    row = await get_import(import_id)
    header, _ = importer.read_table(await file_of(current(), row))
    return header


async def preview(import_id: UUID) -> importer.ImportPlan:
    """What importing the file with its current mapping would do (writes nothing)."""
    row = await get_import(import_id)
    data = await file_of(current(), row)
    return await importer.plan_import(
        data, preset=row.preset or None, overrides=overrides_of(row), branch=row.branch or None
    )


async def set_mapping(import_id: UUID, preset: str, mapping: dict[str, str], branch: str) -> None:
    """Choose the preset, the column overrides and the default branch (while not yet queued);
    checked against the file, ValidationFailed naming the field."""
    ctx = current()
    row = await get_import(import_id)
    if row.status != "uploaded":
        raise ValidationFailed({"status": "this import was already confirmed"})
    header, _ = importer.read_table(await file_of(ctx, row))
    importer.mapping_for(header, preset or None, mapping)
    async with unit_of_work(ctx):
        await scoped.update(
            ClientImport,
            {
                ClientImport.preset: preset,
                ClientImport.mapping: json.dumps(mapping, sort_keys=True),
                ClientImport.branch: branch[:100],
                ClientImport.updated_at: clock.now(),
            },
        ).where((ClientImport.id == import_id) & (ClientImport.status == "uploaded"))


async def confirm(import_id: UUID, *, skip_invalid: bool) -> importer.ImportPlan:
    """Queue the import after a last preview. A file with invalid rows is refused (field
    ``skip_invalid``) unless the owner chose to import the valid rows only."""
    ctx = current()
    plan = await preview(import_id)
    if plan.errors and not skip_invalid:
        bad = len({e.row for e in plan.errors})
        raise ValidationFailed(
            {
                "skip_invalid": field_message(
                    "{count} rows are invalid: fix the file, or confirm importing the valid rows only",
                    count=bad,
                )
            }
        )
    async with unit_of_work(ctx):
        changed = (
            await scoped.update(
                ClientImport,
                {
                    ClientImport.status: "queued",
                    ClientImport.skip_invalid: bool(plan.errors) and skip_invalid,
                    ClientImport.total: plan.rows,
                    ClientImport.updated_at: clock.now(),
                },
            )
            .where((ClientImport.id == import_id) & (ClientImport.status == "uploaded"))
            .returning(ClientImport.id)
        )
        if not changed:
            raise ValidationFailed({"status": "this import was already confirmed"})
        await audit.record(
            "clients.import.confirm",
            subject="client_import",
            subject_id=import_id,
            reason=f"{plan.rows} rows",
            ctx=ctx,
        )
    return plan


async def cancel_queued(import_id: UUID) -> bool:
    """Cancel an import not yet running (or one whose run was lost); True when it was. A
    running import is cancelled through its progress callback instead."""
    ctx = current()
    await get_import(import_id)
    stale = clock.now() - STALE_AFTER
    async with unit_of_work(ctx):
        changed = (
            await scoped.update(ClientImport, _ended("cancelled", "cancelled before it ran"))
            .where(
                (ClientImport.id == import_id)
                & (
                    ClientImport.status.is_in(["uploaded", "queued"])
                    | ((ClientImport.status == "running") & (ClientImport.updated_at < stale))
                )
            )
            .returning(ClientImport.id)
        )
        if changed:
            await audit.record(
                "clients.import.cancel", subject="client_import", subject_id=import_id, ctx=ctx
            )
    return bool(changed)


def _ended(status: str, message: str = "", **counts: int) -> dict[object, object]:
    now = clock.now()
    values: dict[object, object] = {
        ClientImport.status: status,
        ClientImport.message: message[:2000],
        ClientImport.file_enc: "",
        ClientImport.updated_at: now,
        ClientImport.finished_at: now,
    }
    for name, value in counts.items():
        values[getattr(ClientImport, name)] = value
    return values


async def run(
    tenant_id: UUID, import_id: UUID, progress: Callable[[int, int], Awaitable[None]] | None = None
) -> str:
    """Run a queued import (the worker job). Claims it (``queued → running``, one conditional
    update: a second delivery of the job finds nothing to claim and does nothing), then plans
    and imports the file in one unit of work under the person who confirmed it. ``progress``
    gets (written, total) after every round; raising :class:`ImportCancelled` from it rolls the
    import back. Returns the final state."""
    system = TenantContext(tenant_id=tenant_id, actor_label="worker:import")
    async with unit_of_work(system):
        claimed = (
            await scoped.update(
                ClientImport, {ClientImport.status: "running", ClientImport.updated_at: clock.now()}
            )
            .where((ClientImport.id == import_id) & (ClientImport.status == "queued"))
            .returning(ClientImport.id)
        )
        row = await scoped.get(ClientImport, import_id)
    if not claimed or row is None:
        return row.status if row is not None else "missing"
    ctx = TenantContext(
        tenant_id=tenant_id,
        actor_id=row.created_by_id,
        actor_label=row.created_by or "import",
        role=row.role or None,
    )
    with tenant_scope(ctx):
        try:
            data = await file_of(ctx, row)
            async with unit_of_work(ctx):
                if is_postgres(get_engine()):
                    # One import at a time per tenant: the second one's duplicate check sees the
                    # first one's clients.
                    await execute("select pg_advisory_xact_lock(hashtext({}))", f"client_import:{tenant_id}")
                plan = await importer.plan_import(
                    data, preset=row.preset or None, overrides=overrides_of(row), branch=row.branch or None
                )
                total = len(plan.new)

                async def report(done: int) -> None:
                    if progress is not None:
                        await progress(done, total)

                if progress is not None:
                    await progress(0, total)
                await importer.run_import(plan, row.file_name, skip_invalid=row.skip_invalid, progress=report)
        except ImportCancelled:
            state, values = "cancelled", _ended("cancelled", "cancelled while running; nothing was imported")
        except ValidationFailed as exc:
            message = "; ".join(f"{k}: {v}" for k, v in exc.errors.items())
            state, values = "failed", _ended("failed", message)
        else:
            invalid = len({e.row for e in plan.errors})
            counts = {"imported": plan.imported, "duplicates": len(plan.duplicates), "invalid": invalid}
            state, values = "done", _ended("done", "", total=plan.rows, **counts)
    async with unit_of_work(ctx):
        await scoped.update(ClientImport, values).where(ClientImport.id == import_id)
        await audit.record(f"clients.import.{state}", subject="client_import", subject_id=import_id, ctx=ctx)
    return state
