"""The JSON API: API keys, the role matrix, tenant isolation (404), field-level 422s, OpenAPI."""

from __future__ import annotations

import dataclasses
from uuid import UUID

import httpx
import pytest

from salonkeep.core import consent
from salonkeep.core.apikeys.service import create_api_key, list_api_keys, revoke_api_key
from salonkeep.core.clients.service import ClientInput, create_client, search_clients
from salonkeep.core.visits.service import client_history, record_service
from salonkeep.tenants.context import tenant_scope
from salonkeep.web.app import create_app

ROLES = ("owner", "branch_manager", "practitioner", "reception", "privacy_officer")
HEALTH_VALUES = ("Latex", "Pregnant, week 20")
#: The client fields each role gets in API responses (besides id, names, branch and times).
EXPECTED_FIELDS = {
    "owner": {
        "kind",
        "date_of_birth",
        "phone",
        "email",
        "preferred_locale",
        "needs",
        "allergies",
        "health_notes",
    },
    "privacy_officer": {
        "kind",
        "date_of_birth",
        "phone",
        "email",
        "preferred_locale",
        "needs",
        "allergies",
        "health_notes",
    },
    "practitioner": {
        "kind",
        "date_of_birth",
        "phone",
        "email",
        "preferred_locale",
        "needs",
        "allergies",
        "health_notes",
    },
    "branch_manager": {"kind", "date_of_birth", "phone", "email", "preferred_locale", "needs"},
    "reception": {"kind", "date_of_birth", "phone", "email", "preferred_locale"},
}
#: What each role may do through the API.
EXPECTED_ACTIONS = {
    "owner": {"create", "edit", "edit_health", "record"},
    "privacy_officer": set(),
    "practitioner": {"create", "edit", "edit_health", "record"},
    "branch_manager": {"create", "edit", "record"},
    "reception": {"create", "edit", "record"},
}
BASE_KEYS = {"id", "branch_id", "first_name", "last_name", "created_at", "updated_at"}


async def _key(world, role: str, name: str | None = None) -> str:
    with tenant_scope(world.ctx):
        _, key = await create_api_key(name or f"{role} key", role, "Main street")
    return key


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
async def health_client(tenant_a):
    with tenant_scope(tenant_a.ctx):
        client = await create_client(
            ClientInput(
                branch_id=tenant_a.branch_id,
                first_name="Ella",
                last_name="Virtanen",
                phone="040 765 4321",
                needs="Dry skin",
                allergies=HEALTH_VALUES[0],
                health_notes=HEALTH_VALUES[1],
            )
        )
        await record_service(
            client.id, service="Filler", category="medical_aesthetics", notes="Bruising risk"
        )
    return client


