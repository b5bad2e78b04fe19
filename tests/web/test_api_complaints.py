"""The complaints API: record, list and read with a branch key; malformed ids are a 404 in the
path and a 422 naming the parameter in the query; another tenant's complaint is not found."""

from __future__ import annotations

import uuid

import httpx
import pytest

from salonkeep.core.apikeys.service import create_api_key
from salonkeep.tenants.context import tenant_scope
from salonkeep.web.app import create_app


@pytest.fixture
async def api(backend):
    transport = httpx.ASGITransport(app=create_app(backend.settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def _auth(world) -> dict[str, str]:
    with tenant_scope(world.ctx):
        _, key = await create_api_key("complaints key", "reception", "Main street")
    return {"Authorization": f"Bearer {key}"}


async def test_record_list_and_read_a_complaint(api, tenant_a, tenant_b):
    auth = await _auth(tenant_a)
    body = {
        "branch_id": str(tenant_a.branch_id),
        "channel": "phone",
        "about": "service",
        "description": "The colour faded within a week.",
    }
    made = await api.post("/api/v1/complaints", json=body, headers=auth)
    assert made.status_code == 201, made.text
    complaint = made.json()
    assert complaint["description"] == body["description"] and complaint["channel"] == "phone"

    listed = await api.get("/api/v1/complaints", params={"branch_id": str(tenant_a.branch_id)}, headers=auth)
    assert listed.status_code == 200 and [c["id"] for c in listed.json()] == [complaint["id"]]
    read = await api.get(f"/api/v1/complaints/{complaint['id']}", headers=auth)
    assert read.status_code == 200 and read.json()["id"] == complaint["id"]

    # Another tenant's key does not find it.
    other = await api.get(f"/api/v1/complaints/{complaint['id']}", headers=await _auth(tenant_b))
    assert other.status_code == 404


async def test_malformed_ids_name_what_is_wrong(api, tenant_a):
    auth = await _auth(tenant_a)
    missing = await api.get(f"/api/v1/complaints/{uuid.uuid4()}", headers=auth)
    malformed = await api.get("/api/v1/complaints/not-an-id", headers=auth)
    assert missing.status_code == malformed.status_code == 404
    bad_branch = await api.get("/api/v1/complaints", params={"branch_id": "nope"}, headers=auth)
    assert bad_branch.status_code == 422 and "branch_id" in bad_branch.text
    refused = await api.post(
        "/api/v1/complaints",
        json={
            "branch_id": str(tenant_a.branch_id),
            "channel": "carrier pigeon",
            "about": "service",
            "description": "x",
        },
        headers=auth,
    )
    assert refused.status_code == 422 and "channel" in refused.text
    listed = await api.get("/api/v1/complaints", headers=auth)
    assert listed.status_code == 200 and listed.json() == []  # nothing half-written
