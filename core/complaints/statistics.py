"""The complaint numbers per branch and period: complaints by category and channel, the
first-contact time (median, share within the promise), time to resolution, rounds, remedies,
satisfaction after follow-up, survey scores, repeat complainants, and per staff member the
handling speed.

:func:`compute` is plain arithmetic over plain facts (so a test can check it against its own
sums); :func:`complaint_numbers` loads those facts for the actor's branch scope (owners: every
branch or one; branch managers: their own) and a period of local dates.

Definitions (every duration in hours):

- a complaint belongs to the period when it was *received* in it; a survey answer when it
  was *answered* in it;
- first-contact hours: ``first_contacted_at - received_at`` of the complaints contacted;
  ``within_promise_share``: contacted within the promise (the tenant's
  ``complaint_first_contact_hours``) out of the complaints whose promise has come due (or
  that were contacted), so a complaint received an hour ago does not count against it;
- resolution hours: ``resolved_at - received_at`` of the resolved complaints;
- rounds: proposals made per resolved complaint (mean);
- remedies: the proposals made, per remedy, and how many of them the client accepted;
- satisfied after follow-up: closed complaints whose last proposal the client accepted, out
  of closed complaints with a proposal;
- repeat complainants: clients named in two or more complaints of the period.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from salonkeep.core.access import Action, current_branch_scope, require
from salonkeep.core.complaints.feedback_tables import SCORES, SurveyAnswer
from salonkeep.core.complaints.tables import CATEGORIES, CHANNELS, REMEDIES, Complaint, ComplaintRound
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.messages import field_message
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.tables import Branch, StaffMember
from salonkeep.tenants.tenant_settings import load_tenant_settings

#: The longest period one request may cover.
MAX_PERIOD_DAYS = 366
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class ComplaintFact:
    """What the numbers read of one complaint."""

    id: UUID
    branch_id: UUID
    client_id: UUID | None
    assignee_id: UUID | None
    category: str
    channel: str
    status: str
    received_at: datetime
    first_contacted_at: datetime | None
    resolved_at: datetime | None
    #: The remedies proposed, round by round, with the client's answer ("" while waiting).
    proposals: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class StaffSpeed:
    """How fast one staff member handled the complaints assigned to them."""

    staff_id: UUID
    name: str
    complaints: int
    median_first_contact_hours: float | None
    median_resolution_hours: float | None


@dataclass(frozen=True)
class ComplaintNumbers:
    """The figures of one branch (or every branch in scope) and period."""

    start: date
    end: date
    branch_id: UUID | None
    promise_hours: int
    complaints: int
    by_category: dict[str, int]
    by_channel: dict[str, int]
    contacted: int
    median_first_contact_hours: float | None
    within_promise: int
    promise_due: int
    resolved: int
    median_resolution_hours: float | None
    mean_rounds: float | None
    remedies_proposed: dict[str, int]
    remedies_accepted: dict[str, int]
    closed_with_proposal: int
    satisfied_after_follow_up: int
    survey_answers: int
    survey_mean: float | None
    survey_scores: dict[int, int]
    clients: int
    repeat_complainants: int
    staff: tuple[StaffSpeed, ...] = field(default_factory=tuple)

    @property
    def within_promise_share(self) -> float | None:
        """Share (0-1) of the complaints due that were contacted within the promise."""
        return self.within_promise / self.promise_due if self.promise_due else None

    @property
    def satisfied_share(self) -> float | None:
        """Share (0-1) of closed complaints with a proposal whose last one was accepted."""
        return (
            self.satisfied_after_follow_up / self.closed_with_proposal if self.closed_with_proposal else None
        )


def _hours(later: datetime, earlier: datetime) -> float:
    return (later - earlier) / HOUR


def _median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def compute(
    facts: list[ComplaintFact],
    scores: list[int],
    *,
    start: date,
    end: date,
    now: datetime,
    promise_hours: int,
    branch_id: UUID | None = None,
    staff_names: dict[UUID, str] | None = None,
) -> ComplaintNumbers:
    """The figures of ``facts`` (the complaints of the period) and ``scores`` (its survey
    answers); ``now`` decides which first-contact promises have come due."""
    promise = timedelta(hours=promise_hours)
    contact_hours = [_hours(f.first_contacted_at, f.received_at) for f in facts if f.first_contacted_at]
    resolution_hours = [_hours(f.resolved_at, f.received_at) for f in facts if f.resolved_at]
    due = [f for f in facts if f.first_contacted_at is not None or f.received_at + promise <= now]
    within = [
        f for f in due if f.first_contacted_at is not None and f.first_contacted_at - f.received_at <= promise
    ]
    resolved = [f for f in facts if f.resolved_at is not None]
    rounds = [len(f.proposals) for f in resolved]
    proposed: Counter[str] = Counter(remedy for f in facts for remedy, _ in f.proposals)
    accepted: Counter[str] = Counter(
        remedy for f in facts for remedy, answer in f.proposals if answer == "accepted"
    )
    closed = [f for f in facts if f.status == "closed" and f.proposals]
    satisfied = [f for f in closed if f.proposals[-1][1] == "accepted"]
    per_client = Counter(f.client_id for f in facts if f.client_id is not None)
    names = staff_names or {}
    staff = []
    for staff_id in sorted(
        {f.assignee_id for f in facts if f.assignee_id}, key=lambda s: (names.get(s, ""), str(s))
    ):
        theirs = [f for f in facts if f.assignee_id == staff_id]
        staff.append(
            StaffSpeed(
                staff_id=staff_id,
                name=names.get(staff_id, ""),
                complaints=len(theirs),
                median_first_contact_hours=_median(
                    [_hours(f.first_contacted_at, f.received_at) for f in theirs if f.first_contacted_at]
                ),
                median_resolution_hours=_median(
                    [_hours(f.resolved_at, f.received_at) for f in theirs if f.resolved_at]
                ),
            )
        )
    return ComplaintNumbers(
        start=start,
        end=end,
        branch_id=branch_id,
        promise_hours=promise_hours,
        complaints=len(facts),
        by_category={c: sum(1 for f in facts if f.category == c) for c in CATEGORIES},
        by_channel={c: sum(1 for f in facts if f.channel == c) for c in CHANNELS},
        contacted=len(contact_hours),
        median_first_contact_hours=_median(contact_hours),
        within_promise=len(within),
        promise_due=len(due),
        resolved=len(resolved),
        median_resolution_hours=_median(resolution_hours),
        mean_rounds=statistics.fmean(rounds) if rounds else None,
        remedies_proposed={r: proposed[r] for r in REMEDIES},
        remedies_accepted={r: accepted[r] for r in REMEDIES},
        closed_with_proposal=len(closed),
        satisfied_after_follow_up=len(satisfied),
        survey_answers=len(scores),
        survey_mean=statistics.fmean(scores) if scores else None,
        survey_scores={s: scores.count(s) for s in SCORES},
        clients=len(per_client),
        repeat_complainants=sum(1 for n in per_client.values() if n >= 2),
        staff=tuple(staff),
    )


def check_period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """The period asked for (default: the last 30 days up to today), or ValidationFailed naming
    the refused field."""
    end = end or today
    start = start or end - timedelta(days=29)
    if start > end:
        raise ValidationFailed({"start": "must not be after the end"})
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise ValidationFailed(
            {"end": field_message("a period covers at most {days} days", days=MAX_PERIOD_DAYS)}
        )
    return start, end


def parse_day(raw: str | None, name: str) -> date | None:
    """A ``YYYY-MM-DD`` date from a query string (empty: ``None``), or ValidationFailed."""
    if not raw:
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationFailed({name: "use a date like 2026-12-31"}) from None


async def complaint_numbers(
    branch_id: UUID | None = None, start: date | None = None, end: date | None = None
) -> ComplaintNumbers:
    """The figures of one branch (``None``: every branch in the actor's scope) for the local
    dates ``start``-``end`` (both included, in the branch's zone or the tenant's)."""
    ctx = current()
    require(ctx, Action.REPORTS_VIEW)
    scope = await current_branch_scope(ctx)
    if branch_id is not None:
        scope.check(branch_id, "branch")
    tenant = await get_tenant(ctx.tenant_id)
    settings = await load_tenant_settings(ctx.tenant_id)
    now = clock.now()
    async with unit_of_work(ctx):
        zone = tenant.time_zone
        if branch_id is not None:
            branch = await scoped.get(Branch, branch_id)
            if branch is None:
                raise ValidationFailed({"branch": "no such branch"})
            zone = branch.time_zone or zone
        start, end = check_period(start, end, now.astimezone(ZoneInfo(zone)).date())
        since = datetime.combine(start, time.min, ZoneInfo(zone))
        until = datetime.combine(end + timedelta(days=1), time.min, ZoneInfo(zone))
        query = scope.restrict(scoped.objects(Complaint), Complaint.branch_id).where(
            (Complaint.received_at >= since) & (Complaint.received_at < until)
        )
        if branch_id is not None:
            query = query.where(Complaint.branch_id == branch_id)
        rows = await query
        proposals: dict[UUID, list[tuple[str, str]]] = {}
        if rows:
            for r in (
                await scoped.select(
                    ComplaintRound, ComplaintRound.complaint_id, ComplaintRound.remedy, ComplaintRound.answer
                )
                .where(ComplaintRound.complaint_id.is_in([row.id for row in rows]))
                .order_by(ComplaintRound.number)
            ):
                if r["remedy"]:
                    proposals.setdefault(r["complaint_id"], []).append((r["remedy"], r["answer"]))
        answers = scope.restrict(
            scoped.select(SurveyAnswer, SurveyAnswer.score), SurveyAnswer.branch_id
        ).where((SurveyAnswer.answered_at >= since) & (SurveyAnswer.answered_at < until))
        if branch_id is not None:
            answers = answers.where(SurveyAnswer.branch_id == branch_id)
        scores = [int(a["score"]) for a in await answers]
        names = {
            s["id"]: s["name"] for s in await scoped.select(StaffMember, StaffMember.id, StaffMember.name)
        }
    facts = [
        ComplaintFact(
            id=row.id,
            branch_id=row.branch_id,
            client_id=row.client_id,
            assignee_id=row.assignee_id,
            category=row.category,
            channel=row.channel,
            status=row.status,
            received_at=row.received_at,
            first_contacted_at=row.first_contacted_at,
            resolved_at=row.resolved_at,
            proposals=tuple(proposals.get(row.id, ())),
        )
        for row in rows
    ]
    return compute(
        facts,
        scores,
        start=start,
        end=end,
        now=now,
        promise_hours=settings.complaint_first_contact_hours,
        branch_id=branch_id,
        staff_names=names,
    )


__all__ = [
    "ComplaintFact",
    "ComplaintNumbers",
    "StaffSpeed",
    "check_period",
    "complaint_numbers",
    "compute",
    "parse_day",
]
