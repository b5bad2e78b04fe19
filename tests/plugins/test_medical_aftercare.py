"""Medical aesthetics: instructions (with consent), check-ins across month ends and DST,
missed check-ups flagged, the aftercare year on the client page (salonkeep_client_panels)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from salonkeep.core.aftercare import calls
from salonkeep.core.events import ServicePerformed
from salonkeep.tenants.context import tenant_scope

PROGRAMME = "medical_aftercare"


async def test_check_ins_at_local_10_across_month_ends_and_dst(
    salonkeep_clock, salonkeep_configure, emit, planned
):
    salonkeep_clock.at = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)  # 31 January, 11:00 in Helsinki
    await salonkeep_configure(PROGRAMME, checkin_months=[1, 3, 6, 12])
    await emit(ServicePerformed, service="Filler", category="medical_aesthetics")
    checkins = await planned(programme=PROGRAMME, kind="call")
    assert [c.due_at for c in checkins] == [
        datetime(2026, 2, 1, 8, 0, tzinfo=UTC),  # day 1
        datetime(2026, 2, 7, 8, 0, tzinfo=UTC),  # day 7
        datetime(2026, 2, 28, 8, 0, tzinfo=UTC),  # month 1: 31 January + 1 month
        datetime(2026, 3, 2, 8, 0, tzinfo=UTC),  # day 30
        datetime(2026, 4, 30, 7, 0, tzinfo=UTC),  # month 3, summer time (UTC+3)
        datetime(2026, 7, 31, 7, 0, tzinfo=UTC),  # month 6
        datetime(2027, 1, 31, 8, 0, tzinfo=UTC),  # month 12, winter time again
    ]
    assert [c.title.split(" recovery")[0] for c in checkins] == [
        "Day 1",
        "Day 7",
        "Month 1",
        "Day 30",
        "Month 3",
        "Month 6",
        "Month 12",
    ]


async def test_instructions_are_sent_only_with_health_consent(
    salonkeep_clock, salonkeep_consent, emit, planned
):
    await emit(ServicePerformed, service="Botulinum", category="medical_aesthetics")
    assert await planned(programme=PROGRAMME, kind="message") == []
    await salonkeep_consent("health_data", True)
    await emit(ServicePerformed, service="Botulinum", category="medical_aesthetics")
    (message,) = await planned(programme=PROGRAMME, kind="message")
    assert (message.status, message.purpose, message.due_at) == (
        "queued",
        "health_data",
        salonkeep_clock(),
    )
    assert "Wound care" in message.script


async def test_missed_check_up_is_flagged_and_shown_on_the_panel(
    salonkeep_clock, salonkeep_tenant, salonkeep_client, emit, planned
):
    await emit(ServicePerformed, service="Thread lift", category="medical_aesthetics")
    with tenant_scope(salonkeep_tenant.ctx):
        (panel,) = [p for p in await calls.client_panels(salonkeep_client.id) if p.programme == PROGRAMME]
    rows = dict(panel.rows)
    assert rows["Aftercare period"] == "until Mar 25, 2027"
    assert rows["Missed check-ups"] == "none"
    assert "free" not in rows["Aftercare period"]
    assert rows["Free within it"].startswith("Check-ups")
    assert "Wound care" in panel.context["instructions"]  # for the printable instructions page

    salonkeep_clock.advance(timedelta(days=8, hours=23))  # day 1 check-in + 7 days grace passed
    with tenant_scope(salonkeep_tenant.ctx):
        assert await calls.flag_missed() == 1
        assert await calls.flag_missed() == 0  # idempotent
        (panel,) = [p for p in await calls.client_panels(salonkeep_client.id) if p.programme == PROGRAMME]
    assert dict(panel.rows)["Missed check-ups"] == "Day 1 recovery check-in: Thread lift"
    missed = [c for c in await planned(programme=PROGRAMME, kind="call") if c.missed]
    assert len(missed) == 1

    salonkeep_clock.advance(timedelta(days=366))
    with tenant_scope(salonkeep_tenant.ctx):
        (panel,) = [p for p in await calls.client_panels(salonkeep_client.id) if p.programme == PROGRAMME]
    assert "ended: aftercare may be charged" in dict(panel.rows)["Aftercare period"]


async def test_no_panel_when_disabled_or_without_a_procedure(
    salonkeep_clock, salonkeep_configure, salonkeep_tenant, salonkeep_client, emit
):
    with tenant_scope(salonkeep_tenant.ctx):
        assert [p for p in await calls.client_panels(salonkeep_client.id) if p.programme == PROGRAMME] == []
    await emit(ServicePerformed, service="Filler", category="medical_aesthetics")
    await salonkeep_configure(PROGRAMME, enabled=False)
    with tenant_scope(salonkeep_tenant.ctx):
        assert [p for p in await calls.client_panels(salonkeep_client.id) if p.programme == PROGRAMME] == []
