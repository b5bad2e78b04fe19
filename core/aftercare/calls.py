# ruff: noqa: RUF001 - texts in Chinese and Russian too (full-width punctuation, Cyrillic)
"""The call list and the call log: staff work through due touchpoints and record outcomes.

Staff touchpoints (calls and tasks) need no worker: they appear on their branch's call list
when due. Messages to clients are queued (visible on the client page) until the delivery
workers send them (:mod:`salonkeep.core.delivery`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from salonkeep.core import consent
from salonkeep.core.access import Action, current_branch_scope, require, visible_client_fields
from salonkeep.core.aftercare import notes
from salonkeep.core.aftercare.booking_links import booking_links
from salonkeep.core.aftercare.programmes import tenant_programmes
from salonkeep.core.aftercare.tables import CallLogEntry, CallPreference, Touchpoint
from salonkeep.core.clients.service import get_client
from salonkeep.core.clients.tables import Client, restrict_to_clients
from salonkeep.core.formatting import display
from salonkeep.core.plugins import host
from salonkeep.core.plugins.api import (
    ABNORMAL_REACTION,
    NO_ANSWER,
    NOT_CONVENIENT,
    OPTED_OUT,
    OUTCOMES,
    WANTS_APPOINTMENT,
    Panel,
    PlannedTask,
    PrintablePage,
    local_at,
    local_date,
)
from salonkeep.core.plugins.manager import get_plugins
from salonkeep.core.staff import staff_in_scope
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import TenantContext, current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.tenants.messages import code, codes, field_message
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.tables import Branch, StaffMember

STAFF_KINDS = ("call", "task")


#: The tasks an outcome opens, written in the tenant's language (what staff read).
ABNORMAL_TASK_TITLE = {
    "en": "Abnormal reaction reported: contact the client now",
    "zh": "客户报告异常反应：请立即联系客户",
    "ru": "Сообщено о нежелательной реакции: свяжитесь с клиентом сейчас",
    "fi": "Poikkeava reaktio ilmoitettu: ota heti yhteys asiakkaaseen",
}
ABNORMAL_TASK_BODY = {
    "en": "Reported on the call “{call}”.",
    "zh": "在通话“{call}”中报告。",
    "ru": "Сообщено во время звонка «{call}».",
    "fi": "Ilmoitettu puhelussa ”{call}”.",
}
BOOKING_TASK_TITLE = {
    "en": "Book the appointment the client asked for",
    "zh": "为客户预约其要求的时间",
    "ru": "Запишите клиента, как он просил",
    "fi": "Varaa asiakkaan pyytämä aika",
}


@dataclass(frozen=True)
class CallItem:
    """One line of a branch's call list."""

    touchpoint_id: UUID
    kind: str
    programme: str
    programme_title: str
    client_id: UUID
    client_name: str
    phone: str | None
    preferred_time: str
    title: str
    script: str
    due_at: datetime
    overdue: bool
    urgency: str
    attempts: int
    assigned_role: str | None
    missed: bool
    #: What staff wrote that the task carries (the reporting call's note), as the role may see it.
    detail: notes.StaffNote = field(default_factory=notes.StaffNote)
    #: The person the call is for (who served the client), and their name.
    assigned_staff_id: UUID | None = None
    assigned_staff_name: str = ""
    #: A task's booking screen, client and service filled in (:mod:`.booking_links`).
    booking_link: str = ""
    #: The task is an abnormal reaction's: it books a re-examination.
    reexamination: bool = False


@dataclass(frozen=True)
class LogEntry:
    """One recorded outcome in a call log."""

    recorded_at: datetime
    client_id: UUID
    client_name: str
    staff_name: str
    programme: str
    title: str
    outcome: str
    #: The note in clear ("" when none, or hidden from the role: then ``note_hidden``).
    note: str
    note_hidden: bool = False


@dataclass(frozen=True)
class TouchpointView:
    """A touchpoint as shown on the client page (and returned by the plugin test kit)."""

    id: UUID
    programme: str
    kind: str
    title: str
    script: str
    purpose: str
    due_at: datetime
    status: str
    urgency: str
    assigned_role: str | None
    outcome: str | None
    attempts: int
    missed: bool
    #: The last outcome's note and the text carried from the cause, as the role may see them.
    note: notes.StaffNote = field(default_factory=notes.StaffNote)
    detail: notes.StaffNote = field(default_factory=notes.StaffNote)
    #: The person the call or task is for (``None``: anyone in the branch).
    assigned_staff_id: UUID | None = None


