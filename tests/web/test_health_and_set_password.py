"""The web process: health checks and the one-time set-password link."""

from __future__ import annotations

import dataclasses
import re

from litestar.testing import AsyncTestClient

from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.onboarding import add_staff
from salonkeep.tenants.passwords import verify_password
from salonkeep.tenants.tables import StaffMember
from salonkeep.web.app import create_app


async def test_healthz_is_ok_with_database_and_redis(backend):
    async with AsyncTestClient(create_app(backend.settings)) as client:
        response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "ok", "status": "ok"}


async def test_healthz_names_a_missing_redis(backend):
    settings = dataclasses.replace(backend.settings, redis_url="redis://127.0.0.1:1/0")
    async with AsyncTestClient(create_app(settings)) as client:
        response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "redis": "failing", "status": "failing"}


def _csrf(page: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', page)
    assert match, "the form carries a CSRF token"
    return match.group(1)


async def test_set_password_link_works_once(backend, tenant_a):
    with tenant_scope(tenant_a.ctx):
        staff, token = await add_staff(email="new@example.com", name="New", role="reception")
    url = f"/t/{tenant_a.slug}/set-password/{token}"
    async with AsyncTestClient(create_app(backend.settings)) as client:
        page = await client.get(url)
        assert page.status_code == 200
        csrf = _csrf(page.text)
        refused = await client.post(url, data={"password": "Salon123x", "password_again": "x"})
        assert refused.status_code == 403  # no CSRF token
        weak = await client.post(
            url, data={"password": "salon123", "password_again": "salon123", "_csrf_token": csrf}
        )
        assert weak.status_code == 422
        assert "upper-case letter" in weak.text
        done = await client.post(
            url, data={"password": "Kukka-Kaali-42", "password_again": "Kukka-Kaali-42", "_csrf_token": csrf}
        )
        assert done.status_code == 200 and "password is set" in done.text
        again = await client.post(
            url, data={"password": "Kukka-Kaali-43", "password_again": "Kukka-Kaali-43", "_csrf_token": csrf}
        )
        assert again.status_code == 404
    with tenant_scope(tenant_a.ctx):
        from salonkeep.tenants.db import unit_of_work

        async with unit_of_work():
            row = await StaffMember.objects().where(StaffMember.id == staff.id).first()
    assert verify_password(row.password_hash, "Kukka-Kaali-42")


async def test_set_password_link_of_another_tenant_is_unknown(backend, tenant_a, tenant_b):
    with tenant_scope(tenant_a.ctx):
        _, token = await add_staff(email="cross@example.com", name="C", role="reception")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        page = await client.get(f"/t/{tenant_b.slug}/set-password/{token}")
        csrf = _csrf(page.text)
        response = await client.post(
            f"/t/{tenant_b.slug}/set-password/{token}",
            data={"password": "Kukka-Kaali-42", "password_again": "Kukka-Kaali-42", "_csrf_token": csrf},
        )
    assert response.status_code == 404


async def test_unknown_tenant_page_is_404(backend):
    async with AsyncTestClient(create_app(backend.settings)) as client:
        response = await client.get("/t/nobody-here/set-password/abc")
    assert response.status_code == 404
