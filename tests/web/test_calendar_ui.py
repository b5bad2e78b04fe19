"""The calendar screen: reception books from an empty slot (client and service filled in from
a task's link), a clash is refused naming the time, moves, cancels, marks attendance; another
branch's calendar is not found."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from litestar.testing import AsyncTestClient

from salonkeep.core.appointments import service as appointments
from salonkeep.core.visits.service import record_service
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.onboarding import add_branch
from salonkeep.web.app import create_app

from ..appointments.helpers import prepare
from .staff_helpers import add_person, csrf, sign_in


async def _rows(world):
    with tenant_scope(world.ctx):
        cal = await appointments.calendar(
            world.branch_id, datetime(2026, 3, 30).date(), 2, include_cancelled=True
        )
    return [(e.appointment.status, e.appointment.starts_at) for e in cal.entries]


async def test_reception_books_moves_cancels_from_the_calendar(backend, tenant_a, frozen_clock):
    b = await prepare(tenant_a)
    with tenant_scope(tenant_a.ctx):
        await record_service(b.client_id, service_id=b.facial_id)
        other = await add_branch(name="Harbour")
    reception = await add_person(tenant_a, "reception")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, reception)
        assert "/app/calendar" in (await client.get("/app")).text
        page = await client.get(
            "/app/calendar",
            params={
                "client": str(b.client_id),
                "day": "2026-03-30",
                "staff": str(b.staff_id),
                "at": "2026-03-30T12:00",
            },
        )
        assert page.status_code == 200, page.text[-1500:]
        assert 'id="book-client-name">Iris<' in page.text
        assert f'<option value="{b.facial_id}" selected>' in page.text
        assert 'value="2026-03-30T12:00"' in page.text
        token = await csrf(client, "/app/calendar")
        form = {
            "branch": str(tenant_a.branch_id),
            "day": "2026-03-30",
            "client_id": str(b.client_id),
            "service_id": str(b.facial_id),
            "staff_id": str(b.staff_id),
            "starts_at": "2026-03-30T12:00",
            "_csrf_token": token,
        }
        booked = await client.post("/app/calendar/book", data=form)
        assert booked.status_code == 200 and "Iris" in booked.text
        clash = await client.post("/app/calendar/book", data=form)
        assert clash.status_code == 409 and 'data-field="starts_at"' in clash.text
        (row_id,) = re.findall(r'id="appointment-([0-9a-f-]{36})"', booked.text)
        moved = await client.post(
            f"/app/calendar/{row_id}/move",
            data={
                "branch": str(tenant_a.branch_id),
                "day": "2026-03-30",
                "starts_at": "2026-03-31T10:00",
                "staff_id": str(b.staff_id),
                "_csrf_token": token,
            },
        )
        assert moved.status_code == 200
        refused = await client.post(
            f"/app/calendar/{row_id}/cancel",
            data={"branch": str(tenant_a.branch_id), "day": "2026-03-30", "reason": "", "_csrf_token": token},
        )
        assert refused.status_code == 422 and 'data-field="reason"' in refused.text
        await client.post(
            f"/app/calendar/{row_id}/cancel",
            data={
                "branch": str(tenant_a.branch_id),
                "day": "2026-03-30",
                "reason": "Ill",
                "cancelled_by": "client",
                "_csrf_token": token,
            },
        )
        week = await client.get("/app/calendar", params={"day": "2026-03-30", "view": "week"})
        assert week.status_code == 200
        assert (await client.get("/app/calendar", params={"branch": str(other.id)})).status_code == 404
    # (the database is read after the client closes: the app's engine lives in its loop)
    assert await _rows(tenant_a) == [("cancelled", datetime(2026, 3, 31, 7, 0, tzinfo=UTC))]
