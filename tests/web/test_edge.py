"""The edge of the web app, walked over every route the app has (derived from ``app.routes``):
security headers on every response, bad input of every class refused with 400/415/422 naming
the field (never a 500, nothing written), request ids, and unhandled errors logged with their
traceback and shown with the request id."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import replace
from typing import Any

import httpx
import pytest
from litestar import Litestar, get
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from salonkeep.core.apikeys.service import create_api_key
from salonkeep.core.apps import all_tables
from salonkeep.tenants import db
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.web import input_guard
from salonkeep.web.app import create_app
from salonkeep.web.workspace.panels import all_sections

from .staff_helpers import add_client, csrf, sign_in

SECURITY_HEADERS = (
    "content-security-policy",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "permissions-policy",
    "x-request-id",
)
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
_INLINE_HANDLER = re.compile(r"<[^>]*\s(?:on[a-z]+|hx-on[:\w-]*)\s*=", re.I)
_INLINE_STYLE = re.compile(r"<style\b|<[^>]*\sstyle\s*=", re.I)


def http_routes(app: Litestar) -> list[tuple[str, HTTPRoute]]:
    """(method, route) for every HTTP route of the app except HEAD/OPTIONS."""
    return [
        (method, route)
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for method in sorted(route.methods - {"HEAD", "OPTIONS"})
    ]


def concrete(route: HTTPRoute, values: dict[str, str], poison: str = "") -> str:
    """The route's path with its parameters filled in (the first one poisoned)."""
    path = route.path_format
    for index, name in enumerate(route.path_parameters):
        value = values.get(name, str(uuid.uuid4()))
        path = path.replace("{" + name + "}", value + (poison if index == 0 else ""))
    if poison and not route.path_parameters:
        path += poison
    return path


class World:
    """A tenant with a client and an owner API key (made before the test client starts: the
    app's lifespan binds its own engine, in the test client's event loop)."""

    def __init__(self, tenant: Any, client_id: uuid.UUID, key: str) -> None:
        self.tenant = tenant
        self.client_id = client_id
        self.auth = {"Authorization": f"Bearer {key}"}
        self.values = {
            "client_id": str(client_id),
            "slug": tenant.slug,
            "token": "not-a-token",
            "name": "follow_up_137",
            "file_path": "salonkeep.css",
            "path": "openapi.json",
            "section": "details",
        }

    def headers_for(self, path: str) -> dict[str, str]:
        return self.auth if path.startswith("/api/") else {}


async def _world(tenant: Any) -> World:
    person = await add_client(tenant)
    with tenant_scope(tenant.ctx):
        _, key = await create_api_key("edge owner", "owner")
    return World(tenant, person.id, key)


