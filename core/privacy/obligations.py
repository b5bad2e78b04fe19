"""Staff obligations from the seeds (000 §3.2, §3.3, §5): the confidentiality agreement signed
at hiring, privacy training with renewal dates, and the partner register's contract clauses,
vetting, periodic review and security report.

* **Confidentiality agreement**: each signature is kept with the agreement's version (tenant
  setting ``confidentiality_version``). A staff member who has not signed the current version
  sees no client data (:func:`salonkeep.core.access.require_agreement`, asked by every client
  read); they sign on the page the web shows them, or the owner / privacy officer records a
  paper signature.
* **Training**: completed courses with the date they must be renewed by; the daily worker job
  reminds the staff member and the privacy officer ``reminder_days`` before (once per record).
* **Partners**: contract clauses, vetting date, review date (a reminder to the privacy officer
  before it), and the partner's security report as a reference and/or a file encrypted under
  the tenant key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from salonkeep.core import audit
from salonkeep.core.access import Action, can, require
from salonkeep.core.keys.service import open_tenant_document, seal_tenant_document
from salonkeep.core.privacy import notices
from salonkeep.core.privacy.tables import Partner, PrivacyTraining
from salonkeep.core.tenant_config import change_settings
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.tenants.messages import field_message
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.tables import ConfidentialityAgreement, StaffMember
from salonkeep.tenants.tenant_settings import load_tenant_settings

#: Audit actions of the staff obligations (who recorded what, never file contents).
AGREEMENT_SIGNED = "staff.agreement_signed"
TRAINING_RECORDED = "staff.training_recorded"
PARTNER_CHANGED = "partner.terms_changed"
MAX_REPORT_BYTES = 5 * 1024 * 1024
MAX_TEXT = 10_000


# --- the confidentiality agreement ---------------------------------------------------------


@dataclass(frozen=True)
class AgreementStatus:
    """One staff member's signature state."""

    staff_id: UUID
    name: str
    email: str
    role: str
    signed_version: str | None
    signed_at: datetime | None
    current: bool


async def _sign(staff_id: UUID, recorded_by: str) -> str:
    version = (await load_tenant_settings(scoped.tenant_id())).confidentiality_version
    if await scoped.exists(
        ConfidentialityAgreement,
        (ConfidentialityAgreement.staff_id == staff_id) & (ConfidentialityAgreement.version == version),
    ):
        return version
    await scoped.insert(
        scoped.new(
            ConfidentialityAgreement,
            id=uuid4(),
            staff_id=staff_id,
            version=version,
            signed_at=clock.now(),
            recorded_by=recorded_by[:200],
        )
    )
    await audit.record(AGREEMENT_SIGNED, subject="staff", subject_id=staff_id, reason=f"version {version}")
    return version


async def sign_agreement() -> str:
    """The acting staff member signs the tenant's current confidentiality agreement (again
    signing the same version changes nothing); returns the version."""
    ctx = current()
    if ctx.actor_id is None:
        raise ValidationFailed({"staff": "only a signed-in staff member signs for themselves"})
    async with unit_of_work(ctx):
        return await _sign(ctx.actor_id, ctx.actor_label)


async def record_agreement(email: str) -> str:
    """Record that the staff member with ``email`` signed the current agreement on paper at
    hiring (owner, privacy officer or the system); returns the version."""
    ctx = current()
    if not (can(ctx, Action.STAFF_MANAGE) or can(ctx, Action.PRIVACY_REQUESTS)):
        require(ctx, Action.PRIVACY_REQUESTS)
    async with unit_of_work(ctx):
        staff = await scoped.objects(StaffMember).where(StaffMember.email == (email or "").strip().lower())
        if not staff:
            raise ValidationFailed({"email": "no staff member with this e-mail"})
        return await _sign(staff[0].id, f"paper signature recorded by {ctx.actor_label}")


async def agreement_statuses() -> list[AgreementStatus]:
    """Every active staff member with the version they last signed (owner, privacy officer)."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    async with unit_of_work(ctx):
        version = (await load_tenant_settings(ctx.tenant_id)).confidentiality_version
        staff = await scoped.objects(StaffMember).where(StaffMember.active == True)  # noqa: E712
        signed = await scoped.objects(ConfidentialityAgreement).order_by(ConfidentialityAgreement.signed_at)
    last = {row.staff_id: row for row in signed}
    result = []
    for member in sorted(staff, key=lambda s: s.email):
        row = last.get(member.id)
        result.append(
            AgreementStatus(
                staff_id=member.id,
                name=member.name,
                email=member.email,
                role=member.role,
                signed_version=row.version if row else None,
                signed_at=row.signed_at if row else None,
                current=any(r.staff_id == member.id and r.version == version for r in signed),
            )
        )
    return result


#: The privacy settings the owner changes on the settings page (typed tenant settings).
PRIVACY_SETTINGS = ("reconsent_mode", "reconsent_auto_request", "confidentiality_version", "reminder_days")


async def privacy_settings() -> dict[str, Any]:
    """The tenant's re-consent and staff-obligation settings."""
    settings = await load_tenant_settings(current().tenant_id)
    return {name: getattr(settings, name) for name in PRIVACY_SETTINGS}


