"""Referrals: a member refers a guest; the referrals programme thanks the referrer."""

from __future__ import annotations

from uuid import UUID

from salonkeep.core import events
from salonkeep.core.access import Action, require
from salonkeep.core.aftercare.tables import Referral
from salonkeep.core.clients.service import ClientView, get_client, search_clients
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import Conflict, NotFound, ValidationFailed


async def record_referral(guest_id: UUID, referrer_id: UUID) -> None:
    """Record that the member ``referrer_id`` referred the guest ``guest_id`` (publishes
    ReferralRecorded in the same unit of work)."""
    ctx = current()
    require(ctx, Action.CLIENT_EDIT)
    if guest_id == referrer_id:
        raise ValidationFailed({"referrer_id": "a client cannot refer themselves"})
    guest = await get_client(guest_id)
    referrer = await get_client(referrer_id)
    if referrer.kind is not None and referrer.kind != "member":
        raise ValidationFailed({"referrer_id": "only members can refer guests"})
    async with unit_of_work(ctx):
        if await scoped.exists(Referral, Referral.guest_id == guest.id):
            raise Conflict("guest_id", "this guest's referral is already recorded")
        now = clock.now()
        await scoped.insert(scoped.new(Referral, guest_id=guest.id, referrer_id=referrer.id, recorded_at=now))
        await events.publish(
            events.ReferralRecorded(
                tenant_id=ctx.tenant_id,
                client_id=guest.id,
                branch_id=guest.branch_id,
                occurred_at=now,
                referrer_id=referrer.id,
            )
        )


async def referrer_of(guest_id: UUID) -> UUID | None:
    """The member who referred ``guest_id`` (inside a unit of work), or ``None``."""
    rows = await scoped.rows(Referral, "referrer_id", "guest_id = {}", guest_id)
    return UUID(str(rows[0]["referrer_id"])) if rows else None


async def referrer_view(guest_id: UUID) -> ClientView | None:
    """The member who referred ``guest_id`` as the acting person may see them (``None``
    when no referral is recorded or the referrer is outside the person's branch scope): by
    name, as the client page shows them (and so audited)."""
    ctx = current()
    guest = await get_client(guest_id, fields=())
    async with unit_of_work(ctx):
        referrer_id = await referrer_of(guest.id)
    if referrer_id is None:
        return None
    try:
        return await get_client(referrer_id, fields=())
    except NotFound:
        return None


async def find_referrer(text: str) -> UUID:
    """The member a person typed: a client number (id), or a phone number or name matching
    exactly one client in the person's scope. ValidationFailed names ``referrer``."""
    text = text.strip()
    if not text:
        raise ValidationFailed({"referrer": "is required (the member's phone number or client number)"})
    try:
        return UUID(text)
    except ValueError:
        pass
    found = await search_clients(text[:100], 2)
    if len(found) != 1:
        raise ValidationFailed(
            {"referrer": "no single client matches; give the phone number or client number"}
        )
    return found[0].id