@pytest.fixture
async def api(backend):
    """The app in the test's event loop, on the test's engine (the lifespan is not run: it
    would bind a second engine from the test client's own event loop)."""
    transport = httpx.ASGITransport(app=create_app(backend.settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.mark.parametrize("role", ROLES)
async def test_each_role_gets_its_fields_and_never_more(api, tenant_a, health_client, role):
    auth = _auth(await _key(tenant_a, role))
    one = await api.get(f"/api/v1/clients/{health_client.id}", headers=auth)
    found = await api.get("/api/v1/clients", params={"q": "Ella"}, headers=auth)
    history = await api.get(f"/api/v1/clients/{health_client.id}/history", headers=auth)
    assert one.status_code == 200 and found.status_code == 200 and history.status_code == 200
    assert set(one.json()) == BASE_KEYS | EXPECTED_FIELDS[role]
    assert [set(c) for c in found.json()] == [BASE_KEYS | EXPECTED_FIELDS[role]]
    sees_health = "allergies" in EXPECTED_FIELDS[role]
    assert ("notes" in history.json()["visits"][0]) == sees_health
    for response in (one, found):
        for value in HEALTH_VALUES:
            assert (value in response.text) == sees_health, (role, value)
    assert ("Bruising risk" in history.text) == sees_health


@pytest.mark.parametrize("role", ROLES)
async def test_each_role_may_do_what_its_table_says(api, tenant_a, health_client, frozen_clock, role):
    auth = _auth(await _key(tenant_a, role))
    allowed = EXPECTED_ACTIONS[role]
    cid = health_client.id
    created = await api.post(
        "/api/v1/clients", json={"branch_id": str(tenant_a.branch_id), "first_name": "New"}, headers=auth
    )
    assert created.status_code == (201 if "create" in allowed else 403)
    edited = await api.patch(f"/api/v1/clients/{cid}", json={"last_name": "Korhonen"}, headers=auth)
    assert edited.status_code == (200 if "edit" in allowed else 403)
    if "edit" in allowed:
        assert edited.json()["last_name"] == "Korhonen" and edited.json()["phone"] == "+358407654321"
    health = await api.patch(f"/api/v1/clients/{cid}", json={"allergies": "Nickel"}, headers=auth)
    assert health.status_code == (200 if "edit_health" in allowed else 403)
    expected = 201 if "record" in allowed else 403
    service = await api.post(
        f"/api/v1/clients/{cid}/services", json={"service": "Facial", "category": "facial"}, headers=auth
    )
    sale = await api.post(
        f"/api/v1/clients/{cid}/sales",
        json={"product": "Serum", "category": "care", "quantity": 2, "price_cents": 4900},
        headers=auth,
    )
    assert (service.status_code, sale.status_code) == (expected, expected)
    with tenant_scope(tenant_a.ctx):
        history = await client_history(cid)
    assert len(history.sales) == (1 if "record" in allowed else 0)
    if "record" in allowed:
        assert sale.json()["quantity"] == 2
        assert "Nickel" not in service.text and HEALTH_VALUES[0] not in service.text


async def test_reception_edit_keeps_health_data_it_cannot_see(api, tenant_a, health_client):
    auth = _auth(await _key(tenant_a, "reception"))
    response = await api.patch(
        f"/api/v1/clients/{health_client.id}", json={"email": "ella@example.com"}, headers=auth
    )
    assert response.status_code == 200
    assert "allergies" not in response.json() and "needs" not in response.json()
    with tenant_scope(tenant_a.ctx):
        (stored,) = await search_clients("Ella")
    assert (stored.allergies, stored.health_notes, stored.needs) == (*HEALTH_VALUES, "Dry skin")
    assert stored.email == "ella@example.com"


async def test_branch_key_sees_only_its_branch(api, tenant_a, health_client):
    from salonkeep.tenants.onboarding import add_branch

    with tenant_scope(tenant_a.ctx):
        await add_branch(name="Harbour")
        _, key = await create_api_key("harbour desk", "reception", "Harbour")
    auth = _auth(key)
    assert (await api.get(f"/api/v1/clients/{health_client.id}", headers=auth)).status_code == 404
    assert (await api.get("/api/v1/clients", params={"q": "Ella"}, headers=auth)).json() == []


async def test_every_object_of_another_tenant_is_not_found(
    api, tenant_a, tenant_b, health_client, frozen_clock
):
    key_b = _auth(await _key(tenant_b, "owner"))
    cid = health_client.id
    calls = [
        ("GET", f"/api/v1/clients/{cid}", None),
        ("PATCH", f"/api/v1/clients/{cid}", {"first_name": "Hijack"}),
        ("GET", f"/api/v1/clients/{cid}/history", None),
        ("POST", f"/api/v1/clients/{cid}/services", {"service": "Facial", "category": "facial"}),
        ("POST", f"/api/v1/clients/{cid}/sales", {"product": "Serum", "category": "care"}),
    ]
    for method, url, body in calls:
        response = await api.request(method, url, json=body, headers=key_b)
        assert response.status_code == 404, (method, url, response.text)
        assert "Ella" not in response.text
    # Creating a client in A's branch with B's key: the branch does not exist for B.
    refused = await api.post(
        "/api/v1/clients", json={"branch_id": str(tenant_a.branch_id), "first_name": "X"}, headers=key_b
    )
    assert refused.status_code == 422 and refused.json()["errors"] == {"branch_id": "no such branch"}
    assert (await api.get("/api/v1/clients", params={"q": "Ella"}, headers=key_b)).json() == []
    # A key of tenant B that claims tenant A in its first part is just an invalid key.
    forged = key_b["Authorization"].replace(tenant_b.ctx.tenant_id.hex, tenant_a.ctx.tenant_id.hex)
    assert (await api.get(f"/api/v1/clients/{cid}", headers={"Authorization": forged})).status_code == 401
    with tenant_scope(tenant_a.ctx):
        history = await client_history(cid)
        (still,) = await search_clients("Ella")
    assert len(history.visits) == 1 and not history.sales and not history.appointments
    assert still.first_name == "Ella"


async def test_missing_bad_and_revoked_keys_are_401(api, tenant_a, health_client):
    url = f"/api/v1/clients/{health_client.id}"
    key = await _key(tenant_a, "owner")
    assert (await api.get(url, headers=_auth(key))).status_code == 200
    for headers in (
        {},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer nonsense"},
        {"Authorization": f"Bearer {key[:-2]}xx"},
        {"Authorization": f"Bearer sk_{'0' * 32}_abc_def"},
    ):
        response = await api.get(url, headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"] == "Bearer"
        assert "Ella" not in response.text
    with tenant_scope(tenant_a.ctx):
        (row,) = [k for k in await list_api_keys() if k.name == "owner key"]
        assert row.last_used_at is not None
        assert key.split("_")[-1] not in row.secret_hash
        await revoke_api_key(row.id)
    assert (await api.get(url, headers=_auth(key))).status_code == 401
    assert (await api.post("/api/v1/clients", json={}, headers={})).status_code == 401


async def test_bad_input_names_the_field_and_saves_nothing(api, tenant_a, frozen_clock, health_client):
    auth = _auth(await _key(tenant_a, "owner"))
    branch = str(tenant_a.branch_id)
    cases = [
        ({"branch_id": branch, "first_name": "Bad", "email": "not-an-email"}, {"email"}),
        ({"branch_id": branch, "first_name": " ", "kind": "vip"}, {"first_name", "kind"}),
        ({"branch_id": branch, "first_name": 42}, {"first_name"}),
        ({"branch_id": "not-a-uuid", "first_name": "Bad"}, {"branch_id"}),
        ({"first_name": "Bad"}, {"branch_id"}),
        ({"branch_id": branch, "first_name": "Bad", "date_of_birth": "yesterday"}, {"date_of_birth"}),
        ({"branch_id": branch, "first_name": "Bad", "favourite": "x"}, {"favourite"}),
        ([1, 2], {"body"}),
    ]
    for body, fields in cases:
        response = await api.post("/api/v1/clients", json=body, headers=auth)
        assert response.status_code == 422, (body, response.text)
        assert set(response.json()["errors"]) == fields, (body, response.json())
    broken = await api.post(
        "/api/v1/clients", content=b'{"first_name": ', headers={**auth, "Content-Type": "application/json"}
    )
    assert broken.status_code == 422 and set(broken.json()["errors"]) == {"body"}
    cid = health_client.id
    sale = await api.post(
        f"/api/v1/clients/{cid}/sales", json={"product": "", "category": "cheese"}, headers=auth
    )
    assert sale.status_code == 422
    assert set(sale.json()["errors"]) == {"product", "category"}
    # Bounds stated in the schema are checked first, field by field.
    none = await api.post(
        f"/api/v1/clients/{cid}/sales",
        json={"product": "Serum", "category": "care", "quantity": 0},
        headers=auth,
    )
    assert none.status_code == 422 and set(none.json()["errors"]) == {"quantity"}
    typed = await api.post(
        f"/api/v1/clients/{cid}/sales",
        json={"product": "Serum", "category": "care", "quantity": "two"},
        headers=auth,
    )
    assert typed.status_code == 422 and set(typed.json()["errors"]) == {"quantity"}
    edit = await api.patch(
        f"/api/v1/clients/{cid}", json={"first_name": "Changed", "phone": "12"}, headers=auth
    )
    assert edit.status_code == 422 and set(edit.json()["errors"]) == {"phone"}
    limit = await api.get("/api/v1/clients", params={"limit": 1000}, headers=auth)
    assert limit.status_code == 422 and set(limit.json()["errors"]) == {"limit"}
    with tenant_scope(tenant_a.ctx):
        assert await search_clients("Bad") == []
        (ella,) = await search_clients("Ella")
        history = await client_history(cid)
    assert ella.first_name == "Ella" and ella.phone == "+358407654321"
    assert not history.sales and not history.appointments


async def test_unknown_client_ids_are_404_and_delete_is_not_offered(api, tenant_a, health_client):
    auth = _auth(await _key(tenant_a, "owner"))
    for url in ("/api/v1/clients/not-a-uuid", "/api/v1/clients/00000000-0000-0000-0000-000000000000"):
        assert (await api.get(url, headers=auth)).status_code == 404
    assert (await api.delete(f"/api/v1/clients/{health_client.id}", headers=auth)).status_code == 405


async def test_openapi_schema_lists_the_endpoints(api):
    response = await api.get("/api/v1/schema/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    assert set(paths["/api/v1/clients"]) == {"get", "post"}
    assert set(paths["/api/v1/clients/{client_id}"]) == {"get", "patch"}
    for tail in ("history", "services", "sales"):
        assert f"/api/v1/clients/{{client_id}}/{tail}" in paths
    # Booking is the appointments API's only (the booking rules, the double-booking refusal).
    assert "/api/v1/clients/{client_id}/appointments" not in paths
    assert "post" in paths["/api/v1/appointments"]
    assert schema["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"
    assert "ClientOut" in str(schema["components"]["schemas"])


async def test_api_is_not_subject_to_csrf_but_forms_still_are(api, tenant_a):
    auth = _auth(await _key(tenant_a, "owner"))
    created = await api.post(
        "/api/v1/clients", json={"branch_id": str(tenant_a.branch_id), "first_name": "Csrf"}, headers=auth
    )
    assert created.status_code == 201
    assert (await api.post("/t/x/set-password/abc", data={"password": "x"})).status_code == 403


async def test_create_key_validates_its_input(tenant_a):
    from salonkeep.tenants.errors import ValidationFailed

    with tenant_scope(tenant_a.ctx):
        with pytest.raises(ValidationFailed) as bad:
            await create_api_key("", "janitor")
        assert set(bad.value.errors) == {"name", "role"}
        with pytest.raises(ValidationFailed) as branchless:
            await create_api_key("desk", "reception")
        assert set(branchless.value.errors) == {"branch"}
        with pytest.raises(ValidationFailed) as unknown:
            await create_api_key("desk", "reception", "Nowhere")
        assert set(unknown.value.errors) == {"branch"}
        owner_key, _ = await create_api_key("all", "owner")
        assert owner_key.branch_id is None
    from salonkeep.core.access import Forbidden

    manager = dataclasses.replace(tenant_a.ctx, role="branch_manager")
    with tenant_scope(manager), pytest.raises(Forbidden):
        await create_api_key("escalate", "owner")


async def test_consent_state_per_purpose(api, tenant_a, tenant_b, health_client):
    with tenant_scope(tenant_a.ctx):
        await consent.grant(
            health_client.id, consent.Purpose.GREETINGS, channel="paper_scanned", wording_shown="greetings ok"
        )
        await consent.withdraw(
            health_client.id, consent.Purpose.GREETINGS, channel="paper_scanned", wording_shown="no more"
        )
    auth = _auth(await _key(tenant_a, "reception"))
    response = await api.get(f"/api/v1/clients/{health_client.id}/consent", headers=auth)
    assert response.status_code == 200
    assert [(c["purpose"], c["granted"], c["channel"]) for c in response.json()] == [
        ("greetings", False, "paper_scanned")
    ]
    other = _auth(await _key(tenant_b, "owner"))
    assert (await api.get(f"/api/v1/clients/{health_client.id}/consent", headers=other)).status_code == 404


async def test_after_a_withdrawal_nothing_marketing_is_queued_through_the_api(api, tenant_a, frozen_clock):
    """The consent gate holds for events that arrive through the API too."""
    from salonkeep.core.aftercare.calls import client_touchpoints

    auth = _auth(await _key(tenant_a, "owner"))
    created = await api.post(
        "/api/v1/clients",
        json={"branch_id": str(tenant_a.branch_id), "first_name": "Greta", "date_of_birth": "1990-05-02"},
        headers=auth,
    )
    assert created.status_code == 201
    client_id = UUID(created.json()["id"])

    async def queued_marketing() -> list[str]:
        with tenant_scope(tenant_a.ctx):
            return [
                t.purpose
                for t in await client_touchpoints(client_id)
                if t.kind == "message" and t.status == "queued" and t.purpose in consent.MARKETING
            ]

    with tenant_scope(tenant_a.ctx):
        await consent.grant(client_id, "greetings", channel="in_store_tablet", wording_shown="Greetings")
    assert "greetings" in await queued_marketing()  # the birthday greetings are planned
    with tenant_scope(tenant_a.ctx):
        await consent.withdraw(client_id, "greetings", channel="phone_call", wording_shown="No more")
    assert await queued_marketing() == []  # cancelled at once
    for path, body in (
        ("services", {"service": "Hydrating facial", "category": "facial"}),
        ("sales", {"product": "Serum", "category": "care"}),
    ):
        response = await api.post(f"/api/v1/clients/{client_id}/{path}", json=body, headers=auth)
        assert response.status_code == 201, response.text
    assert await queued_marketing() == []


async def test_a_referral_is_recorded_through_the_api(api, tenant_a, tenant_b, frozen_clock):
    auth = _auth(await _key(tenant_a, "reception"))
    with tenant_scope(tenant_a.ctx):
        member = await create_client(
            ClientInput(branch_id=tenant_a.branch_id, first_name="Ritva", kind="member")
        )
        guest = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Gia"))
    url = f"/api/v1/clients/{guest.id}/referral"
    bad = await api.post(url, json={"referrer_id": "nope"}, headers=auth)
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"referrer_id"}
    not_member = await api.post(url, json={"referrer_id": str(guest.id)}, headers=auth)
    assert not_member.status_code == 422 and set(not_member.json()["errors"]) == {"referrer_id"}
    done = await api.post(url, json={"referrer_id": str(member.id)}, headers=auth)
    assert done.status_code == 201, done.text
    assert done.json() == {"guest_id": str(guest.id), "referrer_id": str(member.id)}
    again = await api.post(url, json={"referrer_id": str(member.id)}, headers=auth)
    assert again.status_code == 409
    # Another tenant's key finds neither client.
    other = _auth(await _key(tenant_b, "owner"))
    assert (await api.post(url, json={"referrer_id": str(member.id)}, headers=other)).status_code == 404
