"""Where a staff task sends reception to book: the booking screen with the client and the
service filled in.

A task planned from a call's outcome ("wants an appointment": ``…:<call id>:book``; an
abnormal reaction: ``…:<call id>:abnormal``) names that call in its key, and the call (like
every touchpoint a programme plans from a visit or an appointment) names its cause:
``visit:<id>`` or ``appointment:<id>``. The service of that visit or appointment is the one
to book: the next treatment, or the re-examination after an abnormal reaction.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode
from uuid import UUID

from salonkeep.core.aftercare.tables import Touchpoint
from salonkeep.core.visits.tables import Appointment, Visit
from salonkeep.tenants import scoped

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_OUTCOME_TASK = re.compile(rf"({_UUID}):(book|abnormal)$")
_CAUSE = re.compile(rf"\b(visit|appointment):({_UUID})")


def _cause(key: str) -> tuple[str, UUID] | None:
    found = _CAUSE.search(key)
    return (found.group(1), UUID(found.group(2))) if found else None


async def _service_of(cause: tuple[str, UUID] | None) -> UUID | None:
    if cause is None:
        return None
    table = Visit if cause[0] == "visit" else Appointment
    rows = await scoped.rows(table, "service_id", "id = {}", cause[1])
    return rows[0]["service_id"] if rows else None


async def booking_links(tasks: list[Touchpoint]) -> dict[UUID, str]:
    """The booking-screen link of each task in ``tasks`` (call inside a unit of work)."""
    links: dict[UUID, str] = {}
    for task in tasks:
        key = str(task.dedupe_key)
        outcome = _OUTCOME_TASK.search(key)
        cause = _cause(key)
        if outcome is not None and cause is None:
            origin = await scoped.rows(Touchpoint, "dedupe_key", "id = {}", UUID(outcome.group(1)))
            cause = _cause(str(origin[0]["dedupe_key"])) if origin else None
        query = {"client": str(task.client_id)}
        service_id = await _service_of(cause)
        if service_id is not None:
            query["service"] = str(service_id)
        if outcome is not None and outcome.group(2) == "abnormal":
            query["purpose"] = "reexamination"
        links[task.id] = "/app/calendar?" + urlencode(query)
    return links
