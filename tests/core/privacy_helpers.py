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
