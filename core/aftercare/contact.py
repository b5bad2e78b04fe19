"""The channel a client prefers for each kind of message (its purpose: ``service``,
``greetings``, ``marketing_sms``…), as staff recorded it.

A programme plans "a service message" (``PlannedMessage`` without a ``channel``); when the
delivery workers send it they pick the client's preferred channel for its purpose: e-mail,
SMS, a printed letter, or a call — then the message becomes a call on the branch's call
list, with the message as its script. Without a preference the usual rule applies (e-mail
when the client has an address, else SMS). Stored in the client's ``call_preference`` row.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from uuid import UUID

from salonkeep.core import audit
from salonkeep.core.access import Action, require
from salonkeep.core.aftercare.tables import CallPreference
from salonkeep.core.clients.service import get_client
from salonkeep.core.plugins.api import MESSAGE_PURPOSES
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.messages import codes, field_message

#: The channels a preference may name; ``call`` turns the message into a call.
CONTACT_CHANNELS = ("email", "sms", "letter", "call")
CALL = "call"


def parse_channels(text: str | None) -> dict[str, str]:
    """The stored preferences (a JSON object) as purpose → channel; ``{}`` for none."""
    try:
        found = json.loads(text or "{}")
    except ValueError:
        return {}
    if not isinstance(found, dict):
        return {}
    return {str(k): str(v) for k, v in found.items() if v in CONTACT_CHANNELS}


async def set_preferred_channel(client_id: UUID, purpose: str, channel: str) -> dict[str, str]:
    """Record that the client prefers ``channel`` for messages of ``purpose`` (``""``: no
    preference any more); returns every preference of the client. Audited."""
    ctx = current()
    require(ctx, Action.CLIENT_EDIT)
    errors: dict[str, str] = {}
    if purpose not in MESSAGE_PURPOSES:
        errors["purpose"] = field_message(
            "choose one of {choices}", choices=codes(MESSAGE_PURPOSES, "consent_purpose")
        )
    if channel and channel not in CONTACT_CHANNELS:
        errors["channel"] = field_message(
            "choose one of {choices}", choices=codes(CONTACT_CHANNELS, "contact_channel")
        )
    if errors:
        raise ValidationFailed(errors)
    client = await get_client(client_id)
    async with unit_of_work(ctx):
        row = await scoped.objects(CallPreference).where(CallPreference.client_id == client.id).first()
        if row is None:
            row = scoped.new(CallPreference, client_id=client.id)
        chosen = parse_channels(row.channels)
        if channel:
            chosen[purpose] = channel
        else:
            chosen.pop(purpose, None)
        row.channels = json.dumps(chosen, sort_keys=True)
        row.updated_at = clock.now()
        await row.save()
        await audit.record(
            audit.AuditAction.UPDATE,
            client_id=client.id,
            subject="contact_preference",
            fields=[f"channel.{purpose}"],
            ctx=ctx,
        )
    return chosen


async def preferred_channels(client_id: UUID) -> Mapping[str, str]:
    """The client's preferred channel by purpose (empty when nobody recorded one)."""
    ctx = current()
    client = await get_client(client_id)
    async with unit_of_work(ctx):
        rows = await scoped.rows(CallPreference, "channels", "client_id = {}", client.id)
    return parse_channels(rows[0]["channels"]) if rows else {}
