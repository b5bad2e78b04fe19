"""The laser hair removal course of issue 13, written against the public plugin API alone: a
patch-test call at least 48 hours later within the call window, a reminder before each of 6
sessions 6 weeks apart (from the appointments), a burn reported on the call holds the
course, a new patch test resumes it; the course *handles* the tenant's "laser" tag, so the
generic programmes (first-visit call, one-year medical aftercare, product follow-ups) stand
back."""

from __future__ import annotations

import ast
import textwrap
import uuid
from datetime import UTC, datetime, timedelta
from importlib.metadata import EntryPoint, entry_points

import pytest

from salonkeep.core.audit.tables import AuditEvent
from salonkeep.core.catalogue import service as catalogue
from salonkeep.core.events import AppointmentBooked
from salonkeep.core.plugins.api import ABNORMAL_REACTION, ProductSold, ServicePerformed
from salonkeep.core.plugins.manager import build_plugins, use_plugins
from salonkeep.tenants import scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work

LASER_COURSE = """
from datetime import timedelta

from salonkeep.core.plugins.api import (
    ABNORMAL_REACTION, AppointmentBooked, AppointmentMoved, HoldTouchpoints, PlannedCall,
    PlannedMessage, Programme, ResumeTouchpoints, ServicePerformed, hookimpl,
)

NAME = "laser_course"


@hookimpl
def salonkeep_programmes():
    return [Programme(NAME, "Laser course", "Patch test call, session reminders",
                      handles=("laser",))]


@hookimpl
def salonkeep_event(event, plan):
    if isinstance(event, ServicePerformed) and "patch test" in event.tags:
        due = plan.after_hours(event.occurred_at, 48, NAME)
        call = PlannedCall(NAME, f"patch:{event.visit_id}", due, "Patch test check",
                           "Any redness or blisters where we tested?",
                           assigned_staff_id=event.staff_id)
        # A new patch test after a burn clears the client: the course goes on.
        return [call, ResumeTouchpoints(NAME, "appointment:")]
    if isinstance(event, AppointmentBooked | AppointmentMoved) and "laser" in event.tags:
        due = plan.day(event.starts_at, -1, NAME)
        return [PlannedMessage(NAME, f"appointment:{event.appointment_id}:reminder", due,
                               "Laser session tomorrow",
                               "Shave the area, no sun, no self-tan. See you tomorrow!")]
    return []


@hookimpl
def salonkeep_touchpoint_outcome(touchpoint, outcome, plan):
    if touchpoint.programme == NAME and outcome == ABNORMAL_REACTION:
        return [HoldTouchpoints(NAME, "appointment:")]  # a burn: the sessions wait
    return []
"""


@pytest.fixture
def laser_course(tmp_path, monkeypatch):
    (tmp_path / "sk_laser_course.py").write_text(textwrap.dedent(LASER_COURSE))
    monkeypatch.syspath_prepend(str(tmp_path))
    point = EntryPoint(name="laser_course", value="sk_laser_course", group="salonkeep")
    use_plugins(build_plugins([*entry_points(group="salonkeep"), point]))
    yield
    use_plugins(None)