async def update_privacy_settings(changes: dict[str, object]) -> None:
    """Change the re-consent and staff-obligation settings (owner; all or nothing, a refused
    value names its key)."""
    ctx = current()
    require(ctx, Action.SETTINGS_MANAGE)
    unknown = set(changes) - set(PRIVACY_SETTINGS)
    if unknown:
        raise ValidationFailed({name: "not a privacy setting" for name in unknown})
    await change_settings(changes, ctx)


# --- privacy training ----------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingView:
    """A completed training and its renewal date."""

    id: UUID
    staff_id: UUID
    staff_name: str
    course: str
    completed_at: datetime
    renew_by: datetime
    recorded_by: str

    def due(self, now: datetime, days: int) -> bool:
        """True when the renewal date is within ``days`` (or passed)."""
        return self.renew_by <= now + timedelta(days=days)


def _aware(value: datetime | None, field: str) -> datetime:
    if value is None:
        raise ValidationFailed({field: "is required"})
    if value.tzinfo is None:
        raise ValidationFailed({field: "give a time zone"})
    return value


async def record_training(
    email: str, course: str, completed_at: datetime, renew_by: datetime
) -> TrainingView:
    """Record a privacy training a staff member completed and when it must be renewed."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    errors: dict[str, str] = {}
    course = (course or "").strip()
    if not course:
        errors["course"] = "is required"
    elif len(course) > 200:
        errors["course"] = "must be at most 200 characters"
    try:
        completed_at = _aware(completed_at, "completed_at")
        renew_by = _aware(renew_by, "renew_by")
        if renew_by <= completed_at:
            errors["renew_by"] = "must be after the completion date"
        if completed_at > clock.now() + timedelta(days=1):
            errors["completed_at"] = "is in the future"
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    async with unit_of_work(ctx):
        staff = await scoped.objects(StaffMember).where(StaffMember.email == (email or "").strip().lower())
        if not staff:
            raise ValidationFailed({"email": "no staff member with this e-mail"})
        row = scoped.new(
            PrivacyTraining,
            id=uuid4(),
            staff_id=staff[0].id,
            course=course,
            completed_at=completed_at,
            renew_by=renew_by,
            recorded_by=ctx.actor_label[:200],
            recorded_at=clock.now(),
        )
        await scoped.insert(row)
        await audit.record(TRAINING_RECORDED, subject="staff", subject_id=staff[0].id, reason=course[:200])
    return TrainingView(row.id, row.staff_id, staff[0].name, course, completed_at, renew_by, row.recorded_by)


async def _trainings() -> list[TrainingView]:
    names = {s.id: s.name for s in await scoped.objects(StaffMember)}
    rows = await scoped.objects(PrivacyTraining).order_by(PrivacyTraining.renew_by)
    return [
        TrainingView(
            r.id, r.staff_id, names.get(r.staff_id, "?"), r.course, r.completed_at, r.renew_by, r.recorded_by
        )
        for r in rows
    ]


def latest_per_course(trainings: list[TrainingView]) -> list[TrainingView]:
    """The latest record per staff member and course (a renewal replaces the old one)."""
    latest: dict[tuple[UUID, str], TrainingView] = {}
    for item in sorted(trainings, key=lambda t: t.completed_at):
        latest[(item.staff_id, item.course.lower())] = item
    return sorted(latest.values(), key=lambda t: t.renew_by)


async def list_trainings() -> list[TrainingView]:
    """Every training record, soonest renewal first (owner, privacy officer)."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    async with unit_of_work(ctx):
        return await _trainings()


# --- the partner register ------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerTerms:
    """What the register holds about a partner beyond its name and purposes."""

    id: UUID
    name: str
    contract_ref: str
    contract_clauses: str
    vetted_at: datetime | None
    review_due_at: datetime | None
    security_report_ref: str
    security_report_name: str
    security_report_at: datetime | None
    has_report_file: bool


def _terms(row: Partner) -> PartnerTerms:
    return PartnerTerms(
        row.id,
        row.name,
        row.contract_ref,
        row.contract_clauses,
        row.vetted_at,
        row.review_due_at,
        row.security_report_ref,
        row.security_report_name,
        row.security_report_at,
        bool(row.security_report_file),
    )


async def _partner(partner_id: UUID) -> Partner:
    rows = await scoped.objects(Partner).where(Partner.id == partner_id)
    if not rows:
        raise NotFound("no such partner")
    return rows[0]


