"""Helpers for the delivery tests: queue messages, read them back, a delivery config."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import datetime
from typing import Any

from salonkeep.core.aftercare.tables import Touchpoint
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.delivery.config import DeliveryConfig
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work


def config(**changes: Any) -> DeliveryConfig:
    """A delivery config with no SMTP or SMS provider (the file channels) and quick retries."""
    base = DeliveryConfig(batch_size=50, lease_seconds=60, max_attempts=3, retry_seconds=60)
    return replace(base, **changes)


async def add_client(world, **values: Any):
    values.setdefault("first_name", "Maija")
    values.setdefault("email", f"{uuid.uuid4().hex[:8]}@client.example")
    with tenant_scope(world.ctx):
        return await create_client(ClientInput(branch_id=world.branch_id, **values))


async def queue(
    world, client_id, *, due_at: datetime | None = None, count: int = 1, **values: Any
) -> list[uuid.UUID]:
    """Queue ``count`` messages for the client as the plugin host would (status queued)."""
    due = due_at or clock.now()
    template_vars = values.pop("template_vars", {})
    rows = []
    with tenant_scope(world.ctx):
        async with unit_of_work(world.ctx):
            for _ in range(count):
                key = uuid.uuid4().hex
                rows.append(
                    scoped.new(
                        Touchpoint,
                        client_id=client_id,
                        branch_id=world.branch_id,
                        programme=values.get("programme", "first_visit"),
                        kind="message",
                        due_at=due,
                        next_attempt_at=due,
                        title=values.get("title", f"Hello {key[:6]}"),
                        script=values.get("script", "Thank you for your visit."),
                        purpose=values.get("purpose", "service"),
                        status="queued",
                        channel=values.get("channel"),
                        template=values.get("template"),
                        template_vars=json.dumps(template_vars),
                        dedupe_key=f"test:{key}",
                        created_at=clock.now(),
                    )
                )
            if rows:
                await scoped.insert(*rows)
    return [row.id for row in rows]


async def messages(world, ids=None) -> dict[uuid.UUID, Touchpoint]:
    """The tenant's message rows (of ``ids``), by id."""
    with tenant_scope(world.ctx):
        async with unit_of_work(world.ctx):
            found = await scoped.fetch(Touchpoint, "kind = 'message'")
    return {row.id: row for row in found if ids is None or row.id in ids}