def touchpoint_view(
    row: Touchpoint, note: notes.StaffNote | None = None, detail: notes.StaffNote | None = None
) -> TouchpointView:
    """The client-page view of a touchpoint row (its notes as revealed by the caller)."""
    return TouchpointView(
        id=row.id,
        programme=row.programme,
        kind=row.kind,
        title=row.title,
        script=row.script,
        purpose=row.purpose,
        due_at=row.due_at,
        status=row.status,
        urgency=row.urgency,
        assigned_role=row.assigned_role,
        outcome=row.outcome,
        attempts=row.attempts,
        missed=row.missed,
        note=note or notes.StaffNote(),
        detail=detail or notes.StaffNote(),
        assigned_staff_id=row.assigned_staff_id,
    )


async def _branch_zone(ctx: TenantContext, branch_id: UUID) -> str:
    branch = await scoped.get(Branch, branch_id)
    if branch is None:
        raise NotFound("no such branch")
    return branch.time_zone or (await get_tenant(ctx.tenant_id)).time_zone


async def due_calls(branch_id: UUID, now: datetime | None = None) -> list[CallItem]:
    """The branch's call list: open calls and tasks due by the end of the branch's local day,
    urgent first, then overdue (due on an earlier day), then by due time."""
    ctx = current()
    require(ctx, Action.CALLS_WORK)
    now = now or clock.now()
    scope = await current_branch_scope(ctx)
    scope.check(branch_id, "branch")
    async with unit_of_work(ctx):
        zone = await _branch_zone(ctx, branch_id)
        today = local_date(now, zone)

        end_of_day = local_at(today + timedelta(days=1), "00:00", zone)
        start_of_day = local_at(today, "00:00", zone)
        rows = (
            await restrict_to_clients(scope, scoped.objects(Touchpoint), Touchpoint.client_id)
            .where(
                (Touchpoint.branch_id == branch_id)
                & Touchpoint.kind.is_in(list(STAFF_KINDS))
                & (Touchpoint.status == "planned")
                & (Touchpoint.due_at < end_of_day)
            )
            .order_by(Touchpoint.due_at)
        )
        client_ids = list({r.client_id for r in rows})
        clients = {
            c["id"]: c
            for c in (
                await scoped.select(
                    Client, Client.id, Client.first_name, Client.last_name, Client.phone
                ).where(Client.id.is_in(client_ids or [ctx.tenant_id]))
            )
        }
        preferences = {
            p["client_id"]: p["preferred_time"]
            for p in await scoped.select(
                CallPreference, CallPreference.client_id, CallPreference.preferred_time
            ).where(CallPreference.client_id.is_in(client_ids or [ctx.tenant_id]))
        }
        staff_ids = list({r.assigned_staff_id for r in rows if r.assigned_staff_id})
        staff_names = (
            {
                s["id"]: s["name"]
                for s in await scoped.select(StaffMember, StaffMember.id, StaffMember.name).where(
                    StaffMember.id.is_in(staff_ids)
                )
            }
            if staff_ids
            else {}
        )
        titles = {s.programme.name: s.programme.title for s in await tenant_programmes()}
        details = {
            r.id: await notes.reveal(ctx, r.client_id, "touchpoint", "detail", r.id, r.detail) for r in rows
        }
        links = await booking_links([r for r in rows if r.kind == "task"])
    show_phone = "phone" in visible_client_fields(ctx)
    items = []
    for row in rows:
        client = clients[row.client_id]
        items.append(
            CallItem(
                touchpoint_id=row.id,
                kind=row.kind,
                programme=row.programme,
                programme_title=titles.get(row.programme, row.programme),
                client_id=row.client_id,
                client_name=f"{client['first_name']} {client['last_name']}".strip(),
                phone=client["phone"] if show_phone else None,
                preferred_time=preferences.get(row.client_id, ""),
                title=row.title,
                script=row.script,
                due_at=row.due_at,
                overdue=row.due_at < start_of_day,
                urgency=row.urgency,
                attempts=row.attempts,
                assigned_role=row.assigned_role,
                missed=row.missed,
                detail=details[row.id],
                assigned_staff_id=row.assigned_staff_id,
                assigned_staff_name=staff_names.get(row.assigned_staff_id, ""),
                booking_link=links.get(row.id, ""),
                reexamination="purpose=reexamination" in links.get(row.id, ""),
            )
        )
    items.sort(key=lambda i: (i.urgency != "urgent", not i.overdue, i.due_at))
    return items


