"""Record and read consent. Every function runs for the current tenant."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from salonkeep.core import events
from salonkeep.core.clients.tables import Client
from salonkeep.core.consent.tables import ConsentEvent
from salonkeep.tenants import clock
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import NotFound, ValidationFailed

#: The purposes a client can consent to.
PURPOSES = (
    "health_processing",
    "marketing_email",
    "marketing_sms",
    "greetings",
    "third_party_sharing",
    "photos",
)


async def allows(client_id: UUID, purpose: str) -> bool:
    """True when the client's latest decision for ``purpose`` is a grant (opt-in only)."""
    ctx = current()
    async with unit_of_work(ctx):
        latest = (
            await ConsentEvent.select(ConsentEvent.granted)
            .where(
                (ConsentEvent.tenant_id == ctx.tenant_id)
                & (ConsentEvent.client_id == client_id)
                & (ConsentEvent.purpose == purpose)
            )
            .order_by(ConsentEvent.recorded_at, ascending=False)
            .first()
        )
    return bool(latest and latest["granted"])


async def record(client_id: UUID, purpose: str, granted: bool) -> None:
    """Record a grant or withdrawal and publish ConsentGranted / ConsentWithdrawn in the same
    unit of work (a withdrawal cancels queued messages of that purpose at once)."""
    ctx = current()
    if purpose not in PURPOSES:
        raise ValidationFailed({"purpose": f"choose one of {', '.join(PURPOSES)}"})
    async with unit_of_work(ctx):
        client = (
            await Client.select(Client.id, Client.branch_id)
            .where((Client.tenant_id == ctx.tenant_id) & (Client.id == client_id))
            .first()
        )
        if client is None:
            raise NotFound("no such client")
        now = clock.now()
        latest = (
            await ConsentEvent.select(ConsentEvent.recorded_at)
            .where(
                (ConsentEvent.tenant_id == ctx.tenant_id)
                & (ConsentEvent.client_id == client_id)
                & (ConsentEvent.purpose == purpose)
            )
            .order_by(ConsentEvent.recorded_at, ascending=False)
            .first()
        )
        if latest and latest["recorded_at"] >= now:
            # Decisions are ordered by time: the newest must sort last even within one clock tick.
            now = latest["recorded_at"] + timedelta(microseconds=1)
        await ConsentEvent(
            tenant_id=ctx.tenant_id, client_id=client_id, purpose=purpose, granted=granted, recorded_at=now
        ).save()
        kind = events.ConsentGranted if granted else events.ConsentWithdrawn
        await events.publish(
            kind(
                tenant_id=ctx.tenant_id,
                client_id=client_id,
                branch_id=client["branch_id"],
                occurred_at=now,
                purpose=purpose,
            )
        )
