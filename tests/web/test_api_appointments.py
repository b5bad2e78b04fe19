"""The catalogue and appointment endpoints of the JSON API."""

from __future__ import annotations

import httpx
import pytest

from salonkeep.core.apikeys.service import create_api_key
from salonkeep.core.catalogue import service as catalogue
from salonkeep.tenants.context import tenant_scope
from salonkeep.web.app import create_app

from ..appointments.helpers import prepare


@pytest.fixture
async def api(backend):
    transport = httpx.ASGITransport(app=create_app(backend.settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def _auth(world, role: str = "reception") -> dict[str, str]:
    with tenant_scope(world.ctx):
        _, key = await create_api_key(f"{role} key", role, "Main street")
    return {"Authorization": f"Bearer {key}"}


async def test_read_the_catalogue_book_move_cancel(api, tenant_a, frozen_clock):
    b = await prepare(tenant_a)
    with tenant_scope(tenant_a.ctx):
        await catalogue.save_product(catalogue.ProductInput(name="Serum", category="care", tags="care"))
    auth = await _auth(tenant_a)
    services = (await api.get("/api/v1/catalogue/services", headers=auth)).json()
    assert [(s["name"], s["duration_minutes"], s["buffer_after_minutes"]) for s in services] == [
        ("Facial", 60, 15)
    ]
    products = (await api.get("/api/v1/catalogue/products", headers=auth)).json()
    assert [(p["name"], p["tags"], p["warranty_days"]) for p in products] == [("Serum", ["care"], 90)]

    body = {
        "client_id": str(b.client_id),
        "service_id": str(b.facial_id),
        "staff_id": str(b.staff_id),
        "starts_at": "2026-03-30T12:00:00+03:00",
    }
    booked = await api.post("/api/v1/appointments", json=body, headers=auth)
    assert booked.status_code == 201, booked.text
    one = booked.json()
    assert (one["starts_at"], one["ends_at"], one["status"]) == (
        "2026-03-30T09:00:00Z",
        "2026-03-30T10:00:00Z",
        "booked",
    )
    clash = await api.post("/api/v1/appointments", json=body, headers=auth)
    assert clash.status_code == 409
    assert clash.json()["errors"] == {"starts_at": "the staff member is already booked at this time"}
    naive = await api.post(
        "/api/v1/appointments", json={**body, "starts_at": "2026-03-30T12:00:00"}, headers=auth
    )
    assert naive.status_code == 422 and "starts_at" in naive.json()["errors"]
    odd = await api.post(
        "/api/v1/appointments", json={**body, "starts_at": "2026-03-30T12:05:00+03:00"}, headers=auth
    )
    assert (odd.status_code, odd.json()["errors"]) == (422, {"starts_at": "must start on a 15-minute step"})

    listing = await api.get(
        "/api/v1/appointments",
        params={"branch_id": str(tenant_a.branch_id), "date": "2026-03-30"},
        headers=auth,
    )
    assert [a["id"] for a in listing.json()] == [one["id"]]
    moved = await api.post(
        f"/api/v1/appointments/{one['id']}/move",
        json={"starts_at": "2026-03-31T09:00:00+03:00"},
        headers=auth,
    )
    assert (moved.status_code, moved.json()["status"]) == (201, "moved")
    cancelled = await api.post(
        f"/api/v1/appointments/{one['id']}/cancel",
        json={"reason": "Ill", "cancelled_by": "salon"},
        headers=auth,
    )
    assert (cancelled.json()["status"], cancelled.json()["cancelled_by"]) == ("cancelled", "salon")
    # The salon cancelled: no late cancellation, and no gesture is set for this tenant.
    assert (cancelled.json()["late_cancel"], cancelled.json()["gesture"]) == (False, "")
    bad = await api.post(
        f"/api/v1/appointments/{one['id']}/cancel", json={"reason": "x", "by": "me"}, headers=auth
    )
    assert bad.status_code == 422


async def test_another_tenants_appointments_are_not_found(api, tenant_a, tenant_b, frozen_clock):
    b = await prepare(tenant_a)
    mine = await _auth(tenant_a)
    body = {
        "client_id": str(b.client_id),
        "service_id": str(b.facial_id),
        "staff_id": str(b.staff_id),
        "starts_at": "2026-03-30T12:00:00+03:00",
    }
    booked = (await api.post("/api/v1/appointments", json=body, headers=mine)).json()
    theirs = await _auth(tenant_b)
    assert (await api.get(f"/api/v1/appointments/{booked['id']}", headers=theirs)).status_code == 404
    move = await api.post(
        f"/api/v1/appointments/{booked['id']}/move",
        json={"starts_at": "2026-03-31T09:00:00+03:00"},
        headers=theirs,
    )
    assert move.status_code == 404
    listing = await api.get(
        "/api/v1/appointments",
        params={"branch_id": str(tenant_a.branch_id), "date": "2026-03-30"},
        headers=theirs,
    )
    assert listing.status_code == 404
    assert (await api.post("/api/v1/appointments", json=body, headers=theirs)).status_code == 404
    assert (await api.get("/api/v1/catalogue/services", headers=theirs)).json() == []