async def record_outcome(touchpoint_id: UUID, outcome: str, note: str = "") -> TouchpointView:
    """Record what came of a call or task, in one unit of work: the call log entry, the
    touchpoint's new state, the core reactions and whatever plugins plan in reaction.

    - ``no_answer``: the call comes back after the programme's ``retry_after_hours``, until
      ``max_attempts`` unanswered tries, then it is marked failed;
    - ``not_convenient``: the client asked to be called another day: the call comes back on
      the next day at the programme's ``call_time`` (branch zone) and the try does not count
      as an attempt;
    - ``abnormal_reaction``: an urgent task for the branch manager, due at once (always,
      even if the programme has been switched off meanwhile);
    - ``wants_appointment``: a task for reception to book it, due at once;
    - ``opted_out``: the programme's open calls and messages for the client are cancelled
      (staff tasks stay); for a marketing programme its consents are withdrawn too.
    """
    ctx = current()
    require(ctx, Action.CALLS_WORK)
    if outcome not in OUTCOMES:
        raise ValidationFailed(
            {"outcome": field_message("choose one of {choices}", choices=codes(OUTCOMES, "outcome"))}
        )
    if len(note) > 5000:
        raise ValidationFailed({"note": "must be at most 5000 characters"})
    scope = await current_branch_scope(ctx)
    async with unit_of_work(ctx):
        in_scope = restrict_to_clients(scope, scoped.objects(Touchpoint), Touchpoint.client_id)
        row = await in_scope.where(Touchpoint.id == touchpoint_id).first()
        if row is None or not scope.allows(row.branch_id):
            raise NotFound("no such call")
        if row.kind not in STAFF_KINDS:
            raise ValidationFailed({"outcome": "messages are sent by the workers, not recorded by staff"})
        if row.status != "planned":
            raise ValidationFailed(
                {
                    "outcome": field_message(
                        "this {kind} is already {status}",
                        kind=code(row.kind, "touchpoint_kind"),
                        status=code(row.status, "touchpoint_status"),
                    )
                }
            )
        now = clock.now()
        states = {s.programme.name: s for s in await tenant_programmes()}
        state = states.get(row.programme)
        settings = state.settings if state else {"retry_after_hours": 24, "max_attempts": 3}
        note = note.strip()
        # The note can carry health information: encrypted (salonkeep.core.aftercare.notes).
        entry_id = uuid4()
        await scoped.insert(
            scoped.new(
                CallLogEntry,
                id=entry_id,
                touchpoint_id=row.id,
                client_id=row.client_id,
                staff_id=ctx.actor_id,
                programme=row.programme,
                outcome=outcome,
                note=await notes.seal(ctx, row.client_id, "call_log", "note", entry_id, note),
                recorded_at=now,
            )
        )
        plan = await host.build_plan(row.client_id, row.branch_id)
        if outcome != NOT_CONVENIENT:
            row.attempts += 1
        row.outcome = outcome
        row.note = await notes.seal(ctx, row.client_id, "touchpoint", "note", row.id, note)
        if outcome == NO_ANSWER and row.attempts < int(settings["max_attempts"]):
            row.due_at = now + timedelta(hours=int(settings["retry_after_hours"]))
        elif outcome == NOT_CONVENIENT:
            call_time = str(settings.get("call_time", "10:00"))
            row.due_at = local_at(plan.today() + timedelta(days=1), call_time, plan.time_zone)
        else:
            row.status = "failed" if outcome == NO_ANSWER else "done"
            row.completed_by = ctx.actor_id
            row.completed_at = now
        await row.save()
        escalations = []
        if outcome == ABNORMAL_REACTION:
            escalations.append(
                PlannedTask(
                    programme=row.programme,
                    key=f"{row.id}:abnormal",
                    due_at=now,
                    title=plan.text(ABNORMAL_TASK_TITLE),
                    body=plan.text(ABNORMAL_TASK_BODY, call=row.title),
                    detail=note,
                    urgency="urgent",
                    assigned_role="branch_manager",
                )
            )
        elif outcome == WANTS_APPOINTMENT:
            escalations.append(
                PlannedTask(
                    programme=row.programme,
                    key=f"{row.id}:book",
                    due_at=now,
                    title=plan.text(BOOKING_TASK_TITLE),
                    detail=note,
                    assigned_role="reception",
                )
            )
        elif outcome == OPTED_OUT:
            # Calls and messages stop; staff tasks (an escalation, a booking) stay.
            await host.cancel_open(row.client_id, programme=row.programme, kinds=("call", "message"))
            if state is not None:
                for purpose in state.programme.marketing_purposes:
                    await consent.withdraw(
                        row.client_id,
                        purpose,
                        channel=consent.Channel.PHONE_CALL,
                        wording_shown=f"Opted out during a {row.programme} follow-up call",
                    )
        await host.write_planned(escalations, plan, row.branch_id, require_enabled=False)
        planned = await get_plugins().touchpoint_outcome(host.to_fact(row, note), outcome, plan)
        await host.write_planned(planned, plan, row.branch_id, private=(note,))
    return touchpoint_view(row, note=notes.shown(ctx, note))


