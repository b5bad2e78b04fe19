"""Helpers for the privacy-core tests: raw SQL as the table owner (to play the attacker)."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import asyncpg


async def owner_sql(backend, tenant_id, sql: str, *args: Any) -> list[dict[str, Any]]:
    """Run ``sql`` ($1-style parameters) as the table owner, scoped to ``tenant_id``."""
    if backend.name == "postgres":
        conn = await asyncpg.connect(backend.owner_url)
        try:
            async with conn.transaction():
                await conn.execute("select set_config('salonkeep.tenant_id', $1, true)", str(tenant_id))
                rows = await conn.fetch(sql, *args)
            return [dict(r) for r in rows]
        finally:
            await conn.close()
    converted = re.sub(r"\$\d+", "?", sql)
    values = [str(a) if not isinstance(a, int | float | str | bytes | type(None)) else a for a in args]
    with sqlite3.connect(backend.settings.sqlite_path) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(converted, values).fetchall()
        conn.commit()
    return [dict(r) for r in rows]


POLICY_TEXT = None


def policy_text(marker: str = ""):
    """A complete answer to the five questions."""
    from salonkeep.core.consent.policy import PolicyText

    return PolicyText(
        collected=f"Name, contact details, allergies{marker}",
        purposes="To serve you safely",
        recipients="Nobody without your consent",
        choices="Opt in or out at any time",
        complaints="Answered within 24 hours",
    )


async def seed_privacy(client_id) -> None:
    """A row in every privacy-core table for the current tenant (RLS tests)."""
    from salonkeep.core import consent
    from salonkeep.core.consent.policy import publish_policy

    await publish_policy({"en": policy_text()})
    from salonkeep.core.privacy import rights, sharing

    await consent.grant(
        client_id,
        consent.Purpose.MARKETING_EMAIL,
        channel=consent.Channel.PAPER_SCANNED,
        wording_shown=consent.wording(consent.Purpose.MARKETING_EMAIL),
    )
    await consent.grant(
        client_id,
        consent.Purpose.THIRD_PARTY_SHARING,
        channel=consent.Channel.IN_STORE_TABLET,
        wording_shown=consent.wording(consent.Purpose.THIRD_PARTY_SHARING),
    )
    await rights.open_request(client_id, "access", channel="e-mail")
    partner = await sharing.add_partner(f"Lab {client_id.hex[:6]}", "C-2026-001", ["allergy tests"])
    await sharing.share(client_id, partner.id, fields=["first_name", "allergies"], purpose="allergy tests")


async def seed_privacy_hardening(world, client_id) -> None:
    """A break-glass grant, its alert (and the officer's notice), a breach, a privacy training
    and a signed agreement (the owner's, at hiring) for the current tenant (RLS tests)."""
    import dataclasses
    import uuid

    from salonkeep.core.privacy import breach, break_glass
    from salonkeep.tenants import clock
    from salonkeep.tenants.context import tenant_scope

    reception = dataclasses.replace(
        world.ctx, role="reception", branch_ids=frozenset({world.branch_id}), actor_id=uuid.uuid4()
    )
    with tenant_scope(reception):
        await break_glass.open_break_glass(client_id, "client_present", "seed")
    await breach.open_breach("Seed breach", clock.now())
    from datetime import timedelta

    from salonkeep.core.privacy import obligations

    owner = f"owner@{world.slug}.example"
    await obligations.record_training(owner, "Seed course", clock.now(), clock.now() + timedelta(days=365))
