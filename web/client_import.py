"""Client import pages: upload a CSV/XLSX file, map its columns, preview, confirm, follow the
worker's progress (htmx polling) and cancel. The work is in
:mod:`salonkeep.core.clients.import_jobs`."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any
from uuid import UUID

from arq.connections import ArqRedis
from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from salonkeep.core.access import Action, require
from salonkeep.core.clients import import_jobs, import_progress, importer
from salonkeep.core.clients.tables import ClientImport
from salonkeep.tenants.context import current
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.onboarding import list_branches
from salonkeep.web.i18n import gettext as _
from salonkeep.web.pages import Form, render
from salonkeep.web.service_messages import translate_errors

#: Uploads may be this large (the edge layer lets multipart bodies through on this path only).
UPLOAD_PATH = "/app/clients/import"
MAX_UPLOAD_BYTES = import_jobs.MAX_FILE_BYTES + 64 * 1024
#: How many row errors and duplicates the preview lists (the counts are always complete).
SHOWN = 200
#: The arq function the worker runs.
JOB = "import_clients"


def field_labels() -> dict[str, str]:
    """The client fields a column can be mapped to, with their labels."""
    return {
        "first_name": _("First name"),
        "last_name": _("Last name"),
        "full_name": _("Full name"),
        "phone": _("Phone"),
        "email": _("E-mail"),
        "date_of_birth": _("Date of birth"),
        "allergies": _("Allergies"),
        "health_notes": _("Health notes"),
        "needs": _("Needs and preferences"),
        "branch": _("Branch"),
        "marketing_email": _("Marketing by e-mail (consent)"),
        "marketing_sms": _("Marketing by SMS (consent)"),
    }


def status_labels() -> dict[str, str]:
    """The states of an import, translated."""
    return {
        "uploaded": _("Waiting for your confirmation"),
        "queued": _("Queued"),
        "running": _("Importing"),
        "done": _("Imported"),
        "failed": _("Failed"),
        "cancelled": _("Cancelled"),
    }


def _presets() -> dict[str, str]:
    return {"square": "Square", "fresha": "Fresha"}


async def _upload_page(
    request: Request[Any, Any, Any], errors: dict[str, str] | None = None, status: int = 200
) -> Template:
    return render(
        request,
        "clients_import.html",
        {
            "imports": await import_jobs.recent_imports(),
            "presets": _presets(),
            "branches": await list_branches(),
            "statuses": status_labels(),
            "errors": errors or {},
        },
        status_code=status,
    )


@get("/clients/import", include_in_schema=False)
async def import_page(request: Request[Any, Any, Any]) -> Template:
    """The upload form and the latest imports."""
    require(current(), Action.CLIENTS_IMPORT)
    return await _upload_page(request)


@post("/clients/import", include_in_schema=False, request_max_body_size=MAX_UPLOAD_BYTES)
async def upload_file(
    request: Request[Any, Any, Any],
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Response[Any]:
    """Store the uploaded file (encrypted) and go to its mapping and preview."""
    require(current(), Action.CLIENTS_IMPORT)
    upload = data.get("file")
    content = await upload.read() if isinstance(upload, UploadFile) else b""
    name = upload.filename if isinstance(upload, UploadFile) else ""
    try:
        row = await import_jobs.upload(
            name, content, preset=str(data.get("preset") or ""), branch=str(data.get("branch") or "")
        )
    except ValidationFailed as exc:
        return await _upload_page(request, exc.errors, 422)
    return Redirect(f"/app/clients/import/{row.id}", status_code=303)


async def _job_context(request: Request[Any, Any, Any], row: ClientImport) -> dict[str, Any]:
    done = await import_progress.progress(request.app.state.redis, row.id)
    return {
        "job": row,
        "statuses": status_labels(),
        "done": done[0] if done else 0,
        "total": done[1] if done else row.total,
    }


async def _job_page(
    request: Request[Any, Any, Any],
    import_id: UUID,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    row = await import_jobs.get_import(import_id)
    context: dict[str, Any] = await _job_context(request, row)
    errors = dict(errors or {})
    plan = None
    columns: list[tuple[int, str, str]] = []
    if row.status == "uploaded":
        header = await import_jobs.header_of(import_id)
        overrides = import_jobs.overrides_of(row)
        mapped = True
        try:
            chosen = importer.mapping_for(header, row.preset or None, overrides)
        except ValidationFailed as exc:
            errors.update(exc.errors)
            chosen, mapped = {i: overrides.get(c, "") for i, c in enumerate(header)}, False
        columns = [(i, name, chosen.get(i, "")) for i, name in enumerate(header)]
        if mapped:
            try:
                plan = await import_jobs.preview(import_id)
            except ValidationFailed as exc:
                errors.update(exc.errors)
    context.update(
        {
            "plan": plan,
            "bad_rows": len({e.row for e in plan.errors}) if plan else 0,
            # Each row's message in the person's language (the services write English).
            "row_errors": [replace(e, message=translate_errors(e.message)) for e in plan.errors[:SHOWN]]
            if plan
            else [],
            "duplicates": plan.duplicates[:SHOWN] if plan else [],
            "shown": SHOWN,
            "columns": columns,
            "fields": field_labels(),
            "presets": _presets(),
            "branches": await list_branches(),
            "errors": errors,
        }
    )
    return render(request, "clients_import_job.html", context, status_code=status)


@get("/clients/import/{import_id:uuid}", include_in_schema=False)
async def import_job_page(request: Request[Any, Any, Any], import_id: UUID) -> Template:
    """Mapping and preview (before confirmation), then progress and the result."""
    return await _job_page(request, import_id)


@get("/clients/import/{import_id:uuid}/progress", include_in_schema=False)
async def import_progress_fragment(request: Request[Any, Any, Any], import_id: UUID) -> Template:
    """The progress bar (polled by htmx while the import is queued or running)."""
    row = await import_jobs.get_import(import_id)
    return render(request, "clients_import_progress.html", await _job_context(request, row))


@post("/clients/import/{import_id:uuid}/mapping", include_in_schema=False)
async def save_mapping(request: Request[Any, Any, Any], import_id: UUID, data: Form) -> Response[Any]:
    """Save the preset, the column choices and the default branch; back to the preview."""
    header = await import_jobs.header_of(import_id)
    preset = data.get("preset", "")
    mapping = {name: data.get(f"col_{i}", "") for i, name in enumerate(header)} if "col_0" in data else {}
    try:
        await import_jobs.set_mapping(import_id, preset, mapping, data.get("branch", ""))
    except ValidationFailed as exc:
        return await _job_page(request, import_id, exc.errors, 422)
    return Redirect(f"/app/clients/import/{import_id}", status_code=303)


@post("/clients/import/{import_id:uuid}/confirm", include_in_schema=False)
async def confirm_import(request: Request[Any, Any, Any], import_id: UUID, data: Form) -> Response[Any]:
    """Queue the import for a worker (a file with invalid rows only with ``skip_invalid``)."""
    try:
        await import_jobs.confirm(import_id, skip_invalid=data.get("skip_invalid") == "1")
    except ValidationFailed as exc:
        return await _job_page(request, import_id, exc.errors, 422)
    redis = request.app.state.redis
    queue = getattr(request.app.state, "import_queue", None)
    arq = ArqRedis(connection_pool=redis.connection_pool, **({"default_queue_name": queue} if queue else {}))
    await arq.enqueue_job(JOB, str(current().tenant_id), str(import_id), _job_id=f"client_import:{import_id}")
    return Redirect(f"/app/clients/import/{import_id}", status_code=303)


@post("/clients/import/{import_id:uuid}/cancel", include_in_schema=False)
async def cancel_import(request: Request[Any, Any, Any], import_id: UUID) -> Response[Any]:
    """Cancel: at once when not yet running, else the worker stops and rolls back."""
    if not await import_jobs.cancel_queued(import_id):
        await import_progress.request_cancel(request.app.state.redis, import_id)
    return Redirect(f"/app/clients/import/{import_id}", status_code=303)


routes = [
    import_page,
    upload_file,
    import_job_page,
    import_progress_fragment,
    save_mapping,
    confirm_import,
    cancel_import,
]
