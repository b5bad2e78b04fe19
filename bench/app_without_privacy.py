"""Salonkeep with the audit write and field decryption switched off: bench only.

``bench/run.py`` serves this next to the real application, to measure what auditing and
decryption together cost on the profile page. Both are replaced in this process only:
``audit.record`` does nothing and ``clear_fields`` and the visit and call notes'
``decrypt_column`` return empty values (so the page renders the sensitive fields blank instead
of decrypting them).
Never use this outside ``bench/``.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar

from salonkeep.core import audit
from salonkeep.core.aftercare import notes
from salonkeep.core.clients import service
from salonkeep.core.visits import service as visits
from salonkeep.web.app import create_app as create_real_app


async def _no_audit(*args: Any, **kwargs: Any) -> None:
    return None


async def _no_decryption(ctx: Any, client: Any, extra: Any = frozenset()) -> dict[str, str]:
    return {}


async def _no_column_decryption(*args: Any, **kwargs: Any) -> str:
    return ""


def create_app() -> Litestar:
    """The real application, minus audit writes and decryption."""
    audit.record = _no_audit  # type: ignore[assignment]
    service.clear_fields = _no_decryption  # type: ignore[assignment]
    visits.decrypt_column = _no_column_decryption  # type: ignore[assignment]
    notes.decrypt_column = _no_column_decryption  # type: ignore[assignment]
    return create_real_app()
