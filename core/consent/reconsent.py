"""Re-consent: which clients have grants "to confirm" (the purpose's wording, or the privacy
policy's section it rests on, changed since they agreed), and the request that asks them to
confirm.

The request is a consent-free service message (it asks about consent; it sells nothing) queued
in the delivery outbox with the client's self-service link. Its dedupe key names the grants it
asks about, so queuing again (a second click, the daily job running twice) changes nothing,
while a later change of wording or policy asks again. The privacy officer sends it from their
screen; the daily worker job sends it for every such client when the tenant turned
``reconsent_auto_request`` on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from uuid import UUID, uuid4

from salonkeep.core import audit
from salonkeep.core.access import Action, require
from salonkeep.core.aftercare.tables import Touchpoint
from salonkeep.core.clients.tables import Client
from salonkeep.core.consent import links
from salonkeep.core.consent.policy import stale_policy_versions
from salonkeep.core.consent.service import needs_confirmation
from salonkeep.core.consent.tables import ConsentEvent
from salonkeep.core.plugins.api import SERVICE
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.settings import load_settings

#: The outbox programme and template of the request.
PROGRAMME = "reconsent"
TEMPLATE = "reconsent/request"
#: The audit action of queuing a request.
REQUEST_ACTION = "consent.reconsent_request"


@dataclass(frozen=True)
class ToConfirm:
    """A client with grants to confirm."""

    client_id: UUID
    name: str
    purposes: tuple[str, ...]
    #: The ids of the grants to confirm (the request's dedupe key is made from them).
    event_ids: tuple[UUID, ...]
    #: A request for exactly these grants is already queued or sent.
    requested: bool


async def _to_confirm() -> list[ToConfirm]:
    stale = await stale_policy_versions()
    latest: dict[tuple[UUID, str, str], ConsentEvent] = {}
    for event in await scoped.fetch(ConsentEvent, order_by="occurred_at"):
        latest[(event.client_id, event.purpose, event.scope)] = event
    found: dict[UUID, list[ConsentEvent]] = {}
    for (client_id, purpose, _), event in latest.items():
        if needs_confirmation(purpose, event.granted, event.wording, event.policy_version_id, stale):
            found.setdefault(client_id, []).append(event)
    if not found:
        return []
    ids = sorted(found, key=str)
    marks = ", ".join(["{}"] * len(ids))
    clients = {
        r["id"]: r
        for r in await scoped.rows(
            Client,
            "id, first_name, last_name, restricted, erased_at",
            f"id in ({marks}) and not restricted and erased_at is null",
            *ids,
        )
    }
    done = {
        r["dedupe_key"]
        for r in await scoped.rows(
            Touchpoint, "dedupe_key", f"programme = '{PROGRAMME}' and status <> 'cancelled'"
        )
    }
    result = []
    for client_id, row in clients.items():
        events = sorted(found[client_id], key=lambda e: str(e.id))
        event_ids = tuple(e.id for e in events)
        result.append(
            ToConfirm(
                client_id=client_id,
                name=f"{row['first_name']} {row['last_name']}".strip(),
                purposes=tuple(sorted({e.purpose for e in events})),
                event_ids=event_ids,
                requested=_dedupe(client_id, event_ids) in done,
            )
        )
    return sorted(result, key=lambda t: (t.name.lower(), str(t.client_id)))


async def clients_to_confirm() -> list[ToConfirm]:
    """Every client (not restricted, not erased) with a grant to confirm (privacy officer,
    owner, system)."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    async with unit_of_work(ctx):
        return await _to_confirm()


async def request_reconsent(client_ids: list[UUID] | None = None) -> int:
    """Queue a re-consent request for the given clients (all clients with grants to confirm
    when ``None``); returns how many were newly queued. Idempotent per set of grants."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    tenant = await get_tenant(ctx.tenant_id)
    base = load_settings().base_url.rstrip("/")
    queued = 0
    async with unit_of_work(ctx):
        wanted = [t for t in await _to_confirm() if client_ids is None or t.client_id in client_ids]
        if not wanted:
            return 0
        marks = ", ".join(["{}"] * len(wanted))
        branches = {
            r["id"]: r["branch_id"]
            for r in await scoped.rows(
                Client, "id, branch_id", f"id in ({marks})", *[t.client_id for t in wanted]
            )
        }
        now = clock.now()
        for item in wanted:
            key = _dedupe(item.client_id, item.event_ids)
            if await scoped.exists(Touchpoint, Touchpoint.dedupe_key == key):
                continue
            link = base + links.link_path(tenant.slug, tenant.id, item.client_id)
            await scoped.insert(
                scoped.new(
                    Touchpoint,
                    id=uuid4(),
                    client_id=item.client_id,
                    branch_id=branches[item.client_id],
                    programme=PROGRAMME,
                    kind="message",
                    due_at=now,
                    title="Please confirm your consent",
                    purpose=SERVICE,
                    status="queued",
                    next_attempt_at=now,
                    dedupe_key=key,
                    template=TEMPLATE,
                    template_vars=json.dumps({"link": link, "purposes": list(item.purposes)}),
                    created_at=now,
                ),
                skip_duplicates=True,
            )
            await audit.record(
                REQUEST_ACTION,
                client_id=item.client_id,
                subject="consent",
                fields=item.purposes,
                reason="re-consent request queued",
                ctx=ctx,
            )
            queued += 1
    return queued


def _dedupe(client_id: UUID, event_ids: tuple[UUID, ...]) -> str:
    """The request's dedupe key: the client and the grants it asks about."""
    digest = hashlib.sha256(",".join(sorted(str(i) for i in event_ids)).encode()).hexdigest()[:24]
    return f"{PROGRAMME}:{client_id}:{digest}"
