"""Complaint endpoints of the JSON API: list, read and record complaints, and the complaint
numbers (the same figures as the staff page and its CSV). Every call goes through the core
services, which check the key's role and branch scope; another tenant's id is "not found"."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter

from salonkeep.core.complaints import service, statistics
from salonkeep.web.api.errors import BODY_ERROR_RESPONSES, ERROR_RESPONSES
from salonkeep.web.api.ids import path_id, query_id
from salonkeep.web.api.schemas import Line, LongText, Moment, utc

Code = Annotated[str, msgspec.Meta(max_length=32)]


class ComplaintIn(msgspec.Struct, forbid_unknown_fields=True):
    """A complaint recorded by staff (channel: in_store, phone, email, social_media, website;
    about: service, product, staff, touchpoint, data_handling)."""

    branch_id: UUID
    channel: Code
    about: Code
    description: LongText
    about_ref: Line = ""
    category: Code = "other"
    client_id: UUID | None = None
    received_at: Moment | None = None


class RoundOut(msgspec.Struct):
    """One round of handling (its free texts stay on the staff page)."""

    number: int
    coverage: str
    remedy: str
    proposed_at: datetime | None
    answer: str
    answered_at: datetime | None


class ComplaintOut(msgspec.Struct):
    """A complaint; times are ISO 8601 in UTC (``Z``). ``description`` only when read one by
    one (and on creation)."""

    id: UUID
    branch_id: UUID
    client_id: UUID | None
    channel: str
    about: str
    about_ref: str
    category: str
    status: str
    assignee_id: UUID | None
    received_at: datetime
    first_contact_due_at: datetime
    first_contacted_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    description: str = ""
    rounds: list[RoundOut] = msgspec.field(default_factory=list)


class StaffSpeedOut(msgspec.Struct):
    """How fast one staff member handled their complaints (hours; null: none yet)."""

    staff_id: UUID
    name: str
    complaints: int
    median_first_contact_hours: float | None
    median_resolution_hours: float | None


class ComplaintNumbersOut(msgspec.Struct):
    """The complaint figures of a branch (null: every branch in the key's scope) and period of
    local dates; durations in hours, shares from 0 to 1 (null: nothing to measure)."""

    branch_id: UUID | None
    start: date
    end: date
    promise_hours: int
    complaints: int
    by_category: dict[str, int]
    by_channel: dict[str, int]
    contacted: int
    median_first_contact_hours: float | None
    promise_due: int
    within_promise: int
    within_promise_share: float | None
    resolved: int
    median_resolution_hours: float | None
    mean_rounds: float | None
    remedies_proposed: dict[str, int]
    remedies_accepted: dict[str, int]
    closed_with_proposal: int
    satisfied_after_follow_up: int
    satisfied_share: float | None
    survey_answers: int
    survey_mean: float | None
    survey_scores: dict[str, int]
    clients: int
    repeat_complainants: int
    staff: list[StaffSpeedOut]


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else utc(moment)


def complaint_out(view: service.ComplaintView) -> ComplaintOut:
    """The API form of a complaint."""
    return ComplaintOut(
        id=view.id,
        branch_id=view.branch_id,
        client_id=view.client_id,
        channel=view.channel,
        about=view.about,
        about_ref=view.about_ref,
        category=view.category,
        status=view.status,
        assignee_id=view.assignee_id,
        received_at=utc(view.received_at),
        first_contact_due_at=utc(view.first_contact_due_at),
        first_contacted_at=_utc(view.first_contacted_at),
        resolved_at=_utc(view.resolved_at),
        closed_at=_utc(view.closed_at),
        description=view.description,
        rounds=[
            RoundOut(
                number=r.number,
                coverage=r.coverage,
                remedy=r.remedy,
                proposed_at=_utc(r.proposed_at),
                answer=r.answer,
                answered_at=_utc(r.answered_at),
            )
            for r in view.rounds
        ],
    )


def numbers_out(numbers: statistics.ComplaintNumbers) -> ComplaintNumbersOut:
    """The API form of the complaint figures."""
    return ComplaintNumbersOut(
        branch_id=numbers.branch_id,
        start=numbers.start,
        end=numbers.end,
        promise_hours=numbers.promise_hours,
        complaints=numbers.complaints,
        by_category=numbers.by_category,
        by_channel=numbers.by_channel,
        contacted=numbers.contacted,
        median_first_contact_hours=numbers.median_first_contact_hours,
        promise_due=numbers.promise_due,
        within_promise=numbers.within_promise,
        within_promise_share=numbers.within_promise_share,
        resolved=numbers.resolved,
        median_resolution_hours=numbers.median_resolution_hours,
        mean_rounds=numbers.mean_rounds,
        remedies_proposed=numbers.remedies_proposed,
        remedies_accepted=numbers.remedies_accepted,
        closed_with_proposal=numbers.closed_with_proposal,
        satisfied_after_follow_up=numbers.satisfied_after_follow_up,
        satisfied_share=numbers.satisfied_share,
        survey_answers=numbers.survey_answers,
        survey_mean=numbers.survey_mean,
        survey_scores={str(score): count for score, count in numbers.survey_scores.items()},
        clients=numbers.clients,
        repeat_complainants=numbers.repeat_complainants,
        staff=[
            StaffSpeedOut(
                staff_id=s.staff_id,
                name=s.name,
                complaints=s.complaints,
                median_first_contact_hours=s.median_first_contact_hours,
                median_resolution_hours=s.median_resolution_hours,
            )
            for s in numbers.staff
        ],
    )


BranchFilter = Annotated[str | None, Parameter(max_length=36, description="A branch's id.")]
DayQuery = Annotated[str | None, Parameter(max_length=10, description="A local date (YYYY-MM-DD).")]


class ComplaintController(Controller):
    """Complaints from every channel, and their numbers."""

    path = "/complaints"
    tags = ["complaints"]

    @get("/", summary="List complaints", responses=ERROR_RESPONSES)
    async def listing(
        self,
        branch_id: BranchFilter = None,
        open_only: Annotated[bool, Parameter(query="open", description="Only those not closed.")] = False,
    ) -> list[ComplaintOut]:
        """The complaints of the branches in the key's scope (or one branch), the nearest
        first-contact deadline first; no free texts."""
        rows = await service.list_complaints(query_id(branch_id, "branch_id"), open_only=open_only)
        return [complaint_out(row) for row in rows]

    @get("/numbers", summary="Complaint numbers of a branch and period", responses=ERROR_RESPONSES)
    async def numbers(
        self, branch_id: BranchFilter = None, start: DayQuery = None, end: DayQuery = None
    ) -> ComplaintNumbersOut:
        """The figures of the staff page's statistics (default period: the last 30 days)."""
        figures = await statistics.complaint_numbers(
            query_id(branch_id, "branch_id"),
            statistics.parse_day(start, "start"),
            statistics.parse_day(end, "end"),
        )
        return numbers_out(figures)

    @get("/{complaint_id:str}", summary="One complaint", responses=ERROR_RESPONSES)
    async def read(self, complaint_id: str) -> ComplaintOut:
        """A complaint the key may see, with its description and rounds (404 otherwise)."""
        return complaint_out(await service.get_complaint(path_id(complaint_id, "no such complaint")))

    @post("/", summary="Record a complaint", responses=BODY_ERROR_RESPONSES)
    async def create(self, data: ComplaintIn) -> ComplaintOut:
        """Record a complaint with its first-contact deadline; 422 names each refused field."""
        view = await service.record_complaint(
            branch_id=data.branch_id,
            channel=data.channel,
            about=data.about,
            description=data.description,
            about_ref=data.about_ref,
            category=data.category,
            client_id=data.client_id,
            received_at=data.received_at,
        )
        return complaint_out(await service.get_complaint(view.id))
