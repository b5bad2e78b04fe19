"""The first-contact promise, kept by the workers: remind before a complaint's deadline,
escalate to the branch manager when it is missed, and to the owner when a complaint stays open
past ``complaint_owner_hours``.

Each stage happens once per complaint: a ``complaint_escalation`` row per complaint and stage
(unique per tenant, complaint and stage), written with its effects in one unit of work, so a
worker that runs the sweep twice, or two workers side by side, escalate once. With a client
named, each stage also puts a task on the branch's call list (for the assignee, the branch
manager or the owner).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import uuid4

from salonkeep.core.aftercare.tables import Touchpoint
from salonkeep.core.complaints.service import PROGRAMME
from salonkeep.core.complaints.tables import Complaint, ComplaintEscalation
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
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


async def _write(row: Complaint, stage: Stage, now: datetime) -> bool:
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
    """Write every stage reached by the current tenant's open complaints; returns how many
    were written now (0 when run again)."""
    ctx = current()
    now = now or clock.now()
    settings = await load_tenant_settings(ctx.tenant_id)
    reminder = timedelta(hours=settings.complaint_reminder_hours)
    owner_after = timedelta(hours=settings.complaint_owner_hours)
    written = 0
    async with unit_of_work(ctx):
        rows = await scoped.objects(Complaint).where(Complaint.status != "closed")
        for row in rows:
            for stage in due_stages(row, now, reminder, owner_after):
                written += await _write(row, stage, now)
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