async def partner_terms() -> list[PartnerTerms]:
    """Every partner's terms, by name (owner, privacy officer)."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    async with unit_of_work(ctx):
        rows = await scoped.objects(Partner).order_by(Partner.name)
    return [_terms(r) for r in rows]


async def update_partner_terms(
    partner_id: UUID,
    *,
    contract_clauses: str | None = None,
    vetted_at: datetime | None = None,
    review_due_at: datetime | None = None,
    security_report_ref: str | None = None,
    report_name: str | None = None,
    report_file: bytes | None = None,
) -> PartnerTerms:
    """Record a partner's contract clauses, vetting and review dates and security report
    (the file is kept encrypted under the tenant key). All or nothing."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    errors: dict[str, str] = {}
    values: dict[Any, Any] = {}
    if contract_clauses is not None:
        if len(contract_clauses) > MAX_TEXT:
            errors["contract_clauses"] = field_message("must be at most {limit} characters", limit=MAX_TEXT)
        values[Partner.contract_clauses] = contract_clauses.strip()
    for name, moment, column in (
        ("vetted_at", vetted_at, Partner.vetted_at),
        ("review_due_at", review_due_at, Partner.review_due_at),
    ):
        if moment is not None:
            if moment.tzinfo is None:
                errors[name] = "give a time zone"
            values[column] = moment
    if vetted_at and review_due_at and review_due_at <= vetted_at:
        errors["review_due_at"] = "must be after the vetting date"
    if security_report_ref is not None:
        if len(security_report_ref) > 500:
            errors["security_report_ref"] = "must be at most 500 characters"
        values[Partner.security_report_ref] = security_report_ref.strip()
    if report_file is not None:
        if not report_file:
            errors["security_report"] = "the file is empty"
        elif len(report_file) > MAX_REPORT_BYTES:
            errors["security_report"] = field_message(
                "must be at most {megabytes} MB", megabytes=MAX_REPORT_BYTES // (1024 * 1024)
            )
        clean_name = (report_name or "security-report").strip().replace("/", "_")[:200]
    if errors:
        raise ValidationFailed(errors)
    async with unit_of_work(ctx):
        row = await _partner(partner_id)
        if report_file is not None:
            values[Partner.security_report_file] = await seal_tenant_document(
                ctx, f"partner-report:{row.id}", report_file
            )
            values[Partner.security_report_name] = clean_name
            values[Partner.security_report_at] = clock.now()
        elif security_report_ref:
            values[Partner.security_report_at] = clock.now()
        if values:
            await scoped.update(Partner, values).where(Partner.id == partner_id)
            fields = sorted(column._meta.name for column in values)
            await audit.record(PARTNER_CHANGED, subject="partner", subject_id=row.id, fields=fields)
        return _terms(await _partner(partner_id))


async def partner_report(partner_id: UUID) -> tuple[str, bytes]:
    """The partner's security report file (name, bytes), decrypted; NotFound without one."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    async with unit_of_work(ctx):
        row = await _partner(partner_id)
        if not row.security_report_file:
            raise NotFound("no security report file for this partner")
        data = await open_tenant_document(ctx, f"partner-report:{row.id}", row.security_report_file)
    return row.security_report_name or "security-report", data


# --- reminders (the daily worker job) -------------------------------------------------------


async def send_reminders(now: datetime | None = None) -> int:
    """Queue the reminders that are due: trainings to renew (to the staff member and the
    privacy officers) and partner reviews (to the privacy officers), ``reminder_days`` before
    the date. Each reminder is queued once per record and date (run it as often as you like);
    returns how many notices were queued now."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    now = now or clock.now()
    queued = 0
    async with unit_of_work(ctx):
        tenant = await get_tenant(ctx.tenant_id)
        days = (await load_tenant_settings(ctx.tenant_id)).reminder_days
        horizon = now + timedelta(days=days)
        staff = {s.id: s for s in await scoped.objects(StaffMember).where(StaffMember.active == True)}  # noqa: E712
        for item in latest_per_course(await _trainings()):
            if item.renew_by > horizon or item.staff_id not in staff:
                continue
            member = staff[item.staff_id]
            values = {"course": item.course, "staff": member.name, "renew_by": item.renew_by}
            key = f"training:{item.id}:{int(item.renew_by.timestamp())}"
            queued += await notices.notify_officers("training_due", values, dedupe_key=key)
            queued += await notices.queue_notice(
                notices.Recipient(member.id, member.name, member.email, member.locale),
                "training_due",
                {**values, "salon": tenant.name},
                dedupe_key=key,
                tenant_locale=tenant.default_locale,
                zone=tenant.time_zone,
            )
        partners = await scoped.objects(Partner).where(
            (Partner.active == True) & Partner.review_due_at.is_not_null()  # noqa: E712
        )
        for partner in partners:
            if partner.review_due_at > horizon:
                continue
            values = {"partner": partner.name, "review_due_at": partner.review_due_at}
            key = f"partner_review:{partner.id}:{int(partner.review_due_at.timestamp())}"
            queued += await notices.notify_officers("partner_review", values, dedupe_key=key)
    return queued
