"""The worker's aftercare sweep flags missed medical check-ups per tenant, idempotently."""

from __future__ import annotations

from datetime import timedelta

from arq.worker import Worker

from salonkeep.core.aftercare.calls import client_touchpoints
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.visits.service import record_service
from salonkeep.tenants.context import tenant_scope

from ..burst_worker import own_queue, run_jobs


async def _run_sweep(backend, job_id: str, function: str = "aftercare_sweep") -> Worker:
    return await run_jobs(backend.settings.redis_url, function, queue=own_queue(job_id))


async def test_sweep_flags_missed_check_ups(backend, tenant_a, tenant_b, frozen_clock, monkeypatch):
    for key, value in backend.env.items():
        monkeypatch.setenv(key, value)
    with tenant_scope(tenant_a.ctx):
        client = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Ilona"))
        await record_service(client.id, service="Filler", category="medical_aesthetics")
    frozen_clock.advance(timedelta(days=9))  # the day-1 check-in is 8 days overdue (grace: 7)
    worker = await _run_sweep(backend, f"sweep-1-{backend.name}-{tenant_a.slug}")
    assert (worker.jobs_complete, worker.jobs_failed) == (1, 0)
    with tenant_scope(tenant_a.ctx):
        missed = [t.title for t in await client_touchpoints(client.id) if t.missed]
    assert missed == ["Day 1 recovery check-in: Filler"]
    worker = await _run_sweep(backend, f"sweep-2-{backend.name}-{tenant_a.slug}")
    assert worker.jobs_failed == 0
    with tenant_scope(tenant_a.ctx):
        assert [t.title for t in await client_touchpoints(client.id) if t.missed] == missed


async def test_plan_ahead_renews_yearly_greetings(backend, tenant_a, frozen_clock, monkeypatch):
    from datetime import date

    from salonkeep.core import consent

    for key, value in backend.env.items():
        monkeypatch.setenv(key, value)
    # Frozen at 27 March 2026; the birthday is 27 April, 31 days ahead.
    with tenant_scope(tenant_a.ctx):
        client = await create_client(
            ClientInput(branch_id=tenant_a.branch_id, first_name="Vappu", date_of_birth=date(1980, 4, 27))
        )
        other = await create_client(
            ClientInput(branch_id=tenant_a.branch_id, first_name="Ukko", date_of_birth=date(1980, 9, 1))
        )
        for who in (client, other):
            await consent.grant(
                who.id, "greetings", channel="in_store_tablet", wording_shown="Birthday greetings"
            )

    async def birthdays(who) -> list[str]:
        with tenant_scope(tenant_a.ctx):
            return sorted(
                t.due_at.date().isoformat()
                for t in await client_touchpoints(who.id)
                if t.programme == "birthday_greetings" and t.title == "Happy birthday"
            )

    assert await birthdays(client) == ["2026-04-27"]
    frozen_clock.advance(timedelta(days=365))  # a year on, the client never came back
    worker = await _run_sweep(backend, f"ahead-{backend.name}-{tenant_a.slug}", "plan_ahead_sweep")
    assert (worker.jobs_complete, worker.jobs_failed) == (1, 0)
    assert await birthdays(client) == ["2026-04-27", "2027-04-27"]
    assert await birthdays(other) == ["2026-09-01"]  # not due yet: its anniversary is months away
