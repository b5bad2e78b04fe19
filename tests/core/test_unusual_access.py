"""Unusual-access alerts: each rule fires on a fixture built to trip it, stays quiet on a
normal day, keeps the audit rows as evidence, and is raised once a day (both backends)."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta

import pytest

from salonkeep.core import audit
from salonkeep.core.privacy import alerts, breach, unusual
from salonkeep.tenants import clock
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.workers.settings import WorkerSettings

from ..burst_worker import run_jobs
from .test_audit_tamper import run_cli

# The frozen clock starts on 2026-03-27 09:00 UTC: 11:00 in Helsinki, the tenants' zone.


def _staff(world, role="practitioner", label="Nurse"):
    return dataclasses.replace(
        world.ctx,
        actor_id=uuid.uuid4(),
        role=role,
        actor_label=label,
        branch_ids=frozenset({world.branch_id}),
    )


async def _write(ctx, action, at, *, clients=1, subject="client", **extra):
    """``clients`` audit rows of ``action`` by ``ctx`` at ``at`` (each about another client)."""
    frozen = clock._now  # the test's frozen clock, given back afterwards
    clock.set_clock(clock.FrozenClock(at))
    try:
        async with unit_of_work(ctx):
            for _ in range(clients):
                client_id = uuid.uuid4() if subject == "client" else None
                await audit.record(action, client_id=client_id, subject=subject, ctx=ctx, **extra)
    finally:
        clock.set_clock(frozen)


async def _normal_day(world):
    """Three people's ordinary month: 8 to 20 clients a working day, searches and an export in
    working hours, one break-glass this week, two mistyped passwords today."""
    now = clock.now()
    people = [
        _staff(world, label="Nurse"),
        _staff(world, "reception", "Desk"),
        _staff(world, "owner", "Boss"),
    ]
    for n, person in enumerate(people):
        for day in range(2, 28, 2):
            await _write(person, "view", now - timedelta(days=day, hours=1), clients=8 + 6 * n)
        await _write(person, "view", now - timedelta(hours=2), clients=10 + 6 * n)
        await _write(person, "search", now - timedelta(hours=1), subject="clients")
    await _write(people[2], "export", now - timedelta(hours=1))
    await _write(people[0], "break_glass", now - timedelta(days=3))
    await _write(
        people[1], "sign_in.failed", now - timedelta(hours=3), subject="staff", subject_id=people[1].actor_id
    )
    await _write(
        people[1], "sign_in.failed", now - timedelta(hours=2), subject="staff", subject_id=people[1].actor_id
    )
    return people


async def _trip_view_volume(world, people):
    # The desk (baseline 14 a day) looks at 45 clients: over 3x its baseline and over 30.
    await _write(people[1], "view", clock.now() - timedelta(hours=1), clients=45)
    return people[1], 45 + 16


async def _trip_off_hours(world, people):
    # An export at 02:30 Helsinki time (00:30 UTC).
    await _write(people[0], "export", clock.now().replace(hour=0, minute=30))
    return people[0], 1


async def _trip_break_glass(world, people):
    for hours in (30, 5):
        await _write(people[0], "break_glass", clock.now() - timedelta(hours=hours))
    return people[0], 3


async def _trip_failed_sign_ins(world, people):
    for minutes in range(4):
        await _write(
            people[1],
            "sign_in.failed",
            clock.now() - timedelta(minutes=10 + minutes),
            subject="staff",
            subject_id=people[1].actor_id,
        )
    return people[1], 6


TRIPS = {
    "view_volume": _trip_view_volume,
    "off_hours_bulk": _trip_off_hours,
    "repeated_break_glass": _trip_break_glass,
    "failed_sign_ins": _trip_failed_sign_ins,
}


async def test_a_normal_day_raises_nothing(tenant_a, frozen_clock):
    await _normal_day(tenant_a)
    with tenant_scope(tenant_a.ctx):
        assert await unusual.scan() == []
        assert await alerts.list_alerts() == []


@pytest.mark.parametrize("rule", sorted(TRIPS))
async def test_each_rule_fires_on_its_fixture_with_the_evidence(tenant_a, tenant_b, frozen_clock, rule):
    people = await _normal_day(tenant_a)
    who, evidence_rows = await TRIPS[rule](tenant_a, people)
    with tenant_scope(tenant_a.ctx):
        raised = await unusual.scan()
        again = await unusual.scan()
        _, evidence = await alerts.get_alert(raised[0].id)
    assert [(a.kind, a.staff_id) for a in raised] == [(rule, who.actor_id)]
    assert again == []  # once a day
    assert len(evidence) == evidence_rows
    assert {e.actor_label for e in evidence} == {who.actor_label}
    with tenant_scope(tenant_b.ctx):
        assert await unusual.scan() == [] and await alerts.list_alerts() == []


async def test_the_baseline_is_the_persons_own(tenant_a, frozen_clock):
    people = await _normal_day(tenant_a)
    # The owner's baseline is 20 a day: 45 is not three times that; the desk's 14 is.
    await _write(people[2], "view", clock.now() - timedelta(hours=1), clients=20)
    with tenant_scope(tenant_a.ctx):
        assert await unusual.scan() == []


async def test_breach_deadline_reminders(tenant_a, frozen_clock):
    with tenant_scope(tenant_a.ctx):
        made = await breach.open_breach("Laptop stolen", clock.now())
        assert await unusual.scan() == []
        frozen_clock.advance(timedelta(hours=49))
        assert [a.kind for a in await unusual.scan()] == ["breach_deadline"]
        frozen_clock.advance(timedelta(hours=24))
        overdue = await unusual.scan()
        assert [a.kind for a in overdue] == ["breach_deadline"] and "passed" in overdue[0].summary
        await breach.update_breach(made.id, authority_notified_at=clock.now())
        frozen_clock.advance(timedelta(days=1))
        assert await unusual.scan() == []


async def test_acknowledged_with_a_note(tenant_a, frozen_clock):
    people = await _normal_day(tenant_a)
    await _trip_off_hours(tenant_a, people)
    with tenant_scope(tenant_a.ctx):
        (alert,) = await unusual.scan()
        with pytest.raises(Exception, match="note"):
            await alerts.acknowledge(alert.id, "  ")
        done = await alerts.acknowledge(alert.id, "Month-end report, agreed with the owner")
        assert await alerts.list_alerts() == []
    assert done.note == "Month-end report, agreed with the owner" and done.acknowledged_at is not None


async def test_the_cli_and_the_worker_run_the_rules(backend, tenant_a, frozen_clock, monkeypatch):
    people = await _normal_day(tenant_a)
    await _trip_failed_sign_ins(tenant_a, people)
    scanned = await run_cli(backend, monkeypatch, "privacy", "alerts-scan", "-t", tenant_a.slug)
    assert (
        scanned.exit_code == 0 and "failed_sign_ins" in scanned.output and "1 alerts raised" in scanned.output
    )
    listed = await run_cli(backend, monkeypatch, "privacy", "alerts", "-t", tenant_a.slug)
    assert "failed_sign_ins" in listed.output
    await _trip_off_hours(tenant_a, people)
    worker = await run_jobs(backend.settings.redis_url, "unusual_access_sweep")
    assert (worker.jobs_complete, worker.jobs_failed) == (1, 0)
    with tenant_scope(tenant_a.ctx):
        assert sorted(a.kind for a in await alerts.list_alerts()) == ["failed_sign_ins", "off_hours_bulk"]
    assert any(job.name == "cron:unusual_access_sweep" for job in WorkerSettings.cron_jobs)
