"""The first-contact promise, kept by the workers: remind before a complaint's deadline,
escalate to the branch manager when it is missed, and to the owner when a complaint stays open
past ``complaint_owner_hours``.

Each stage happens once per complaint: a ``complaint_escalation`` row per complaint and stage
(unique per tenant, complaint and stage), written with its effects in one unit of work, so a
worker that runs the sweep twice, or two workers side by side, escalate once. Each stage
queues an e-mail through the staff-notice outbox (:mod:`salonkeep.core.privacy.notices`, sent by
``staff_notice_sweep``) in the same unit of work: the reminder to the assignee (the branch
managers while nobody is assigned), the escalation to the branch's managers (the owners when the
branch has none), the long-open complaint to the owners. The complaint then shows on their
dashboard (:func:`escalations_of`). With a client named, each stage also puts a task on the
branch's call list (for the assignee, the branch manager or the owner). No e-mail carries the
complaint's text: only the branch, the times and the link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from salonkeep.core.aftercare.tables import Touchpoint
from salonkeep.core.complaints.service import PROGRAMME
from salonkeep.core.complaints.tables import Complaint, ComplaintEscalation
from salonkeep.core.privacy import notices
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.tables import Branch, StaffBranch, StaffMember, Tenant
from salonkeep.tenants.tenant_settings import load_tenant_settings


@dataclass(frozen=True)
class Stage:
    """What a stage writes on the call list."""

    name: str
    title: str
    role: str | None
    urgency: str


REMINDER = Stage("reminder", "Complaint: first contact due soon", None, "normal")
MANAGER = Stage("manager", "Complaint: first-contact deadline missed", "branch_manager", "urgent")
OWNER = Stage("owner", "Complaint still open", "owner", "urgent")


def due_stages(row: Complaint, now: datetime, reminder: timedelta, owner_after: timedelta) -> list[Stage]:
    """The stages ``row`` has reached at ``now`` (whether or not they were written already)."""
    if row.status == "closed":
        return []
    stages = []
    if row.first_contacted_at is None:
        if now > row.first_contact_due_at:
            stages.append(MANAGER)
        elif now >= row.first_contact_due_at - reminder:
            stages.append(REMINDER)
    if now >= row.received_at + owner_after:
        stages.append(OWNER)
    return stages


async def _active(role: str, ids: set[UUID] | None = None) -> list[notices.Recipient]:
    """The active staff of ``role`` (among ``ids`` when given) who have an e-mail address."""
    rows = await scoped.objects(StaffMember).where(
        StaffMember.role == role,
        StaffMember.active == True,  # noqa: E712 - a piccolo condition
    )
    return [
        notices.Recipient(r.id, r.name, r.email, r.locale)
        for r in rows
        if r.email and (ids is None or r.id in ids)
    ]


async def branch_managers(branch_id: UUID) -> list[notices.Recipient]:
    """The active branch managers working at ``branch_id`` (inside a unit of work)."""
    rows = await scoped.select(StaffBranch, StaffBranch.staff_id).where(StaffBranch.branch_id == branch_id)
    there = {r["staff_id"] for r in rows}
    return await _active("branch_manager", there)


async def recipients(row: Complaint, stage: Stage) -> list[notices.Recipient]:
    """Who is told about ``stage`` of ``row`` by e-mail (inside a unit of work): the assignee
    for the reminder (the branch managers while nobody is assigned), the branch managers when
    the deadline is missed (the owners when the branch has none), the owners when it stays open."""
    if stage is REMINDER and row.assignee_id is not None:
        staff = await scoped.get(StaffMember, row.assignee_id)
        if staff is not None and staff.active and staff.email:
            return [notices.Recipient(staff.id, staff.name, staff.email, staff.locale)]
    if stage is not OWNER:
        managers = await branch_managers(row.branch_id)
        if managers or stage is REMINDER:
            return managers
    return await _active("owner")


async def _notify(row: Complaint, stage: Stage, tenant: Tenant, owner_hours: int) -> None:
    branch = await scoped.get(Branch, row.branch_id)
    zone = (branch.time_zone if branch else "") or tenant.time_zone
    values = {
        "branch": branch.name if branch else "",
        "received_at": row.received_at,
        "due_at": row.first_contact_due_at,
        "complaint_id": str(row.id),
        "hours": owner_hours,
        "salon": tenant.name,
    }
    for person in await recipients(row, stage):
        await notices.queue_notice(
            person,
            f"complaint_{stage.name}",
            values,
            dedupe_key=f"complaint:{row.id}:{stage.name}",
            tenant_locale=tenant.default_locale,
            zone=zone,
        )


async def _write(row: Complaint, stage: Stage, now: datetime, tenant: Tenant, owner_hours: int) -> bool:
    if await scoped.exists(
        ComplaintEscalation,
        (ComplaintEscalation.complaint_id == row.id) & (ComplaintEscalation.stage == stage.name),
    ):
        return False
    await scoped.insert(
        scoped.new(
            ComplaintEscalation,
            id=uuid4(),
            complaint_id=row.id,
            stage=stage.name,
            staff_id=row.assignee_id if stage is REMINDER else None,
            created_at=now,
        )
    )
    await _notify(row, stage, tenant, owner_hours)
    if row.client_id is not None:
        await scoped.insert(
            scoped.new(
                Touchpoint,
                id=uuid4(),
                client_id=row.client_id,
                branch_id=row.branch_id,
                programme=PROGRAMME,
                kind="task",
                due_at=now,
                title=stage.title,
                script="Open the complaint from the complaints board and contact the client.",
                urgency=stage.urgency,
                assigned_role=stage.role,
                assigned_staff_id=row.assignee_id if stage is REMINDER else None,
                dedupe_key=f"{PROGRAMME}:{row.client_id}:{stage.name}:{row.id}",
                created_at=now,
            ),
            skip_duplicates=True,
        )
    return True


async def escalate_due(now: datetime | None = None) -> int:
    """Write every stage reached by the current tenant's open complaints, queuing its e-mails;
    returns how many stages were written now (0 when run again)."""
    ctx = current()
    now = now or clock.now()
    settings = await load_tenant_settings(ctx.tenant_id)
    reminder = timedelta(hours=settings.complaint_reminder_hours)
    owner_after = timedelta(hours=settings.complaint_owner_hours)
    written = 0
    async with unit_of_work(ctx):
        tenant = await get_tenant(ctx.tenant_id)
        rows = await scoped.objects(Complaint).where(Complaint.status != "closed")
        for row in rows:
            for stage in due_stages(row, now, reminder, owner_after):
                written += await _write(row, stage, now, tenant, settings.complaint_owner_hours)
    return written


async def escalations_of(complaint_ids: list[object]) -> dict[object, list[str]]:
    """The stages written per complaint (for the board), inside the caller's unit of work."""
    if not complaint_ids:
        return {}
    found: dict[object, list[str]] = {}
    rows = await scoped.select(
        ComplaintEscalation, ComplaintEscalation.complaint_id, ComplaintEscalation.stage
    ).where(ComplaintEscalation.complaint_id.is_in(complaint_ids))
    for r in rows:
        found.setdefault(r["complaint_id"], []).append(r["stage"])
    return found
