"""The satisfaction survey after a visit: invited through the delivery outbox, answered once
through a signed link, a low score opening a complaint for the branch manager.

- **Invitation** (:func:`invite_due`, run by the workers): a client's visits of one day get
  one survey, ``survey_after_hours`` after the day's last service. It is a message of the
  purpose ``marketing_email`` (a satisfaction survey is not a service the client is owed), so
  the consent gate lets it out only with that consent (and only to a client with an e-mail
  address); the delivery workers check the gate again when they send it.
- **The link** carries the visit id and an expiry, signed with a key derived from the master
  key for this tenant (itsdangerous, its own salt: a consent link is no survey link).
- **One answer per survey**: a second answer through the same link is refused (409); the
  first one stands. An expired or forged link is "not found".
- **A low score** (at or below ``survey_low_score``) records a complaint in the same unit of
  work (channel ``website``, about the service), assigned to the branch's manager.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from asyncpg.exceptions import UniqueViolationError
from itsdangerous import BadSignature, URLSafeSerializer

from salonkeep.core import audit
from salonkeep.core.aftercare.consent_gate import allows
from salonkeep.core.aftercare.tables import Touchpoint
from salonkeep.core.clients.tables import Client
from salonkeep.core.complaints import service
from salonkeep.core.complaints.feedback_tables import SCORES, SurveyAnswer
from salonkeep.core.formatting import local_date
from salonkeep.core.keys import master
from salonkeep.core.keys.service import encrypt_column
from salonkeep.core.visits.tables import Visit
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import TenantContext, current, tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import Conflict, NotFound, ValidationFailed
from salonkeep.tenants.messages import field_message
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.settings import load_settings
from salonkeep.tenants.tables import Branch, StaffBranch, StaffMember
from salonkeep.tenants.tenant_settings import load_tenant_settings

#: The outbox programme and message template of the invitation.
PROGRAMME = "satisfaction_survey"
TEMPLATE = "satisfaction_survey/invite"
#: The consent purpose the invitation needs.
PURPOSE = "marketing_email"
#: How long a survey link stays valid.
LINK_VALIDITY = timedelta(days=14)
#: Visits older than this (past the survey delay) are not surveyed any more.
INVITE_WINDOW = timedelta(days=3)
MAX_COMMENT = 2000


def _serializer(tenant_id: UUID) -> URLSafeSerializer:
    return URLSafeSerializer(master.derive(f"salonkeep:survey-link:{tenant_id}"), salt="survey-link")


def make_token(tenant_id: UUID, visit_id: UUID, valid_for: timedelta = LINK_VALIDITY) -> str:
    """A signed token for the survey of ``visit_id``, valid for ``valid_for`` from now."""
    expires = int((clock.now() + valid_for).timestamp())
    return str(_serializer(tenant_id).dumps({"v": str(visit_id), "e": expires}))


def read_token(tenant_id: UUID, token: str) -> UUID:
    """The visit id of a valid, unexpired survey token of this tenant; NotFound otherwise."""
    try:
        data = _serializer(tenant_id).loads(token)
        visit_id = UUID(str(data["v"]))
        expires = int(data["e"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise NotFound("this survey link is not valid") from None
    if clock.now().timestamp() > expires:
        raise NotFound("this survey link has expired")
    return visit_id


def link_path(slug: str, tenant_id: UUID, visit_id: UUID) -> str:
    """The path of the survey link of a visit."""
    return f"/t/{slug}/survey/{make_token(tenant_id, visit_id)}"


def dedupe_key(client_id: UUID, day: object) -> str:
    """The invitation's key: one survey per client and local day."""
    return f"{PROGRAMME}:{client_id}:{day}"


async def invite_due(now: datetime | None = None) -> int:
    """Queue the survey invitations due for the current tenant (system context, the workers);
    returns how many were queued now (0 when run again)."""
    ctx = current()
    now = now or clock.now()
    settings = await load_tenant_settings(ctx.tenant_id)
    if settings.survey_after_hours == 0:
        return 0
    tenant = await get_tenant(ctx.tenant_id)
    latest = now - timedelta(hours=settings.survey_after_hours)
    base = load_settings().public_url.rstrip("/")
    queued = 0
    async with unit_of_work(ctx):
        zones = {b.id: b.time_zone or tenant.time_zone for b in await scoped.objects(Branch)}
        visits = (
            await scoped.objects(Visit)
            .where((Visit.performed_at <= latest) & (Visit.performed_at > latest - INVITE_WINDOW))
            .order_by(Visit.performed_at)
        )
        last_of_day: dict[str, Visit] = {}
        for visit in visits:
            day = local_date(visit.performed_at, zones.get(visit.branch_id, tenant.time_zone))
            last_of_day[dedupe_key(visit.client_id, day)] = visit
        ids = sorted({v.client_id for v in last_of_day.values()}, key=str)
        with_email = {
            r["id"]
            for r in await scoped.select(Client, Client.id, Client.email).where(
                Client.id.is_in(ids or [uuid4()])
            )
            if r["email"]
        }
        for key, visit in last_of_day.items():
            if visit.client_id not in with_email:
                continue  # the survey is an e-mail
            if await scoped.exists(Touchpoint, Touchpoint.dedupe_key == key):
                continue
            if not await allows(visit.client_id, PURPOSE):
                continue
            link = base + link_path(tenant.slug, tenant.id, visit.id)
            await scoped.insert(
                scoped.new(
                    Touchpoint,
                    id=uuid4(),
                    client_id=visit.client_id,
                    branch_id=visit.branch_id,
                    programme=PROGRAMME,
                    kind="message",
                    due_at=now,
                    title="How was your visit?",
                    purpose=PURPOSE,
                    channel="email",
                    status="queued",
                    next_attempt_at=now,
                    dedupe_key=key,
                    template=TEMPLATE,
                    template_vars=json.dumps({"link": link, "service": visit.service}),
                    created_at=now,
                ),
                skip_duplicates=True,
            )
            await audit.record(
                audit.AuditAction.CREATE,
                client_id=visit.client_id,
                subject="satisfaction_survey",
                subject_id=visit.id,
                fields=["invitation"],
                reason="satisfaction survey queued",
                ctx=ctx,
            )
            queued += 1
    return queued


