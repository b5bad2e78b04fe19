"""``salonkeep programme preview``: what a programme would plan for an event, without writing.

The event happens for real — through the same core services as the web (a sale, a service,
an appointment) or published as a core service would (registration, the yearly planning) —
inside one transaction that is then rolled back: so the preview shows exactly what the host
would write (its rules on consent and keys applied) and leaves nothing behind. A programme
the tenant has switched off is switched on inside that transaction only (the preview says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from salonkeep.core import events
from salonkeep.core.aftercare import calls, programmes
from salonkeep.core.aftercare.calls import TouchpointView
from salonkeep.core.clients.service import ClientInput, create_client, get_client
from salonkeep.core.visits import service as visits
from salonkeep.tenants import clock
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.tenants.onboarding import list_branches

#: The events a preview can make happen, by the name given on the command line.
EVENT_KINDS = ("service", "sale", "appointment", "registered", "planning_due")


@dataclass(frozen=True)
class Preview:
    """What a programme would plan, and whether the tenant runs it."""

    programme: str
    enabled: bool
    planned: list[TouchpointView]


class _RollBack(Exception):
    """Raised to roll the preview's transaction back, carrying its result."""

    def __init__(self, result: Preview) -> None:
        super().__init__("preview rolled back")
        self.result = result


async def _happen(
    kind: str, client_id: UUID, branch_id: UUID, item: str, category: str, at: datetime
) -> None:
    ctx = current()
    if kind == "service":
        await visits.record_service(client_id, service=item, category=category, performed_at=at)
    elif kind == "sale":
        await visits.record_sale(client_id, product=item, category=category, sold_at=at)
    elif kind == "appointment":
        await visits.book_appointment(client_id, service=item, starts_at=at)
    else:
        event_class = events.ClientRegistered if kind == "registered" else events.PlanningDue
        await events.publish(
            event_class(tenant_id=ctx.tenant_id, client_id=client_id, branch_id=branch_id, occurred_at=at)
        )


async def preview(
    programme: str,
    kind: str,
    *,
    client_id: UUID | None = None,
    at: datetime | None = None,
    item: str = "Sample",
    category: str = "facial",
) -> Preview:
    """What ``programme`` would plan if event ``kind`` happened now (or ``at``: the clock is set
    there for the preview) for the client (a sample new client without ``client_id``)."""
    if kind not in EVENT_KINDS:
        raise ValidationFailed({"event": f"choose one of {', '.join(EVENT_KINDS)}"})
    if at is not None and at.tzinfo is None:
        raise ValidationFailed({"at": "needs a time zone offset, e.g. 2026-03-25T10:00+02:00"})
    ctx = current()
    states = {s.programme.name: s for s in await programmes.list_programmes()}
    if programme not in states:
        raise NotFound(f"no programme called {programme!r}")
    previous = clock.get_clock()
    if at is not None:
        clock.set_clock(clock.FrozenClock(at))
    try:
        async with unit_of_work(ctx):
            if not states[programme].enabled:
                await programmes.set_enabled(programme, True)
            if client_id is None:
                branches = await list_branches()
                if not branches:
                    raise ValidationFailed({"client": "the tenant has no branch yet"})
                sample = await create_client(
                    ClientInput(branch_id=branches[0].id, first_name="Sample", last_name="Client")
                )
                client_id = sample.id
            client = await get_client(client_id)
            before = {t.id for t in await calls.client_touchpoints(client.id)}
            await _happen(kind, client.id, client.branch_id, item, category, clock.now())
            planned = [
                t
                for t in await calls.client_touchpoints(client.id)
                if t.id not in before and t.programme == programme
            ]
            raise _RollBack(Preview(programme, states[programme].enabled, planned))
    except _RollBack as done:
        return done.result
    finally:
        clock.set_clock(previous)


__all__ = ["EVENT_KINDS", "Preview", "preview"]
