"""Worker jobs of the privacy core: sealing the audit chains."""

from __future__ import annotations

from typing import Any

from salonkeep.core.audit import chain


async def seal_audit_chains(ctx: dict[str, Any]) -> int:
    """Seal every tenant's unsealed audit rows (needs SALONKEEP_MIGRATION_DATABASE_URL on
    PostgreSQL: sealing runs as the table owner). Returns the number of rows sealed."""
    sealed = await chain.seal(ctx["settings"])
    return sum(sealed.values())
