"""The one clock: frozen in-process, or set for other processes through a file."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from salonkeep.tenants import clock


def test_frozen_clock_can_be_advanced(frozen_clock):
    start = clock.now()
    frozen_clock.advance(timedelta(days=2))
    assert clock.now() - start == timedelta(days=2)


def test_frozen_clock_needs_an_aware_time():
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.FrozenClock(datetime(2026, 1, 1))


def test_clock_file_moves_other_processes(tmp_path, monkeypatch):
    path = tmp_path / "clock"
    path.write_text("2027-01-05T08:00:00+00:00")
    monkeypatch.setenv("SALONKEEP_CLOCK_FILE", str(path))
    now = clock.now()
    assert datetime(2027, 1, 5, 8, 0, tzinfo=UTC) <= now < datetime(2027, 1, 5, 8, 1, tzinfo=UTC)
    os.remove(path)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)
