"""What sealing keeps in the data folder, outside the database, per tenant.

* ``audit-heads/<tenant>.json``: the last signed head, the point the next seal must extend;
* ``audit-heads/<tenant>.alert.json``: the alert raised when sealing found that the stored
  chain no longer extends that head (shown to owners and privacy officers on every staff page,
  cleared by the next seal that finds the chain whole again).

Only sealing writes these files; verification only reads them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from uuid import UUID

from salonkeep.tenants import clock
from salonkeep.tenants.settings import Settings


def head_path(settings: Settings, tenant_id: UUID) -> Path:
    """Where the last signed chain head of a tenant is kept."""
    return settings.data_dir / "audit-heads" / f"{tenant_id}.json"


def alert_path(settings: Settings, tenant_id: UUID) -> Path:
    """Where the tenant's tampering alert is kept while it stands."""
    return settings.data_dir / "audit-heads" / f"{tenant_id}.alert.json"


def parse_json(text: str) -> dict[str, Any]:
    """The JSON object in ``text``; ``{}`` when it is not one (so that a head's signature
    check fails by name)."""
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def read_json(path: Path) -> dict[str, Any] | None:
    """The JSON object in ``path`` (see :func:`parse_json`), ``None`` when the file is absent."""
    try:
        return parse_json(path.read_text())
    except FileNotFoundError:
        return None


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` to ``path`` atomically (a temporary file renamed over it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    tmp.replace(path)


def read_signed_head(settings: Settings, tenant_id: UUID) -> dict[str, Any] | None:
    """The signed head last written for the tenant, or ``None``."""
    return read_json(head_path(settings, tenant_id))


def write_signed_head(settings: Settings, tenant_id: UUID, head: dict[str, Any]) -> None:
    """Keep ``head`` as the tenant's last signed head."""
    write_json(head_path(settings, tenant_id), head)


def read_alert(settings: Settings, tenant_id: UUID) -> dict[str, Any] | None:
    """The standing tampering alert of the tenant (``problem``, ``detected_at``), or ``None``."""
    return read_json(alert_path(settings, tenant_id))


def raise_alert(settings: Settings, tenant_id: UUID, problem: str) -> None:
    """Record that sealing refused: the chain no longer extends the signed head.

    The first detection time is kept while the alert stands."""
    standing = read_alert(settings, tenant_id) or {}
    write_json(
        alert_path(settings, tenant_id),
        {
            "tenant_id": str(tenant_id),
            "problem": problem,
            "detected_at": standing.get("detected_at") or clock.now().isoformat(),
        },
    )


def clear_alert(settings: Settings, tenant_id: UUID) -> None:
    """Drop the tenant's alert (the chain extends its signed head again)."""
    alert_path(settings, tenant_id).unlink(missing_ok=True)
