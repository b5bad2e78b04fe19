"""Shared pieces of the aftercare screens: the branch choice (and so the zone times are shown in)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar import Request

from salonkeep.core.staff import branches_in_scope
from salonkeep.tenants.context import current
from salonkeep.tenants.tables import Branch
from salonkeep.web.auth.guard import signed


@dataclass(frozen=True)
class BranchChoice:
    """The branches a person may pick from and the one shown."""

    choices: list[Branch]
    chosen: Branch | None
    zone: str


async def choose_branch(request: Request[Any, Any, Any], wanted: str = "") -> BranchChoice:
    """The branch whose call list to show: ``wanted`` if the person may see it, else the
    session's branch, else the first of the person's own branches, else the first visible."""
    ctx = current()
    who = signed(request)
    choices = await branches_in_scope()
    by_id = {str(b.id): b for b in choices}
    own = [b for b in choices if b.id in who.staff.branch_ids]
    chosen = (
        by_id.get(wanted)
        or (by_id.get(str(ctx.branch_id)) if ctx.branch_id else None)
        or (own[0] if own else None)
        or (choices[0] if choices else None)
    )
    zone = (chosen.time_zone if chosen else "") or who.tenant.time_zone
    return BranchChoice(choices, chosen, zone)


def parse_uuid(text: str) -> UUID | None:
    """``text`` as a UUID, or None."""
    try:
        return UUID(text)
    except (TypeError, ValueError):
        return None