@dataclass(frozen=True)
class SurveyPage:
    """What the public survey page shows: the branch, the service, and whether it was answered."""

    branch_name: str
    service: str
    performed_at: datetime
    time_zone: str
    answered: bool


async def survey_for(tenant_id: UUID, token: str) -> SurveyPage:
    """The survey a link opens (NotFound for a bad or expired link)."""
    visit_id = read_token(tenant_id, token)
    ctx = TenantContext(tenant_id=tenant_id, actor_label="public:survey")
    tenant = await get_tenant(tenant_id)
    with tenant_scope(ctx):
        async with unit_of_work(ctx):
            visit = await scoped.get(Visit, visit_id)
            if visit is None:
                raise NotFound("this survey link is not valid")
            branch = await scoped.get(Branch, visit.branch_id)
            answered = await scoped.exists(SurveyAnswer, SurveyAnswer.visit_id == visit_id)
    return SurveyPage(
        branch_name=branch.name if branch else "",
        service=visit.service,
        performed_at=visit.performed_at,
        time_zone=(branch.time_zone if branch else "") or tenant.time_zone,
        answered=answered,
    )


def check_answer(score: str | int, comment: str) -> tuple[int, str]:
    """The score (1-5) and the comment (at most 2,000 characters), or ValidationFailed naming
    each refused field."""
    errors: dict[str, str] = {}
    text = str(score).strip()
    value = int(text) if text.isdigit() and len(text) < 3 else 0
    if value not in SCORES:
        errors["score"] = "choose a score from 1 to 5"
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        errors["comment"] = field_message("must be at most {limit} characters", limit=MAX_COMMENT)
    if errors:
        raise ValidationFailed(errors)
    return value, comment


async def _branch_manager(branch_id: UUID) -> UUID | None:
    there = {
        r["staff_id"]
        for r in await scoped.select(StaffBranch, StaffBranch.staff_id).where(
            StaffBranch.branch_id == branch_id
        )
    }
    managers = await scoped.select(StaffMember, StaffMember.id, StaffMember.name).where(
        (StaffMember.role == "branch_manager") & (StaffMember.active == True)  # noqa: E712
    )
    chosen = sorted((m["name"], m["id"]) for m in managers if m["id"] in there)
    return chosen[0][1] if chosen else None


async def answer_survey(tenant_id: UUID, token: str, score: str | int, comment: str = "") -> UUID:
    """Store the answer to the survey of a link (once: a second answer is a Conflict, also when
    two arrive at the same moment: the unique key decides); a low score opens a complaint
    assigned to the branch manager. Returns the answer's id."""
    value, comment = check_answer(score, comment)
    visit_id = read_token(tenant_id, token)
    try:
        return await _store_answer(tenant_id, visit_id, value, comment)
    except (UniqueViolationError, sqlite3.IntegrityError):
        raise Conflict("survey", "this survey was already answered") from None


async def _store_answer(tenant_id: UUID, visit_id: UUID, value: int, comment: str) -> UUID:
    ctx = TenantContext(tenant_id=tenant_id, actor_label="public:survey")
    settings = await load_tenant_settings(tenant_id)
    with tenant_scope(ctx):
        async with unit_of_work(ctx):
            visit = await scoped.get(Visit, visit_id)
            if visit is None:
                raise NotFound("this survey link is not valid")
            if await scoped.exists(SurveyAnswer, SurveyAnswer.visit_id == visit_id):
                raise Conflict("survey", "this survey was already answered")
            answer_id = uuid4()
            complaint_id = None
            if value <= settings.survey_low_score:
                complaint = await service.record_complaint(
                    branch_id=visit.branch_id,
                    channel="website",
                    about="service",
                    about_ref=visit.service[:200],
                    category="quality",
                    description=f"Satisfaction survey: {value}/5. {comment}".strip(),
                    client_id=visit.client_id,
                )
                complaint_id = complaint.id
                manager = await _branch_manager(visit.branch_id)
                if manager is not None:
                    await service.assign(complaint.id, manager)
            await scoped.insert(
                scoped.new(
                    SurveyAnswer,
                    id=answer_id,
                    visit_id=visit_id,
                    client_id=visit.client_id,
                    branch_id=visit.branch_id,
                    staff_id=visit.staff_id,
                    score=value,
                    comment=await encrypt_column(
                        ctx, visit.client_id, "survey_answer", "comment", answer_id, comment
                    )
                    if comment
                    else "",
                    answered_at=clock.now(),
                    complaint_id=complaint_id,
                ),
            )
            await audit.record(
                audit.AuditAction.CREATE,
                client_id=visit.client_id,
                subject="survey_answer",
                subject_id=answer_id,
                fields=["score", "comment"],
                ctx=ctx,
            )
    return answer_id


__all__ = [
    "LINK_VALIDITY",
    "PROGRAMME",
    "PURPOSE",
    "SurveyPage",
    "answer_survey",
    "check_answer",
    "invite_due",
    "link_path",
    "make_token",
    "read_token",
    "survey_for",
]
