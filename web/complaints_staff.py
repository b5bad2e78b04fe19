"""The staff complaint screens under /app: the branch board with the time left to each
first-contact deadline, recording a complaint (from the dashboard or a client's profile) and
the complaint page (assign, first contact, notes and coverage, remedy, the client's answer,
close; photos added and viewed, each view audited)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from salonkeep.core.access import Action, can, require
from salonkeep.core.clients import service as clients
from salonkeep.core.complaints import attachments, service, survey_answers
from salonkeep.core.complaints.escalation import escalations_of
from salonkeep.core.complaints.tables import ABOUT, CATEGORIES, CHANNELS, COVERAGE, COVERED_BY, REMEDIES
from salonkeep.core.staff import branches_in_scope
from salonkeep.tenants import clock
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.web import navigation
from salonkeep.web.aftercare.common import choose_branch, parse_uuid
from salonkeep.web.i18n import gettext as _
from salonkeep.web.labels import code_labels
from salonkeep.web.pages import Form, render
from salonkeep.web.workspace import panels


def labels() -> dict[str, dict[str, str]]:
    """Every code the complaint screens show, as a label in the person's language."""
    return {
        "channel": code_labels("complaint_channel"),
        "about": code_labels("complaint_about"),
        "category": code_labels("complaint_category"),
        "status": {"open": _("Open"), "in_progress": _("In progress"), "closed": _("Closed")},
        "coverage": {"": _("Not decided"), **code_labels("coverage")},
        "covered_by": {
            "": _("By what it is about (service guarantee or warranty)"),
            **code_labels("covered_by"),
        },
        "remedy": {
            "free_correction": _("Free correction"),
            "redo": _("Redo"),
            "repair": _("Repair"),
            "replace": _("Replace"),
            "refund": _("Refund"),
            "compensation": _("Compensation"),
            "explanation": _("Explanation"),
        },
        "answer": {"": _("Waiting for the answer"), "accepted": _("Accepted"), "refused": _("Refused")},
        "stage": {
            "reminder": _("Reminder sent"),
            "manager": _("Escalated to the branch manager"),
            "owner": _("Escalated to the owner"),
        },
    }


def time_left(view: service.ComplaintView, now: datetime) -> tuple[str, bool]:
    """The time left to the first-contact deadline as words, and whether it was missed."""
    left = view.time_left(now)
    if left is None:
        return _("Contacted"), False
    minutes = int(abs(left) / timedelta(minutes=1))
    hours, rest = divmod(minutes, 60)
    amount = _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}
    if left < timedelta(0):
        return _("Overdue by %(amount)s") % {"amount": amount}, True
    return _("%(amount)s left") % {"amount": amount}, False


@get("/complaints", include_in_schema=False)
async def board(request: Request[Any, Any, Any], branch: str = "", show: str = "open") -> Template:
    """A branch's complaints, the nearest first-contact deadline first."""
    ctx = current()
    require(ctx, Action.COMPLAINTS_HANDLE)
    choice = await choose_branch(request, branch)
    rows = await service.list_complaints(choice.chosen.id, open_only=show != "all") if choice.chosen else []
    now = clock.now()
    async with unit_of_work(ctx):
        stages = await escalations_of([r.id for r in rows])
    return render(
        request,
        "complaints/board.html",
        {
            "rows": [(r, *time_left(r, now), stages.get(r.id, [])) for r in rows],
            "branch": choice,
            "time_zone": choice.zone,
            "show": show,
            "labels": labels(),
        },
    )


