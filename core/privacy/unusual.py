"""Unusual access, found in the audit trail and put on the privacy officer's board.

:func:`scan` looks at the day before ``now`` (the worker runs it every hour; the CLI runs it on
demand: ``salonkeep privacy alerts-scan``) and raises, with the audit rows as evidence:

* ``view_volume``: a staff member viewed far more distinct clients than their own baseline
  (their average per active day over the previous 28 days): more than ``alert_view_factor``
  (default 3) times it and at least ``alert_view_minimum`` (default 30) clients;
* ``off_hours_bulk``: exports or searches (bulk views) outside the tenant's working hours
  (``working_hours``, default ``07:00-21:00`` in the tenant's time zone);
* ``repeated_break_glass``: ``alert_break_glass_count`` (default 3) break-glass openings by
  one person within 7 days;
* ``failed_sign_ins``: ``alert_failed_sign_ins`` (default 5) failed sign-ins for one account
  within the day;
* ``breach_deadline``: a breach whose 72-hour notification deadline is less than 24 hours away
  (or passed) without the authority notified.

An alert is raised once per rule, person (or breach) and day: running the scan again is quiet.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from salonkeep.core.access import Action, require
from salonkeep.core.audit.service import AuditAction
from salonkeep.core.audit.tables import AuditEvent
from salonkeep.core.formatting import format_datetime, local_date
from salonkeep.core.privacy import alerts
from salonkeep.core.privacy.alerts import AlertKind
from salonkeep.core.privacy.break_glass import BREAK_GLASS_ACTION
from salonkeep.core.privacy.tables import Breach
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.tenant_settings import TenantSettings, settings_of

WINDOW = timedelta(days=1)
BASELINE_DAYS = 28
BREAK_GLASS_WINDOW = timedelta(days=7)
BULK_ACTIONS = (str(AuditAction.EXPORT), str(AuditAction.SEARCH))
DEADLINE_WARNING = timedelta(hours=24)


@dataclass(frozen=True)
class Thresholds:
    """The tenant's alert thresholds (from its typed settings)."""

    view_factor: float = 3.0
    view_minimum: int = 30
    working_from: time = time(7, 0)
    working_to: time = time(21, 0)
    break_glass_count: int = 3
    failed_sign_ins: int = 5


def thresholds_of(settings: TenantSettings) -> Thresholds:
    """The thresholds of a tenant's typed settings (bad stored values read as the defaults)."""
    return Thresholds(
        view_factor=settings.alert_view_factor,
        view_minimum=settings.alert_view_minimum,
        working_from=settings.working_from,
        working_to=settings.working_to,
        break_glass_count=settings.alert_break_glass_count,
        failed_sign_ins=settings.alert_failed_sign_ins,
    )


async def _events(actions: tuple[str, ...], since: datetime, until: datetime) -> list[AuditEvent]:
    return list(
        await scoped.objects(AuditEvent)
        .where(
            AuditEvent.action.is_in(list(actions)),
            AuditEvent.occurred_at >= since,
            AuditEvent.occurred_at < until,
        )
        .order_by(AuditEvent.occurred_at)
    )


def _by_actor(events: list[AuditEvent]) -> dict[UUID, list[AuditEvent]]:
    grouped: dict[UUID, list[AuditEvent]] = defaultdict(list)
    for event in events:
        if event.actor_id is not None and event.role is not None:
            grouped[event.actor_id].append(event)
    return grouped


async def _view_volume(now: datetime, zone: ZoneInfo, rules: Thresholds, day: str) -> list[alerts.Alert]:
    start = now - WINDOW
    today = _by_actor(await _events((str(AuditAction.VIEW),), start, now))
    if not today:
        return []
    past = _by_actor(await _events((str(AuditAction.VIEW),), start - timedelta(days=BASELINE_DAYS), start))
    raised = []
    for actor, events in today.items():
        clients = {e.client_id for e in events if e.client_id is not None}
        per_day: dict[object, set[UUID]] = defaultdict(set)
        for event in past.get(actor, []):
            if event.client_id is not None:
                per_day[event.occurred_at.astimezone(zone).date()].add(event.client_id)
        baseline = sum(len(s) for s in per_day.values()) / len(per_day) if per_day else 0.0
        threshold = max(rules.view_minimum, rules.view_factor * baseline)
        if len(clients) < threshold:
            continue
        alert = await alerts.raise_alert(
            AlertKind.VIEW_VOLUME,
            dedupe_key=f"view_volume:{actor}:{day}",
            staff_id=actor,
            staff_label=events[-1].actor_label,
            summary=f"{len(clients)} clients viewed in 24 hours; own baseline {baseline:.1f} a day",
            evidence=[e.id for e in events],
        )
        raised += [alert] if alert else []
    return raised


