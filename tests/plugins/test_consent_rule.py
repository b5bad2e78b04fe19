"""Nothing marketing-like is planned without consent, whichever programme (built-in or
installed) plans it: every event a client can have, no consent given, only service messages."""

from __future__ import annotations

from datetime import UTC, date, datetime

from salonkeep.core.aftercare.referrals import record_referral
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.events import AppointmentBooked, ComplaintReceived, ProductSold, ServicePerformed
from salonkeep.core.plugins.manager import get_plugins
from salonkeep.tenants.context import tenant_scope


async def test_no_consent_means_only_service_messages(
    salonkeep_clock, salonkeep_configure, salonkeep_tenant, salonkeep_consent, emit, planned
):
    for name in get_plugins().programmes():
        await salonkeep_configure(name, enabled=True)
    with tenant_scope(salonkeep_tenant.ctx):
        member = await create_client(
            ClientInput(
                branch_id=salonkeep_tenant.branch_id,
                first_name="Aila",
                kind="member",
                date_of_birth=date(1985, 4, 1),
            )
        )
        guest = await create_client(
            ClientInput(
                branch_id=salonkeep_tenant.branch_id, first_name="Gea", date_of_birth=date(1999, 4, 3)
            )
        )
        await record_referral(guest.id, member.id)
    for client_id in (member.id, guest.id):
        await emit(ServicePerformed, service="Facial", category="facial", client_id=client_id)
        await emit(ServicePerformed, service="Filler", category="medical_aesthetics", client_id=client_id)
        for category in ("slimming", "treatment", "care", "device"):
            await emit(ProductSold, product=f"P {category}", category=category, client_id=client_id)
        await emit(
            AppointmentBooked,
            service="Peel",
            starts_at=datetime(2026, 4, 9, 9, 0, tzinfo=UTC),
            client_id=client_id,
        )
        await emit(
            ComplaintReceived,
            channel="phone",
            reason="slow",
            received_on=date(2026, 3, 25),
            client_id=client_id,
        )
    touchpoints = [t for c in (member.id, guest.id) for t in await planned(client_id=c)]
    assert len(touchpoints) > 20
    messages = [t for t in touchpoints if t.kind == "message"]
    assert messages, "service messages (reminders) are still planned"
    assert {m.purpose for m in messages} == {"service"}

    # With consent, the same programmes do plan marketing-like messages (the test can fail).
    await salonkeep_consent("greetings", True, client_id=member.id)
    purposes = {t.purpose for t in await planned(client_id=member.id, kind="message")}
    assert "greetings" in purposes