def test_the_course_imports_only_the_public_plugin_api():
    modules = {
        node.module
        for node in ast.walk(ast.parse(LASER_COURSE))
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert modules == {"datetime", "salonkeep.core.plugins.api"}


async def test_the_laser_course_end_to_end(
    laser_course, salonkeep_clock, salonkeep_tenant, salonkeep_client, emit, planned, salonkeep_outcome
):
    ctx = salonkeep_tenant.ctx
    with tenant_scope(ctx):
        # The tenant's own category (medical) and tags: nothing of this is a built-in list.
        await catalogue.add_category("service", "laser", "Laser", medical=True)
        await catalogue.add_category("product", "laser_care", "Laser care")
        for name, tags in (("Laser patch test", "laser, patch test"), ("Laser hair removal", "laser")):
            await catalogue.save_service(catalogue.ServiceInput(name=name, category="laser", tags=tags))
        await catalogue.save_product(
            catalogue.ProductInput(name="Cooling gel", category="laser_care", tags="laser")
        )

    # Tuesday 15:00 in Helsinki (the day before the kit's clock): the patch test, the client's
    # first visit ever.
    patch_at = datetime(2026, 3, 24, 13, 0, tzinfo=UTC)
    patch = await emit(ServicePerformed, service="Laser patch test", category="laser", occurred_at=patch_at)
    assert patch.first_visit and patch.is_procedure and "laser" in patch.tags
    await emit(ProductSold, product="Cooling gel", category="laser_care", occurred_at=patch_at)

    # Six sessions six weeks apart, from the appointments booked.
    first_session = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)
    sessions = [first_session + timedelta(weeks=6 * n) for n in range(6)]
    for starts_at in sessions:
        await emit(
            AppointmentBooked(
                tenant_id=ctx.tenant_id,
                client_id=salonkeep_client.id,
                branch_id=salonkeep_client.branch_id,
                occurred_at=patch_at,
                appointment_id=uuid.uuid4(),
                service="Laser hair removal",
                starts_at=starts_at,
                tags=("laser",),
            )
        )

    everything = await planned()
    # No first-visit call, no year of medical check-ins, no product follow-up: only the course.
    assert {t.programme for t in everything} == {"laser_course"}
    (call,) = [t for t in everything if t.kind == "call"]
    # 48 hours after 15:00 on Tuesday is Thursday 15:00, inside the call window.
    assert call.due_at == patch_at + timedelta(hours=48)
    reminders = [t for t in everything if t.kind == "message"]
    # The day before each session, at the call time (10:00 Helsinki = 07:00 UTC in summer).
    assert [r.due_at.date() for r in reminders] == [(s - timedelta(days=1)).date() for s in sessions]
    assert {r.status for r in reminders} == {"queued"}

    # The patch test burnt: reported on the call, the course is held.
    await salonkeep_outcome(call.id, ABNORMAL_REACTION, note="burn on the left calf")
    after_burn = await planned(programme="laser_course")
    assert {t.status for t in after_burn if t.kind == "message"} == {"held"}
    # The core's urgent task for the reaction is not held.
    (urgent,) = [t for t in after_burn if t.kind == "task"]
    assert urgent.urgency == "urgent" and urgent.status == "planned"
    with tenant_scope(ctx):
        async with unit_of_work(ctx):
            audited = await scoped.objects(AuditEvent).where(AuditEvent.subject == "touchpoint")
    assert len([a for a in audited if "HoldTouchpoints" in a.reason]) == 6

    # A new patch test two weeks later clears the client: the course resumes.
    salonkeep_clock.advance(timedelta(days=14))
    await emit(ServicePerformed, service="Laser patch test", category="laser")
    resumed = await planned(programme="laser_course", kind="message")
    assert {t.status for t in resumed} == {"queued"}
    # The reminders keep their times; one whose time passed while held is due now.
    assert resumed[0].due_at == salonkeep_clock()
    assert [r.due_at.date() for r in resumed[1:]] == [(s - timedelta(days=1)).date() for s in sessions[1:]]
    assert {t.programme for t in await planned()} == {"laser_course"}


async def test_without_the_course_the_generic_programmes_plan_for_the_same_visit(
    salonkeep_clock, salonkeep_tenant, salonkeep_client, emit, planned
):
    """The control: the same first laser visit with no programme handling "laser" starts the
    first-visit call and the year of medical check-ins (what the course makes stand back)."""
    with tenant_scope(salonkeep_tenant.ctx):
        await catalogue.add_category("service", "laser", "Laser", medical=True)
        await catalogue.save_service(
            catalogue.ServiceInput(name="Laser patch test", category="laser", tags="laser, patch test")
        )
    await emit(ServicePerformed, service="Laser patch test", category="laser")
    assert {"first_visit_call", "medical_aftercare"} <= {t.programme for t in await planned()}
