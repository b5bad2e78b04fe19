"""Owners (and branch managers, within their branches) invite staff in bulk from a CSV file:
``/app/admin/staff/import``. The work, all or nothing, is :mod:`salonkeep.core.staff_import`;
the invitations go out by e-mail through the staff-notice outbox."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template

from salonkeep.core import staff_import
from salonkeep.core.access import Action, StaffAdminForbidden, require
from salonkeep.tenants.context import current
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.web.admin.routes import refusal_message, staff_errors
from salonkeep.web.i18n import gettext as _
from salonkeep.web.pages import render
from salonkeep.web.service_messages import translate_errors
from salonkeep.web.signup import send_notices_now

#: The edge layer lets multipart bodies through on this path only (web/input_guard.py).
UPLOAD_PATH = "/app/admin/staff/import"
MAX_UPLOAD_BYTES = staff_import.MAX_BYTES + 64 * 1024


def _page(
    request: Request[Any, Any, Any],
    *,
    errors: dict[str, str] | None = None,
    row_errors: list[staff_import.RowError] | None = None,
    invited: list[staff_import.Invited] | None = None,
    status: int = 200,
) -> Template:
    return render(
        request,
        "admin/staff_import.html",
        {
            "errors": errors or {},
            "row_errors": [
                (e.row, e.field, translate_errors(staff_errors({e.field: e.message})[e.field]))
                for e in row_errors or []
            ],
            "invited": invited or [],
            "columns": staff_import.COLUMNS,
        },
        status_code=status,
    )


@get("/admin/staff/import", include_in_schema=False)
async def staff_import_page(request: Request[Any, Any, Any]) -> Template:
    """The upload form and the file's expected columns."""
    require(current(), Action.STAFF_MANAGE)
    return _page(request)


@post("/admin/staff/import", include_in_schema=False, request_max_body_size=MAX_UPLOAD_BYTES)
async def staff_import_upload(
    request: Request[Any, Any, Any],
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Template:
    """Invite everyone in the file, or nobody (each refused row listed, status 422)."""
    require(current(), Action.STAFF_MANAGE)
    upload = data.get("file")
    content = await upload.read() if isinstance(upload, UploadFile) else b""
    try:
        invited = await staff_import.import_staff(content, base_url=request.app.state.settings.public_url)
    except ValidationFailed as exc:
        messages = {
            "file": _(
                "Choose a CSV file (UTF-8) whose first row names the columns name, email, role, branch."
            )
        }
        return _page(request, errors={k: messages.get(k, v) for k, v in exc.errors.items()}, status=422)
    except staff_import.StaffImportRefused as refused:
        return _page(request, row_errors=refused.errors, status=422)
    except StaffAdminForbidden as exc:
        return render(request, "app_message.html", {"message": refusal_message(exc.reason)}, status_code=403)
    await send_notices_now(request)
    return _page(request, invited=invited)


routes = [staff_import_page, staff_import_upload]