async def _log(
    ctx: TenantContext, where: str, *args: object, only_clients: Collection[UUID] | None = None
) -> list[LogEntry]:
    """Log entries for ``where`` (SQL on call_log, ``{}`` placeholders), with names and titles;
    with ``only_clients``, only the entries about those clients (nothing else is decrypted)."""
    rows = await scoped.fetch(CallLogEntry, where, *args, order_by="recorded_at desc")
    if only_clients is not None:
        rows = [r for r in rows if r.client_id in only_clients]
    if not rows:
        return []
    staff_ids = [r.staff_id for r in rows if r.staff_id]
    client_ids = [r.client_id for r in rows]
    tp_ids = [r.touchpoint_id for r in rows]
    staff = {
        s["id"]: s["name"]
        for s in await scoped.select(StaffMember, StaffMember.id, StaffMember.name).where(
            StaffMember.id.is_in(staff_ids or [ctx.tenant_id])
        )
    }
    clients = {
        c["id"]: f"{c['first_name']} {c['last_name']}".strip()
        for c in await scoped.select(Client, Client.id, Client.first_name, Client.last_name).where(
            Client.id.is_in(client_ids or [ctx.tenant_id])
        )
    }
    titles = {
        t["id"]: t["title"]
        for t in await scoped.select(Touchpoint, Touchpoint.id, Touchpoint.title).where(
            Touchpoint.id.is_in(tp_ids or [ctx.tenant_id])
        )
    }
    entries = []
    for r in rows:
        note = await notes.reveal(ctx, r.client_id, "call_log", "note", r.id, r.note)
        entries.append(
            LogEntry(
                recorded_at=r.recorded_at,
                client_id=r.client_id,
                client_name=clients.get(r.client_id, ""),
                staff_name=staff.get(r.staff_id, "system") if r.staff_id else "system",
                programme=r.programme,
                title=titles.get(r.touchpoint_id, ""),
                outcome=r.outcome,
                note=note.text,
                note_hidden=note.hidden,
            )
        )
    return entries


async def call_log(client_id: UUID) -> list[LogEntry]:
    """Every recorded outcome for a client, newest first."""
    ctx = current()
    require(ctx, Action.CALLS_WORK)
    client = await get_client(client_id, fields=())  # shown by name only
    async with unit_of_work(ctx):
        return await _log(ctx, "client_id = {}", client.id)


