"""Per-staff iCalendar feeds behind a secret, revocable URL.

A staff member makes their feed (a new one revokes the old); the URL carries a random token
of which only the SHA-256 is stored. Calendar apps fetch the feed without signing in: the
token stands for the staff member, so the feed is read with their own context and branch
scope (:func:`salonkeep.core.access.current_branch_scope`), and stops answering when the
feed is revoked or the staff member is deactivated. Each event carries the service and the
client's initials only: no health data, no phone, no e-mail, no notes. Times carry the
branch's ``TZID`` with its ``VTIMEZONE``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import icalendar

from salonkeep.core import audit
from salonkeep.core.access import Action, can, current_branch_scope
from salonkeep.core.appointments.tables import CalendarFeed
from salonkeep.core.clients.tables import Client
from salonkeep.core.visits.tables import Appointment
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import TenantContext, current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import NotFound
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.signin import load_session
from salonkeep.tenants.tables import Branch, StaffMember
from salonkeep.tenants.tenant_settings import settings_of

#: The feed covers appointments from this long ago ...
PAST = timedelta(days=30)
#: ... to this far ahead.
AHEAD = timedelta(days=365)


def token_hash(token: str) -> str:
    """What is stored of a feed token."""
    return hashlib.sha256(token.encode()).hexdigest()


def feed_path(slug: str, token: str) -> str:
    """The path of a feed URL."""
    return f"/t/{slug}/calendar-feed/{token}.ics"


@dataclass(frozen=True)
class FeedView:
    """An active feed (the token itself is shown only once, when it is made)."""

    id: UUID
    staff_id: UUID
    staff_name: str
    created_at: datetime


def _may_manage_any(ctx: TenantContext) -> bool:
    return ctx.role is None or can(ctx, Action.SETTINGS_MANAGE)


async def create_feed() -> str:
    """Make the signed-in staff member's feed (revoking the one they had); returns the
    token, shown once."""
    ctx = current()
    if ctx.actor_id is None:
        raise NotFound("no such staff member")
    token = secrets.token_urlsafe(32)
    now = clock.now()
    async with unit_of_work(ctx):
        await scoped.update(
            CalendarFeed, {CalendarFeed.revoked_at: now, CalendarFeed.revoked_by: ctx.actor_label}
        ).where((CalendarFeed.staff_id == ctx.actor_id) & CalendarFeed.revoked_at.is_null())
        row = scoped.new(
            CalendarFeed, id=uuid4(), staff_id=ctx.actor_id, token_hash=token_hash(token), created_at=now
        )
        await scoped.insert(row)
        await audit.record("calendar_feed.create", subject="staff", subject_id=ctx.actor_id, ctx=ctx)
    return token


async def active_feeds() -> list[FeedView]:
    """The active feeds the person may revoke: their own; an owner's, everyone's."""
    ctx = current()
    async with unit_of_work(ctx):
        query = scoped.objects(CalendarFeed).where(CalendarFeed.revoked_at.is_null())
        if not _may_manage_any(ctx):
            query = query.where(CalendarFeed.staff_id == ctx.actor_id)
        rows = list(await query.order_by(CalendarFeed.created_at))
        names = {r["id"]: r["name"] for r in await scoped.rows(StaffMember, "id, name")}
    return [FeedView(r.id, r.staff_id, names.get(r.staff_id, ""), r.created_at) for r in rows]


async def revoke_feed(feed_id: UUID) -> None:
    """Revoke a feed: the staff member's own, or any one for an owner (others: NotFound)."""
    ctx = current()
    async with unit_of_work(ctx):
        row = await scoped.get(CalendarFeed, feed_id)
        if row is None or row.revoked_at is not None:
            raise NotFound("no such calendar feed")
        if row.staff_id != ctx.actor_id and not _may_manage_any(ctx):
            raise NotFound("no such calendar feed")
        await scoped.update(
            CalendarFeed, {CalendarFeed.revoked_at: clock.now(), CalendarFeed.revoked_by: ctx.actor_label}
        ).where(CalendarFeed.id == row.id)
        await audit.record("calendar_feed.revoke", subject="staff", subject_id=row.staff_id, ctx=ctx)


def initials(first_name: str, last_name: str) -> str:
    """``"A. V."`` of Aino Virtanen (the only thing of the client a feed shows)."""
    return " ".join(f"{part.strip()[0].upper()}." for part in (first_name, last_name) if part.strip())


async def _feed_context(tenant_id: UUID, token: str) -> TenantContext:
    """The context of the staff member whose active feed ``token`` opens (NotFound otherwise)."""
    system = TenantContext(tenant_id=tenant_id, actor_label="calendar feed")
    async with unit_of_work(system):
        rows = await scoped.fetch(CalendarFeed, "token_hash = {} and revoked_at is null", token_hash(token))
    if not rows:
        raise NotFound("no such calendar feed")
    staff = await load_session(tenant_id, rows[0].staff_id)
    tenant = await get_tenant(tenant_id)
    return TenantContext(
        tenant_id=tenant_id,
        actor_id=staff.staff_id,
        role=staff.role,
        actor_label=f"calendar feed of staff {staff.email}",
        branch_ids=staff.branch_ids,
        confidentiality_signed=staff.agreement_version == settings_of(tenant).confidentiality_version,
    )


async def feed_calendar(tenant_id: UUID, token: str) -> bytes:
    """The iCalendar text of the feed ``token`` opens (:class:`NotFound` for an unknown or
    revoked token): the staff member's booked appointments in their branch scope."""
    ctx = await _feed_context(tenant_id, token)
    tenant = await get_tenant(tenant_id)
    now = clock.now()
    async with unit_of_work(ctx):
        scope = await current_branch_scope(ctx)
        query = scope.restrict(scoped.objects(Appointment), Appointment.branch_id).where(
            (Appointment.staff_id == ctx.actor_id)
            & (Appointment.status != "cancelled")
            & (Appointment.starts_at >= now - PAST)
            & (Appointment.starts_at < now + AHEAD)
        )
        rows = list(await query.order_by(Appointment.starts_at))
        branches = {r["id"]: r for r in await scoped.rows(Branch, "id, name, time_zone")}
        client_ids = sorted({r.client_id for r in rows})
        names: dict[UUID, str] = {}
        if client_ids:
            found = await scoped.select(
                Client, Client.id, Client.first_name, Client.last_name, Client.erased_at
            ).where(Client.id.is_in(client_ids))
            names = {
                r["id"]: "" if r["erased_at"] else initials(r["first_name"], r["last_name"]) for r in found
            }
        for client_id in client_ids:
            await audit.record(
                audit.AuditAction.VIEW,
                client_id=client_id,
                subject="appointment",
                fields=["first_name", "last_name", "appointments"],
                reason="calendar feed",
                ctx=ctx,
            )
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Salonkeep//calendar feed//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", tenant.name)
    for row in rows:
        branch = branches.get(row.branch_id)
        zone = ZoneInfo(str((branch["time_zone"] if branch else None) or tenant.time_zone))
        event = icalendar.Event()
        event.add("uid", f"{row.id}@salonkeep")
        event.add("dtstamp", now)
        event.add("dtstart", row.starts_at.astimezone(zone))
        event.add("dtend", (row.ends_at or row.starts_at).astimezone(zone))
        summary = " · ".join(part for part in (row.service, names.get(row.client_id, "")) if part)
        event.add("summary", summary)
        if branch:
            event.add("location", str(branch["name"]))
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