def _off_hours(moment: datetime, zone: ZoneInfo, rules: Thresholds) -> bool:
    local = moment.astimezone(zone).time()
    if rules.working_from <= rules.working_to:
        return not rules.working_from <= local < rules.working_to
    return rules.working_to <= local < rules.working_from  # working hours across midnight


async def _off_hours_bulk(now: datetime, zone: ZoneInfo, rules: Thresholds, day: str) -> list[alerts.Alert]:
    events = [
        e for e in await _events(BULK_ACTIONS, now - WINDOW, now) if _off_hours(e.occurred_at, zone, rules)
    ]
    raised = []
    for actor, mine in _by_actor(events).items():
        kinds = ", ".join(
            sorted({f"{e.action} x{sum(1 for x in mine if x.action == e.action)}" for e in mine})
        )
        alert = await alerts.raise_alert(
            AlertKind.OFF_HOURS_BULK,
            dedupe_key=f"off_hours_bulk:{actor}:{day}",
            staff_id=actor,
            staff_label=mine[-1].actor_label,
            summary=f"outside working hours: {kinds}",
            evidence=[e.id for e in mine],
        )
        raised += [alert] if alert else []
    return raised


async def _repeated_break_glass(now: datetime, rules: Thresholds, day: str) -> list[alerts.Alert]:
    events = await _events((BREAK_GLASS_ACTION,), now - BREAK_GLASS_WINDOW, now)
    raised = []
    for actor, mine in _by_actor(events).items():
        if len(mine) < rules.break_glass_count:
            continue
        alert = await alerts.raise_alert(
            AlertKind.REPEATED_BREAK_GLASS,
            dedupe_key=f"repeated_break_glass:{actor}:{day}",
            staff_id=actor,
            staff_label=mine[-1].actor_label,
            summary=f"{len(mine)} break-glass openings in 7 days",
            evidence=[e.id for e in mine],
        )
        raised += [alert] if alert else []
    return raised


async def _failed_sign_ins(now: datetime, rules: Thresholds, day: str) -> list[alerts.Alert]:
    events = await _events((str(AuditAction.SIGN_IN_FAILED),), now - WINDOW, now)
    accounts: dict[UUID, list[AuditEvent]] = defaultdict(list)
    for event in events:
        account = event.subject_id or event.actor_id
        if account is not None:
            accounts[account].append(event)
    raised = []
    for account, mine in accounts.items():
        if len(mine) < rules.failed_sign_ins:
            continue
        addresses = sorted({e.ip for e in mine if e.ip})
        alert = await alerts.raise_alert(
            AlertKind.FAILED_SIGN_INS,
            dedupe_key=f"failed_sign_ins:{account}:{day}",
            staff_id=account,
            staff_label=mine[-1].actor_label,
            summary=f"{len(mine)} failed sign-ins in 24 hours from "
            + (", ".join(addresses) or "unknown addresses"),
            evidence=[e.id for e in mine],
        )
        raised += [alert] if alert else []
    return raised


async def _breach_deadlines(now: datetime, zone: ZoneInfo) -> list[alerts.Alert]:
    raised = []
    for breach in await scoped.objects(Breach).where(Breach.authority_notified_at.is_null()):
        deadline = breach.found_at + timedelta(hours=72)
        if now < deadline - DEADLINE_WARNING:
            continue
        stage = "overdue" if now >= deadline else "24h"
        alert = await alerts.raise_alert(
            AlertKind.BREACH_DEADLINE,
            dedupe_key=f"breach_deadline:{breach.id}:{stage}",
            summary=f"breach {breach.id}: notify the supervisory authority by "
            + format_datetime(deadline, zone.key, show_zone=True)
            + (" (deadline passed)" if stage == "overdue" else ""),
            evidence=[],
        )
        raised += [alert] if alert else []
    return raised


async def scan(now: datetime | None = None) -> list[alerts.Alert]:
    """Run every rule for the current tenant over the day before ``now``; the alerts raised
    (none for what was already raised that day)."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    now = now or clock.now()
    tenant = await get_tenant(ctx.tenant_id)
    zone = ZoneInfo(tenant.time_zone)
    rules = thresholds_of(settings_of(tenant))
    day = str(local_date(now, zone.key))
    async with unit_of_work(ctx):
        return [
            *await _view_volume(now, zone, rules, day),
            *await _off_hours_bulk(now, zone, rules, day),
            *await _repeated_break_glass(now, rules, day),
            *await _failed_sign_ins(now, rules, day),
            *await _breach_deadlines(now, zone),
        ]
