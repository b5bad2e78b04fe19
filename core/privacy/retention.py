"""Retention: clients inactive for longer than the tenant's policy are erased — after a
dry-run report, and only when asked to apply (``salonkeep privacy retention --apply``) or when
the tenant opted into automatic application (``retention_auto_apply``).

Tenant settings (:class:`salonkeep.tenants.tenant_settings.TenantSettings`):
``retention_inactive_years`` (default 6; 0 turns retention off) and ``retention_auto_apply``
(default false).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from salonkeep.core.access import Action, Forbidden, require
from salonkeep.core.clients.tables import Client
from salonkeep.core.formatting import local_date
from salonkeep.core.privacy.rights import erase_client
from salonkeep.core.tenant_config import change_settings
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import current
from salonkeep.tenants.db import replica_unit_of_work, unit_of_work
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.tenant_settings import load_tenant_settings

#: Tables whose rows show a client was active, and the column that dates them.
ACTIVITY_COLUMNS = {
    "visit": "performed_at",
    "sale": "sold_at",
    "appointment": "starts_at",
    "consent_event": "occurred_at",
}


async def retention_policy() -> tuple[int, bool]:
    """The current tenant's (years, auto_apply)."""
    settings = await load_tenant_settings(current().tenant_id)
    return settings.retention_inactive_years, settings.retention_auto_apply


async def set_retention_policy(years: int, auto_apply: bool = False) -> None:
    """Set the current tenant's retention policy (owner only)."""
    ctx = current()
    if ctx.role not in (None, "owner"):
        raise Forbidden("only the owner may change the retention policy")
    try:
        await change_settings({"retention_inactive_years": years, "retention_auto_apply": auto_apply}, ctx)
    except ValidationFailed as exc:
        if "retention_inactive_years" in exc.errors:
            raise ValidationFailed({"years": "must be between 0 (off) and 100"}) from None
        raise


@dataclass(frozen=True)
class Candidate:
    """A client due for erasure under the retention policy."""

    client_id: UUID
    branch_id: UUID
    last_activity: datetime


@dataclass(frozen=True)
class RetentionReport:
    """What a retention run found (and, when applied, erased)."""

    years: int
    cutoff: datetime | None
    candidates: list[Candidate] = field(default_factory=list)
    erased: int = 0
    applied: bool = False


def _dt(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


async def find_candidates(cutoff: datetime, *, from_replica: bool = False) -> list[Candidate]:
    """Clients (not yet erased) with no activity since ``cutoff``. ``from_replica``: read them
    from the read replica, if there is one (the dry-run report; never when erasing, where a
    visit the replica has not received yet must count)."""
    ctx = current()
    async with replica_unit_of_work(ctx) if from_replica else unit_of_work(ctx):
        clients = await scoped.select(
            Client, Client.id, Client.branch_id, Client.created_at, Client.updated_at
        ).where(Client.erased_at.is_null())
        last: dict[UUID, datetime] = {
            row["id"]: max(_dt(row["created_at"]), _dt(row["updated_at"])) for row in clients
        }
        for table, column in ACTIVITY_COLUMNS.items():
            rows = await scoped.rows(table, f"client_id, max({column}) as last", group_by="client_id")
            for row in rows:
                client_id = (
                    row["client_id"] if isinstance(row["client_id"], UUID) else UUID(str(row["client_id"]))
                )
                if client_id in last and row["last"] is not None:
                    last[client_id] = max(last[client_id], _dt(row["last"]))
    branches = {row["id"]: row["branch_id"] for row in clients}
    found = [Candidate(cid, branches[cid], when) for cid, when in last.items() if when < cutoff]
    return sorted(found, key=lambda c: c.last_activity)


async def run_retention(apply: bool = False) -> RetentionReport:
    """The dry-run report (default) or, with ``apply``, erase every candidate (each in its
    own transaction, logged as an erasure request with reason "retention")."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    years, _ = await retention_policy()
    if years == 0:
        return RetentionReport(years=0, cutoff=None)
    cutoff = clock.now() - timedelta(days=round(365.25 * years))
    candidates = await find_candidates(cutoff, from_replica=not apply)
    erased = 0
    if apply:
        zone = (await get_tenant(ctx.tenant_id)).time_zone
        for candidate in candidates:
            # The reason is stored (and read in the client's access report): the tenant's date.
            since = local_date(candidate.last_activity, zone).isoformat()
            await erase_client(candidate.client_id, reason=f"retention: inactive since {since}")
            erased += 1
    return RetentionReport(years, cutoff, candidates, erased, apply)