async def _new_page(
    request: Request[Any, Any, Any],
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    values = values or {}
    choice = await choose_branch(request, values.get("branch_id", ""))
    return render(
        request,
        "complaints/new.html",
        {
            "values": values,
            "errors": errors or {},
            "branch": choice,
            "labels": labels(),
            "channels": CHANNELS,
            "about": ABOUT,
            "categories": CATEGORIES,
        },
        status_code=status,
    )


@get("/complaints/new", include_in_schema=False)
async def new_complaint(request: Request[Any, Any, Any], client_id: str = "", branch: str = "") -> Template:
    """The form to record a complaint (for a client when ``client_id`` is given)."""
    require(current(), Action.COMPLAINTS_HANDLE)
    values = {"client_id": client_id if parse_uuid(client_id) else "", "branch_id": branch}
    return await _new_page(request, values=values)


@post("/complaints", include_in_schema=False)
async def create(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Record the complaint; its page next."""
    require(current(), Action.COMPLAINTS_HANDLE)
    client_text = data.get("client_id", "")
    client_id = parse_uuid(client_text)
    branch_id = parse_uuid(data.get("branch_id", ""))
    if branch_id is None:
        return await _new_page(request, values=data, errors={"branch_id": _("Choose a branch.")}, status=422)
    if client_text and client_id is None:
        raise NotFound("no such client")
    try:
        made = await service.record_complaint(
            branch_id=branch_id,
            channel=data.get("channel", ""),
            about=data.get("about", ""),
            about_ref=data.get("about_ref", ""),
            category=data.get("category", "other"),
            description=data.get("description", ""),
            client_id=client_id,
        )
    except ValidationFailed as exc:
        return await _new_page(request, values=data, errors=exc.errors, status=422)
    return Redirect(f"/app/complaints/{made.id}", status_code=303)


async def _page(
    request: Request[Any, Any, Any],
    complaint_id: UUID,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
    find: str = "",
) -> Template:
    view = await service.get_complaint(complaint_id)
    ctx = current()
    suggestions: list[clients.ClientView] = []
    if view.client_id is None and view.status != "closed" and can(ctx, Action.CLIENT_VIEW):
        query = find.strip() or view.contact_phone or view.contact_name
        suggestions = await clients.search_clients(query[:200], limit=5) if query else []
    async with unit_of_work(ctx):
        stages = (await escalations_of([view.id])).get(view.id, [])
    names = {b.id: b for b in await branches_in_scope()}
    branch = names.get(view.branch_id)
    left, overdue = time_left(view, clock.now())
    answers = await survey_answers.client_answers(view.client_id) if view.client_id else []
    return render(
        request,
        "complaints/detail.html",
        {
            "c": view,
            "branch_name": branch.name if branch else "",
            "time_zone": (branch.time_zone if branch else "") or None,
            "left": left,
            "overdue": overdue,
            "stages": stages,
            "staff": await service.assignable_staff(view.branch_id) if view.status != "closed" else [],
            "labels": labels(),
            "coverage": COVERAGE,
            "covered_by": ("", *COVERED_BY),
            "remedies": REMEDIES,
            "current_round": view.rounds[-1] if view.rounds else None,
            "suggestions": suggestions,
            "survey_answers": answers,
            "find": find,
            "errors": errors or {},
        },
        status_code=status,
    )


@get("/complaints/{complaint_id:uuid}", include_in_schema=False)
async def detail(request: Request[Any, Any, Any], complaint_id: UUID, find: str = "") -> Template:
    """One complaint: its texts, rounds and the next steps (``find``: look for the client to
    link a complaint from the public page to)."""
    require(current(), Action.COMPLAINTS_HANDLE)
    return await _page(request, complaint_id, find=find)


async def _step(complaint_id: UUID, step: str, data: dict[str, str]) -> None:
    if step == "assign":
        staff_id = parse_uuid(data.get("assignee", ""))
        if staff_id is None:
            raise ValidationFailed({"assignee": _("Choose who handles it.")})
        await service.assign(complaint_id, staff_id)
    elif step == "link":
        client_id = parse_uuid(data.get("client_id", ""))
        if client_id is None:
            raise ValidationFailed({"client_id": _("Choose the client.")})
        await service.link_client(complaint_id, client_id)
    elif step == "first-contact":
        await service.mark_first_contact(complaint_id)
    elif step == "notes":
        await service.add_notes(
            complaint_id,
            notes=data.get("notes", ""),
            cause=data.get("cause", ""),
            coverage=data.get("coverage"),
            covered_by=data.get("covered_by", ""),
        )
    elif step == "propose":
        await service.propose_remedy(complaint_id, data.get("remedy", ""), data.get("remedy_detail", ""))
    elif step == "answer":
        if data.get("answer") not in ("accepted", "refused"):
            raise ValidationFailed({"answer": _("Choose accepted or refused.")})
        await service.record_answer(complaint_id, data["answer"] == "accepted")
    elif step == "close":
        await service.close_complaint(complaint_id, data.get("outcome", ""))
    else:
        raise NotFound("no such step")


@post("/complaints/{complaint_id:uuid}/{step:str}", include_in_schema=False)
async def handle(request: Request[Any, Any, Any], complaint_id: UUID, step: str, data: Form) -> Response[Any]:
    """One step of the handling; back to the complaint page (with the refusals named)."""
    require(current(), Action.COMPLAINTS_HANDLE)
    try:
        await _step(complaint_id, step, data)
    except ValidationFailed as exc:
        return await _page(request, complaint_id, errors=exc.errors, status=422)
    return Redirect(f"/app/complaints/{complaint_id}", status_code=303)


#: A photo upload (multipart; the path is one of the input guard's upload paths).
Upload = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


@post(
    "/complaints/{complaint_id:uuid}/photos",
    include_in_schema=False,
    request_max_body_size=attachments.MAX_BYTES + 1024 * 1024,
)
async def upload_photo(request: Request[Any, Any, Any], complaint_id: UUID, data: Upload) -> Response[Any]:
    """Add a photo to the complaint (checked by its bytes, stored encrypted)."""
    require(current(), Action.COMPLAINTS_HANDLE)
    upload = data.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise ValidationFailed({"file": _("Choose a photo.")})
    try:
        await service.add_attachment(complaint_id, await upload.read())
    except ValidationFailed as exc:
        found = {("file" if k == "attachment" else k): v for k, v in exc.errors.items()}
        return await _page(request, complaint_id, errors=found, status=422)
    return Redirect(f"/app/complaints/{complaint_id}", status_code=303)


@get("/complaints/{complaint_id:uuid}/photos/{photo_id:uuid}", include_in_schema=False)
async def photo(complaint_id: UUID, photo_id: UUID) -> Response[bytes]:
    """One photo of the complaint, decrypted (each view audited)."""
    require(current(), Action.COMPLAINTS_HANDLE)
    content_type, data = await service.read_attachment(photo_id, complaint_id)
    return Response(
        data,
        media_type=content_type,
        headers={"Cache-Control": "no-store", "Content-Disposition": "inline"},
    )


#: The escalation stages each role answers for on its dashboard.
_DASHBOARD_STAGES = {"branch_manager": {"manager"}, "owner": {"manager", "owner"}}


async def dashboard_context(branch_id: UUID | None) -> dict[str, Any]:
    """The dashboard's escalated complaints: for a branch manager those of the branch whose
    first-contact deadline was missed, for an owner those open too long as well."""
    ctx = current()
    wanted = _DASHBOARD_STAGES.get(ctx.role or "", set())
    if branch_id is None or not wanted:
        return {"escalated_complaints": []}
    rows = await service.list_complaints(branch_id, open_only=True)
    async with unit_of_work(ctx):
        stages = await escalations_of([r.id for r in rows])
    now = clock.now()
    escalated = [(r, *time_left(r, now)) for r in rows if wanted & set(stages.get(r.id, []))]
    return {"escalated_complaints": escalated, "complaint_labels": labels()}


async def _client_panel(request: Request[Any, Any, Any], client: clients.ClientView) -> dict[str, Any]:
    return {"complaints": await service.client_complaints(client.id), "complaint_labels": labels()}


routes = [board, new_complaint, create, detail, upload_photo, photo, handle]


def _mark(message: str) -> str:
    """Mark ``message`` for extraction; the navigation translates it when rendered."""
    return message


navigation.register(
    navigation.NavItem(
        "complaints", _mark("Complaints"), "/app/complaints", Action.COMPLAINTS_HANDLE, order=25
    )
)
panels.register(
    panels.ProfilePanel(
        "complaints", "complaints/panel.html", Action.COMPLAINTS_HANDLE, order=40, load=_client_panel
    )
)
