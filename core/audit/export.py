"""Copies of every new signed chain head outside the database, made by each seal run.

* a file per head, ``$SALONKEEP_AUDIT_HEAD_DIR/<tenant>/<seq>.json`` (by default under the data
  folder: point it at storage the database host cannot rewrite);
* ``SALONKEEP_AUDIT_HEAD_WEBHOOK`` (optional): the head POSTed as JSON; a failed delivery is
  logged and retried by the next seal run (the last delivered ``seq`` is kept in
  ``audit-heads/<tenant>.webhook``).

``salonkeep audit verify -t SLUG --against FILE`` checks the chain against any of these.
"""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from uuid import UUID

from salonkeep.tenants.settings import Settings

log = logging.getLogger("salonkeep.audit")
WEBHOOK_TIMEOUT_SECONDS = 10


def exported_path(settings: Settings, tenant_id: UUID, seq: int) -> Path:
    """The exported copy of the tenant's head at link ``seq``."""
    return settings.audit_head_dir / str(tenant_id) / f"{seq:012d}.json"


def _delivered_path(settings: Settings, tenant_id: UUID) -> Path:
    return settings.data_dir / "audit-heads" / f"{tenant_id}.webhook"


def _delivered_seq(settings: Settings, tenant_id: UUID) -> int:
    try:
        return int(_delivered_path(settings, tenant_id).read_text().strip() or 0)
    except (FileNotFoundError, ValueError):
        return 0


def _post(url: str, head: dict[str, Any]) -> int:
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked in load_settings
        url,
        data=json.dumps(head).encode(),
        headers={"Content-Type": "application/json", "User-Agent": "salonkeep-audit-head"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
        return int(response.status)


async def publish(settings: Settings, tenant_id: UUID, head: dict[str, Any]) -> None:
    """Export ``head`` (the tenant's newest signed head) where it is not yet: the folder, then
    the webhook. Failures are logged as errors and retried on the next call."""
    seq = int(head["seq"])
    path = exported_path(settings, tenant_id, seq)
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_text(json.dumps(head, indent=2) + "\n")
            tmp.replace(path)
        except OSError as exc:
            log.error("audit head export to %s failed: %s", path, exc)
    url = settings.audit_head_webhook
    if not url or _delivered_seq(settings, tenant_id) >= seq:
        return
    try:
        status = await asyncio.to_thread(_post, url, head)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        log.error("audit head webhook %s failed for tenant %s: %s", url, tenant_id, exc)
        return
    if 200 <= status < 300:
        _delivered_path(settings, tenant_id).write_text(f"{seq}\n")
    else:  # pragma: no cover - urlopen raises HTTPError for 4xx/5xx
        log.error("audit head webhook %s answered %s for tenant %s", url, status, tenant_id)
