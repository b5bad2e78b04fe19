"""``Plan.after_hours``: at least N hours later, within the next call window (from the
programme's call time to ``until``, local time)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from salonkeep.core.plugins.api import ClientFacts, Plan


async def _nothing(*_: object) -> list[object]:
    return []


def _plan(call_time: str = "10:00") -> Plan:
    client = ClientFacts(uuid.uuid4(), uuid.uuid4(), "Aino", "new", None, datetime(2026, 1, 1, tzinfo=UTC))
    return Plan(
        tenant_id=uuid.uuid4(),
        country="FI",
        time_zone="Europe/Helsinki",
        client=client,
        now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
        settings_by_programme={"laser": {"call_time": call_time}},
        enabled_programmes=frozenset({"laser"}),
        _visits=_nothing,  # type: ignore[arg-type]
        _touchpoints=_nothing,  # type: ignore[arg-type]
        _consent=_nothing,  # type: ignore[arg-type]
        _referrer=_nothing,  # type: ignore[arg-type]
    )


# Helsinki is UTC+2 in early March: local = UTC + 2 h.
@pytest.mark.parametrize(
    ("done_at_utc", "hours", "due_utc"),
    [
        # 15:00 local + 48 h = 15:00 two days later: inside 10:00-18:00, kept.
        ((2026, 3, 2, 13, 0), 48, (2026, 3, 4, 13, 0)),
        # 19:00 local + 48 h = 19:00: after the window, the next day at 10:00.
        ((2026, 3, 2, 17, 0), 48, (2026, 3, 5, 8, 0)),
        # 07:00 local + 24 h = 07:00: before the window, the same day at 10:00.
        ((2026, 3, 2, 5, 0), 24, (2026, 3, 3, 8, 0)),
        # Exactly at the end of the window (18:00) is outside it.
        ((2026, 3, 2, 14, 0), 2, (2026, 3, 3, 8, 0)),
    ],
)
def test_at_least_n_hours_later_within_the_call_window(done_at_utc, hours, due_utc):
    done = datetime(*done_at_utc, tzinfo=UTC)
    assert _plan().after_hours(done, hours, "laser") == datetime(*due_utc, tzinfo=UTC)


def test_the_window_opens_at_the_programmes_call_time_and_ends_at_until():
    done = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # 07:00 local
    plan = _plan(call_time="09:00")
    assert plan.after_hours(done, 1, "laser") == datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # 09:00
    late = datetime(2026, 3, 2, 16, 30, tzinfo=UTC)  # 18:30 local
    assert plan.after_hours(late, 1, "laser", until="20:00") == datetime(2026, 3, 2, 17, 30, tzinfo=UTC)
