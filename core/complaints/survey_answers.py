"""A client's satisfaction-survey answers, as the people who handle complaints see them.

Read for the complaint page: the answers of the complaint's client in the person's branch
scope, newest first, each comment decrypted (it is kept under the client's key) and the
reading audited as a view of the client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from salonkeep.core import audit
from salonkeep.core.access import Action, current_branch_scope, require
from salonkeep.core.complaints.feedback_tables import SurveyAnswer
from salonkeep.core.keys.service import decrypt_column
from salonkeep.core.visits.tables import Visit
from salonkeep.tenants import scoped
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.tables import Branch, StaffMember


@dataclass(frozen=True)
class AnswerView:
    """One answer: the visit it was about, the score (1-5), the comment, and the complaint a
    low score opened (if any)."""

    id: UUID
    branch_name: str
    service: str
    staff_name: str
    performed_at: datetime | None
    score: int
    comment: str
    answered_at: datetime
    complaint_id: UUID | None


async def client_answers(client_id: UUID) -> list[AnswerView]:
    """The survey answers of ``client_id`` in the person's branch scope, newest first
    (complaint handlers); audited as a view when there are any."""
    ctx = current()
    require(ctx, Action.COMPLAINTS_HANDLE)
    async with unit_of_work(ctx):
        scope = await current_branch_scope(ctx)
        query = scoped.objects(SurveyAnswer).where(SurveyAnswer.client_id == client_id)
        rows = list(
            await scope.restrict(query, SurveyAnswer.branch_id).order_by(
                SurveyAnswer.answered_at, ascending=False
            )
        )
        if not rows:
            return []
        visits = {
            v.id: v for v in await scoped.objects(Visit).where(Visit.id.is_in([r.visit_id for r in rows]))
        }
        branches = {r["id"]: r["name"] for r in await scoped.rows(Branch, "id, name")}
        staff = {r["id"]: r["name"] for r in await scoped.rows(StaffMember, "id, name")}
        found = []
        for row in rows:
            visit = visits.get(row.visit_id)
            comment = (
                await decrypt_column(ctx, client_id, "survey_answer", "comment", row.id, row.comment)
                if row.comment
                else ""
            )
            found.append(
                AnswerView(
                    id=row.id,
                    branch_name=branches.get(row.branch_id, ""),
                    service=visit.service if visit else "",
                    staff_name=staff.get(row.staff_id, "") if row.staff_id else "",
                    performed_at=visit.performed_at if visit else None,
                    score=int(row.score),
                    comment=comment,
                    answered_at=row.answered_at,
                    complaint_id=row.complaint_id,
                )
            )
        await audit.record(
            audit.AuditAction.VIEW,
            client_id=client_id,
            subject="survey_answer",
            fields=["score", "comment"],
            reason=f"{len(found)} survey answers",
            ctx=ctx,
        )
    return found