async def staff_call_log(staff_id: UUID) -> list[LogEntry]:
    """Every outcome a staff member recorded, newest first: one's own, or (managers) those of
    a person who shares one of the branches in the manager's scope; either way only the
    entries about clients in the reader's branch scope."""
    ctx = current()
    require(ctx, Action.CALLS_WORK)
    if staff_id != ctx.actor_id:
        require(ctx, Action.REPORTS_VIEW)
    scope = await current_branch_scope(ctx)
    async with unit_of_work(ctx):
        if staff_id != ctx.actor_id and not await staff_in_scope(scope, staff_id):
            raise NotFound("no such staff member")
        visible = None
        if not scope.chain_wide:
            about = restrict_to_clients(
                scope, scoped.select(CallLogEntry, CallLogEntry.client_id), CallLogEntry.client_id
            )
            visible = {r["client_id"] for r in await about.where(CallLogEntry.staff_id == staff_id)}
        return await _log(ctx, "staff_id = {}", staff_id, only_clients=visible)


async def client_touchpoints(client_id: UUID) -> list[TouchpointView]:
    """A client's touchpoints for the client page, queued messages included, by due time."""
    ctx = current()
    client = await get_client(client_id, fields=())  # shown by name only
    async with unit_of_work(ctx):
        rows = await scoped.fetch(Touchpoint, "client_id = {}", client.id, order_by="due_at")
        return [
            touchpoint_view(
                r,
                note=await notes.reveal(ctx, client.id, "touchpoint", "note", r.id, r.note),
                detail=await notes.reveal(ctx, client.id, "touchpoint", "detail", r.id, r.detail),
            )
            for r in rows
        ]


async def client_panels(client_id: UUID) -> list[Panel]:
    """Panels plugins add to the client page (enabled programmes only)."""
    ctx = current()
    client = await get_client(client_id, fields=())  # shown by name only
    async with unit_of_work(ctx):
        plan = await host.build_plan(client.id, shown_to_person=True)
        plan.locale = display().locale  # panels are read by the person, in their language
        panels = await get_plugins().client_panels(plan)
    return [p for p in panels if plan.enabled(p.programme)]


async def printable_page(client_id: UUID, name: str) -> tuple[PrintablePage, Mapping[str, Any]]:
    """A plugin's printable page ``name`` for the client, with what its template shows;
    NotFound when no enabled programme offers it or it has nothing to print for the client."""
    ctx = current()
    client = await get_client(client_id)
    page = get_plugins().printable_pages().get(name)
    if page is None:
        raise NotFound("no such printable page")
    async with unit_of_work(ctx):
        plan = await host.build_plan(client.id, shown_to_person=True)
        plan.locale = display().locale
        context = await page.load(plan) if plan.enabled(page.programme) else None
    if context is None:
        raise NotFound("nothing to print for this client")
    return page, {**context, "client": client}


async def set_preferred_time(client_id: UUID, preferred_time: str) -> None:
    """Note when the client prefers to be called (shown on the call list)."""
    ctx = current()
    require(ctx, Action.CLIENT_EDIT)
    text = preferred_time.strip()
    if len(text) > 100:
        raise ValidationFailed({"preferred_time": "must be at most 100 characters"})
    client = await get_client(client_id)
    async with unit_of_work(ctx):
        row = await scoped.objects(CallPreference).where(CallPreference.client_id == client.id).first()
        if row is None:
            row = scoped.new(CallPreference, client_id=client.id)
        row.preferred_time = text
        row.updated_at = clock.now()
        await row.save()


async def preferred_time(client_id: UUID) -> str:
    """When the client prefers to be called ("" when nobody noted it)."""
    ctx = current()
    client = await get_client(client_id, fields=())  # shown by name only
    async with unit_of_work(ctx):
        rows = await scoped.rows(CallPreference, "preferred_time", "client_id = {}", client.id)
    return str(rows[0]["preferred_time"] or "") if rows else ""


async def flag_missed(now: datetime | None = None) -> int:
    """Flag open calls past their ``miss_after`` (missed check-ups); idempotent. Returns how
    many were newly flagged."""
    ctx = current()
    now = now or clock.now()
    async with unit_of_work(ctx):
        where = (
            (Touchpoint.status == "planned")
            & (Touchpoint.missed == False)  # noqa: E712 - piccolo column comparison
            & Touchpoint.miss_after.is_not_null()
            & (Touchpoint.miss_after < now)
        )
        rows = await scoped.select(Touchpoint, Touchpoint.id).where(where)
        if rows:
            await scoped.update(Touchpoint, {Touchpoint.missed: True}).where(
                Touchpoint.id.is_in([r["id"] for r in rows])
            )
    return len(rows)
