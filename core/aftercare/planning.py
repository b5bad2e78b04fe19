"""Planning ahead: once a year per client, the programmes get a ``PlanningDue`` event so that
yearly touchpoints (birthday and holiday greetings) continue for clients who do not come in.

The workers call :func:`plan_ahead` daily. A client is due when the anniversary of their
birthday (or, without one, of their registration) is 30 to 32 days away in the tenant's time
zone: a three-day window, so a worker that was down for a day or two misses nobody, and the
planned touchpoints' keys make the repeats harmless.
"""

from __future__ import annotations

import calendar
from datetime import date
from zoneinfo import ZoneInfo

from salonkeep.core import events
from salonkeep.core.clients.tables import Client
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import get_tenant

LEAD_DAYS = range(30, 33)


def _anniversary(anchor: date, today: date) -> date:
    """The next anniversary of ``anchor`` on or after ``today`` (29 February → 28 February)."""
    for year in (today.year, today.year + 1):
        last = calendar.monthrange(year, anchor.month)[1]
        candidate = date(year, anchor.month, min(anchor.day, last))
        if candidate >= today:
            return candidate
    raise AssertionError("unreachable: next year's anniversary is always ahead")


async def plan_ahead() -> int:
    """Publish ``PlanningDue`` for the current tenant's clients whose anniversary is 30-32 days
    away; returns how many clients were due."""
    ctx = current()
    tenant = await get_tenant(ctx.tenant_id)
    now = clock.now()
    today = now.astimezone(ZoneInfo(tenant.time_zone)).date()
    async with unit_of_work(ctx):
        rows = await scoped.select(
            Client, Client.id, Client.branch_id, Client.date_of_birth, Client.created_at
        )
    due = []
    for row in rows:
        anchor = row["date_of_birth"] or row["created_at"].astimezone(ZoneInfo(tenant.time_zone)).date()
        if (_anniversary(anchor, today) - today).days in LEAD_DAYS:
            due.append(row)
    for row in due:
        async with unit_of_work(ctx):
            await events.publish(
                events.PlanningDue(
                    tenant_id=ctx.tenant_id, client_id=row["id"], branch_id=row["branch_id"], occurred_at=now
                )
            )
    return len(due)