def api_client(app: Litestar) -> httpx.AsyncClient:
    """A client of the app in the test's event loop, on the test's engine (no lifespan: the
    API needs none), so the test can read the database between requests."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


def rebind_test_engine(request: pytest.FixtureRequest, backend: Any) -> None:
    """After a test client's lifespan: the tables back on the test's own engine."""
    db.bind(request.getfixturevalue(f"{backend.name}_engine"), all_tables())


async def tenant_rows(tenant: Any) -> dict[str, int]:
    """How many rows the tenant has in every tenant table."""
    counts: dict[str, int] = {}
    with tenant_scope(tenant.ctx):
        async with unit_of_work(tenant.ctx):
            for table in all_tables():
                column = getattr(table, "tenant_id", None)
                if column is not None:
                    counts[table._meta.tablename] = await table.count().where(column == tenant.ctx.tenant_id)
    return counts


def assert_security_headers(response: Any, what: str) -> None:
    for name in SECURITY_HEADERS:
        assert response.headers.get(name), (what, response.status_code, name)
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy, what
    assert (
        "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert response.headers["x-content-type-options"] == "nosniff", what
    path = str(response.request.url.path)
    if path.startswith(("/api/", "/app")):
        assert response.headers.get("cache-control") == "no-store", (
            what,
            response.headers.get("cache-control"),
        )
    if "text/html" in response.headers.get("content-type", ""):
        text = response.text
        assert not _INLINE_SCRIPT.search(text), (what, _INLINE_SCRIPT.search(text))
        assert not _INLINE_HANDLER.search(text), (what, _INLINE_HANDLER.search(text))
        assert not _INLINE_STYLE.search(text), (what, _INLINE_STYLE.search(text))


async def test_every_response_carries_the_security_headers(backend, tenant_a):
    app = create_app(backend.settings)

    @get("/test-only/boom", include_in_schema=False)
    async def boom() -> None:
        raise RuntimeError("boom for the header test")

    gets = [route for method, route in http_routes(app) if method == "GET"]
    app.register(boom)  # after the walk's routes were taken
    world = await _world(tenant_a)
    async with AsyncTestClient(app) as client:
        assert len(gets) > 40  # the walk covers the whole app, not a sample
        responses = []
        for route in gets:  # anonymous
            path = concrete(route, world.values)
            responses.append((f"anonymous GET {path}", await client.get(path, follow_redirects=False)))
        assert (await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example")).status_code == 200
        for route in gets:  # the signed-in owner (an owner key for the API)
            if route.path_format == "/app/lock":
                continue  # would lock the session for the rest of the walk; locked below
            path = concrete(route, world.values)
            response = await client.get(path, headers=world.headers_for(path), follow_redirects=False)
            responses.append((f"owner GET {path}", response))
        for section in all_sections():  # every profile section, as a page and for htmx
            path = f"/app/clients/{world.client_id}/s/{section.key}"
            for headers in ({}, {"HX-Request": "true"}):
                response = await client.get(path, headers=headers)
                assert response.status_code == 200, (path, headers)
                responses.append((f"owner GET {path} {headers}", response))
        errors = {
            "404 page": await client.get("/no-such-page"),
            "404 staff": await client.get(f"/app/clients/{uuid.uuid4()}"),
            "404 section": await client.get(f"/app/clients/{uuid.uuid4()}/s/details"),
            "404 no section": await client.get(f"/app/clients/{world.client_id}/s/no-such-section"),
            "404 api": await client.get(f"/api/v1/clients/{uuid.uuid4()}", headers=world.auth),
            "401 api": await client.get("/api/v1/clients"),
            "422 api": await client.get("/api/v1/clients?limit=100000", headers=world.auth),
            "405 api": await client.delete(f"/api/v1/clients/{world.client_id}", headers=world.auth),
            "400 edge": await client.get("/login?tenant=auro%00ra"),
            "415 api": await client.post(
                "/api/v1/clients", content=b"<client/>", headers={**world.auth, "content-type": "text/xml"}
            ),
            "500 page": await client.get("/test-only/boom"),
            "locked": await client.get("/app/lock", follow_redirects=False),
        }
        assert errors["500 page"].status_code == 500 and errors["422 api"].status_code == 422
        assert errors["404 section"].status_code == errors["404 no section"].status_code == 404
        for shown in ("404 staff", "500 page", "400 edge"):  # pages name their request id
            assert errors[shown].headers["x-request-id"] in errors[shown].text, shown
        for shown in ("404 api", "422 api", "401 api", "415 api"):
            assert errors[shown].json()["request_id"] == errors[shown].headers["x-request-id"], shown
        responses.extend(errors.items())
        for what, response in responses:
            assert response.status_code != 500 or what == "500 page", (what, response.text[:300])
            assert_security_headers(response, what)


async def test_hsts_only_over_https(backend):
    for base_url, expected in (("https://salon.example", True), ("http://127.0.0.1:8000", False)):
        settings = replace(backend.settings, base_url=base_url)
        async with AsyncTestClient(create_app(settings)) as client:
            response = await client.get("/login")
        assert ("strict-transport-security" in response.headers) == expected, base_url
        if expected:
            assert "max-age=" in response.headers["strict-transport-security"]


async def test_the_schema_is_served_without_any_cdn(backend):
    async with AsyncTestClient(create_app(backend.settings)) as client:
        for path in ("/api/v1/schema", "/api/v1/schema/openapi.json"):
            response = await client.get(path)
            assert response.status_code == 200 and response.json()["openapi"].startswith("3.")
            assert "<script" not in response.text and "cdn" not in response.text.lower()
        for ui in ("swagger", "redoc", "rapidoc", "elements", "scalar"):
            assert (await client.get(f"/api/v1/schema/{ui}")).status_code == 404


def _named(response: Any, field: str) -> bool:
    if response.headers.get("content-type", "").startswith("application/json"):
        return field in response.json().get("errors", {})
    # The page says "field: what is wrong", or names it in words with its code in data-field.
    return f"{field}: " in response.text or f'data-field="{field}"' in response.text


async def test_bad_input_of_every_class_on_every_route_is_refused_naming_the_field(
    backend, tenant_a, request
):
    app = create_app(backend.settings)
    world = await _world(tenant_a)
    async with AsyncTestClient(app) as client:  # sign in (audited) before the count
        assert (await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example")).status_code == 200
        token = await csrf(client)
        cookies = client.cookies
    rebind_test_engine(request, backend)
    before = await tenant_rows(tenant_a)
    async with AsyncTestClient(app) as client:
        client.cookies = cookies
        checked = 0

        async def refused(response: Any, field: str, statuses: tuple[int, ...], what: str) -> None:
            nonlocal checked
            checked += 1
            assert response.status_code in statuses, (what, response.status_code, response.text[:300])
            assert _named(response, field), (what, field, response.text[:300])

        for method, route in http_routes(app):
            if route.path_format.startswith("/app/lock"):
                continue
            path = concrete(route, world.values)
            headers = {**world.headers_for(path), "x-csrftoken": token}
            for raw, what in (("%00", "NUL"), ("%FF", "invalid UTF-8"), ("%ED%A0%80", "encoded surrogate")):
                response = await client.request(method, f"{path}?probe={raw}", headers=headers)
                await refused(response, "probe", (400,), f"{method} {path} query {what}")
                poisoned = concrete(route, world.values, poison=raw)
                response = await client.request(method, poisoned, headers=headers)
                await refused(response, "path", (400,), f"{method} {poisoned} path {what}")
            if method not in ("POST", "PATCH", "PUT"):
                continue
            # JSON bodies are read at the edge whatever the route (staff forms included).
            json_headers = {**headers, "content-type": "application/json"}
            bodies = {
                "NUL in a string": (json.dumps({"probe": "a\x00b"}), "probe", (400,)),
                "lone surrogate": ('{"probe": "\\ud800"}', "probe", (400,)),
                "10,000-deep": ("[" * 10_000 + "]" * 10_000, "body", (400,)),
                "integer of 10^23": (json.dumps({"price_cents": 10**23}), "price_cents", (422,)),
                "invalid UTF-8": (b'{"probe": "\xff"}', "body", (400,)),
            }
            for what, (body, field, statuses) in bodies.items():
                response = await client.request(method, path, content=body, headers=json_headers)
                await refused(response, field, statuses, f"{method} {path} {what}")
            if path.startswith("/api/"):
                for media, body in (("text/plain", '{"first_name": "X"}'), ("application/xml", "<a/>")):
                    response = await client.request(
                        method, path, content=body, headers={**world.auth, "content-type": media}
                    )
                    assert response.status_code == 415, (method, path, media, response.text)
                    checked += 1
            else:
                form = {"probe": "a\x00b", "_csrf_token": token}
                response = await client.request(method, path, data=form, headers=headers)
                await refused(response, "probe", (400,), f"{method} {path} form NUL")
                response = await client.request(
                    method,
                    path,
                    content=f"probe=%FF&_csrf_token={token}",
                    headers={**headers, "content-type": "application/x-www-form-urlencoded"},
                )
                await refused(response, "probe", (400,), f"{method} {path} form invalid UTF-8")
                response = await client.request(
                    method,
                    path,
                    files={"probe": ("a.txt", b"a\x00b")},
                    data={"_csrf_token": token},
                    headers=headers,
                )
                if input_guard.upload_limit(path) is not None:
                    # The upload routes take multipart: a part that is not their file is
                    # refused by the route, naming the file.
                    await refused(response, "file", (422,), f"{method} {path} multipart")
                else:
                    await refused(response, "body", (415,), f"{method} {path} multipart")
        assert checked > 300
    rebind_test_engine(request, backend)
    assert await tenant_rows(tenant_a) == before  # nothing written, not even an audit row


async def test_api_body_types_are_strict_and_bounded(backend, tenant_a, frozen_clock):
    """Every integer field of every API body refuses a string; dates outside 1900..now+10y are
    refused; times come back with their offset (UTC)."""
    import typing

    app = create_app(backend.settings)
    world = await _world(tenant_a)
    before = await tenant_rows(tenant_a)
    async with api_client(app) as client:
        strict_checked = 0
        for method, route in http_routes(app):
            if method not in ("POST", "PATCH") or not route.path_format.startswith("/api/"):
                continue
            handler = route.route_handler_map[method][0]
            data = handler.parsed_fn_signature.parameters.get("data")
            if data is None:
                continue
            for field, hint in typing.get_type_hints(data.annotation, include_extras=True).items():
                if "int" not in str(hint):
                    continue
                path = concrete(route, world.values)
                response = await client.request(method, path, json={field: "1"}, headers=world.auth)
                assert response.status_code == 422, (path, field, response.text)
                assert field in response.json()["errors"], (path, field, response.json())
                strict_checked += 1
        assert strict_checked >= 2  # quantity and price_cents at least
        cid = world.client_id
        cases = [
            (
                "/api/v1/clients",
                {"branch_id": str(tenant_a.branch_id), "first_name": "Old", "date_of_birth": "1899-12-31"},
                "date_of_birth",
            ),
            (
                "/api/v1/clients",
                {"branch_id": str(tenant_a.branch_id), "first_name": "Old", "date_of_birth": "0990-05-01"},
                "date_of_birth",
            ),
            (
                f"/api/v1/clients/{cid}/services",
                {"service": "Facial", "category": "facial", "performed_at": "1800-01-01T00:00:00Z"},
                "performed_at",
            ),
            (
                f"/api/v1/clients/{cid}/sales",
                {"product": "Serum", "category": "care", "sold_at": "1850-01-01T00:00:00Z"},
                "sold_at",
            ),
            (
                f"/api/v1/clients/{cid}/services",
                {"service": "Facial", "category": "facial", "performed_at": "2026-03-01T10:00:00"},
                "performed_at",
            ),
        ]
        for path, body, field in cases:
            response = await client.post(path, json=body, headers=world.auth)
            assert response.status_code == 422 and field in response.json()["errors"], (body, response.text)
        assert await tenant_rows(tenant_a) == before
        # Times come back with an offset, in UTC.
        done = await client.post(
            f"/api/v1/clients/{cid}/services",
            json={"service": "Facial", "category": "facial", "performed_at": "2026-03-27T10:30:00+02:00"},
            headers=world.auth,
        )
        assert done.status_code == 201 and done.json()["performed_at"] == "2026-03-27T08:30:00Z"
        history = (await client.get(f"/api/v1/clients/{cid}/history", headers=world.auth)).json()
        assert [v["performed_at"] for v in history["visits"]] == ["2026-03-27T08:30:00Z"]
        assert history["visits"] and all(s["sold_at"].endswith("Z") for s in history["sales"])
        person = (await client.get(f"/api/v1/clients/{cid}", headers=world.auth)).json()
        assert person["created_at"].endswith("Z") and person["updated_at"].endswith("Z")
    async with AsyncTestClient(app) as client:  # the staff form refuses the same years
        assert (await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example")).status_code == 200
        token = await csrf(client)
        form = await client.post(
            "/app/clients",
            data={
                "branch_id": str(tenant_a.branch_id),
                "first_name": "Old",
                "date_of_birth": "1899-01-01",
                "_csrf_token": token,
            },
        )
        assert form.status_code == 422 and "date_of_birth" in form.text
        # A date filter of year 9999 used to overflow (a 500) when a day was added to it.
        for query in ("until=9999-12-31", "since=0001-01-01"):
            audit_page = await client.get(f"/app/privacy/audit?{query}")
            assert audit_page.status_code == 422 and query.split("=")[0] in audit_page.text, query


async def test_a_search_for_the_last_code_point_before_the_surrogates_works(backend, tenant_a):
    """U+D7FF (``%ED%9F%BF``) is a valid character; the search's upper bound used to be the
    surrogate after it, which no database accepts (a 500)."""
    app = create_app(backend.settings)
    world = await _world(tenant_a)
    async with api_client(app) as client:
        api = await client.get("/api/v1/clients?q=%ED%9F%BF", headers=world.auth)
        assert api.status_code == 200 and api.json() == []
    async with AsyncTestClient(app) as client:
        assert (await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example")).status_code == 200
        assert (await client.get("/app/clients?q=%ED%9F%BF")).status_code == 200


async def test_openapi_documents_the_error_responses(backend):
    async with AsyncTestClient(create_app(backend.settings)) as client:
        schema = (await client.get("/api/v1/schema/openapi.json")).json()
    operations = [(path, method, op) for path, item in schema["paths"].items() for method, op in item.items()]
    # clients 9 (referral included; booking is the appointments API's, with its rules),
    # catalogue 2, appointments 5, complaints 4 (list, numbers, read, record), booking requests 5
    # (list, read, confirm, propose, decline)
    assert len(operations) == 25
    for path, method, op in operations:
        expected = {"400", "401", "403", "404", "422"} | (
            {"409", "413", "415"} if method in ("post", "patch") else set()
        )
        assert expected <= set(op["responses"]), (path, method, sorted(op["responses"]))
        for status in expected:
            content = op["responses"][status]["content"]["application/json"]["schema"]
            assert content == {"$ref": "#/components/schemas/ErrorBody"}, (path, method, status, content)
    error_body = schema["components"]["schemas"]["ErrorBody"]
    assert {"detail", "errors", "request_id"} <= set(error_body["properties"])
    assert schema["components"]["schemas"]["SaleIn"]["properties"]["price_cents"]["maximum"] == 100_000_000


async def test_request_id_is_taken_when_sane_and_made_otherwise(backend):
    async with AsyncTestClient(create_app(backend.settings)) as client:
        kept = await client.get("/login", headers={"X-Request-ID": "proxy-1234abcd"})
        assert kept.headers["x-request-id"] == "proxy-1234abcd"
        for insane in ("short", "x" * 65, "has space in it", "<script>alert(1)</script>"):
            made = await client.get("/login", headers={"X-Request-ID": insane})
            assert made.headers["x-request-id"] != insane and re.fullmatch(
                r"[0-9a-f]{32}", made.headers["x-request-id"]
            )
        first, second = await client.get("/login"), await client.get("/login")
        assert first.headers["x-request-id"] != second.headers["x-request-id"]


@pytest.mark.parametrize("path", ["/test-only/boom", "/app/test-only/boom", "/api/v1/test-only/boom"])
async def test_an_unhandled_error_is_logged_with_traceback_and_request_id(backend, caplog, path):
    app = create_app(backend.settings)

    @get(path, include_in_schema=False)
    async def boom() -> None:
        raise RuntimeError("marker-of-the-failure")

    app.register(boom)
    async with AsyncTestClient(app) as client:
        response = await client.get(path, headers={"X-Request-ID": "support-case-0042"})
    assert response.status_code == 500
    request_id = response.headers["x-request-id"]
    assert request_id == "support-case-0042"
    assert "marker-of-the-failure" not in response.text  # no internals to the client
    if path.startswith("/api/"):
        assert response.json() == {"detail": "Internal server error", "request_id": request_id}
    else:
        assert "text/html" in response.headers["content-type"]
        assert "Reference for support: support-case-0042" in response.text
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name.startswith("salonkeep.errors")]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == request_id and line["level"] == "error" and line["path"] == path
    assert "Traceback (most recent call last)" in line["exception"]
    assert "RuntimeError: marker-of-the-failure" in line["exception"]
