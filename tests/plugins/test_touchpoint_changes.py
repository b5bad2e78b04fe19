"""A programme changes its own planned touchpoints through the host: reschedule one, cancel
by key prefix, hold and resume (the consent gate checked again on resume); a plugin that
names another plugin's programme is refused."""

from __future__ import annotations

import textwrap
from datetime import timedelta
from importlib.metadata import EntryPoint, entry_points

import pytest

from salonkeep.core.plugins.api import (
    NO_ANSWER,
    REACHED,
    WANTS_APPOINTMENT,
    ReferralRecorded,
    ServicePerformed,
)
from salonkeep.core.plugins.manager import build_plugins, use_plugins

COURSE = """
from datetime import timedelta

from salonkeep.core.plugins.api import (
    NO_ANSWER, REACHED, WANTS_APPOINTMENT, CancelTouchpoints, HoldTouchpoints, PlannedCall,
    PlannedMessage, Programme, ReferralRecorded, RescheduleTouchpoint, ResumeTouchpoints,
    ServicePerformed, hookimpl,
)

NAME = "course"


@hookimpl
def salonkeep_programmes():
    return [Programme(NAME, "Course", "Calls and a greeting")]


@hookimpl
def salonkeep_event(event, plan):
    if isinstance(event, ServicePerformed):
        return [
            PlannedCall(NAME, "call:1", plan.day(event.occurred_at, 1, NAME), "First", "How is it?"),
            PlannedCall(NAME, "call:2", plan.day(event.occurred_at, 2, NAME), "Second", "And now?"),
            PlannedMessage(NAME, "greeting_1", plan.day(event.occurred_at, 3, NAME), "Hello", "Hello!",
                           purpose="greetings"),
        ]
    if isinstance(event, ReferralRecorded):  # a stand-in for "the client asked to stop"
        return [CancelTouchpoints(NAME, "call:")]
    return []


@hookimpl
def salonkeep_touchpoint_outcome(touchpoint, outcome, plan):
    if touchpoint.programme != NAME:
        return []
    if outcome == WANTS_APPOINTMENT:
        later = plan.now + timedelta(days=10)
        return [RescheduleTouchpoint(NAME, "call:2", later), HoldTouchpoints(NAME, "greeting_")]
    if outcome == REACHED:
        return [ResumeTouchpoints(NAME, "greeting_")]
    return []
"""

INTRUDER = """
from salonkeep.core.plugins.api import HoldTouchpoints, Programme, ServicePerformed, hookimpl

@hookimpl
def salonkeep_programmes():
    return [Programme("intruder", "Intruder", "Holds another programme's calls")]

@hookimpl
def salonkeep_event(event, plan):
    return [HoldTouchpoints("first_visit_call")] if isinstance(event, ServicePerformed) else []
"""


def _install(tmp_path, monkeypatch, **modules: str) -> None:
    points = []
    for name, source in modules.items():
        (tmp_path / f"sk_{name}.py").write_text(textwrap.dedent(source))
        points.append(EntryPoint(name=name, value=f"sk_{name}", group="salonkeep"))
    monkeypatch.syspath_prepend(str(tmp_path))
    use_plugins(build_plugins([*entry_points(group="salonkeep"), *points]))


@pytest.fixture
def course(tmp_path, monkeypatch):
    _install(tmp_path, monkeypatch, course=COURSE)
    yield
    use_plugins(None)


async def test_reschedule_hold_resume_and_cancel_own_touchpoints(
    course, salonkeep_clock, emit, planned, salonkeep_outcome, salonkeep_consent
):
    await salonkeep_consent("greetings")
    await emit(ServicePerformed, service="Facial", category="facial")
    first, second, note = await planned(programme="course")
    assert (first.title, second.title, note.status) == ("First", "Second", "queued")

    # The client wants an appointment: the second call moves 10 days on, the greeting waits.
    await salonkeep_outcome(first.id, WANTS_APPOINTMENT)
    moved = {t.title: t for t in await planned(programme="course")}
    assert moved["Second"].due_at == salonkeep_clock() + timedelta(days=10)
    assert moved["Hello"].status == "held"

    # Consent to greetings withdrawn while held: resuming cancels the greeting (the gate).
    await salonkeep_consent("greetings", granted=False)
    salonkeep_clock.advance(timedelta(days=10))
    await salonkeep_outcome(second.id, REACHED)
    assert {t.title: t.status for t in await planned(programme="course")}["Hello"] == "cancelled"


async def test_resume_brings_a_held_message_back_with_consent(
    course, salonkeep_clock, emit, planned, salonkeep_outcome, salonkeep_consent
):
    await salonkeep_consent("greetings")
    await emit(ServicePerformed, service="Facial", category="facial")
    first, second, _ = await planned(programme="course")
    await salonkeep_outcome(first.id, WANTS_APPOINTMENT)
    await salonkeep_outcome(second.id, NO_ANSWER)  # no change asked: still held
    assert {t.title: t.status for t in await planned(programme="course")}["Hello"] == "held"
    await salonkeep_outcome(second.id, REACHED)
    assert {t.title: t.status for t in await planned(programme="course")}["Hello"] == "queued"


async def test_cancel_by_key_prefix_leaves_the_rest(
    course, salonkeep_clock, emit, planned, salonkeep_consent
):
    await salonkeep_consent("greetings")
    await emit(ServicePerformed, service="Facial", category="facial")
    await emit(ReferralRecorded)
    assert {t.title: t.status for t in await planned(programme="course")} == {
        "First": "cancelled",
        "Second": "cancelled",
        "Hello": "queued",
    }


async def test_a_plugin_cannot_change_another_programmes_touchpoints(
    tmp_path, monkeypatch, salonkeep_clock, emit, planned
):
    _install(tmp_path, monkeypatch, intruder=INTRUDER)
    try:
        with pytest.raises(ValueError, match="a programme changes only its own touchpoints"):
            await emit(ServicePerformed, service="Facial", category="facial")
    finally:
        use_plugins(None)
    assert await planned(programme="first_visit_call") == []  # the service rolled back, nothing planned
