"""The sign-up page: closed without an invitation unless the operator opened it, field errors
named, robots and bursts refused with nothing stored, the verification link opens sign-in;
and the owner's CSV staff import: all or nothing, each refused row named."""

from __future__ import annotations

import dataclasses
import re
import uuid
from datetime import timedelta

import pytest
from litestar.testing import AsyncTestClient
from redis import Redis

from salonkeep.core import public_forms, signup
from salonkeep.core.privacy.tables import StaffNotice
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import NotFound
from salonkeep.tenants.onboarding import find_tenant, list_staff
from salonkeep.web.app import create_app
from salonkeep.web.signup import FORM_SCOPE, SIGNUPS_PER_HOUR

from .staff_helpers import add_person, csrf_of, sign_in

PASSWORD = "Str0ng-Passw0rd"


def _values(slug: str) -> dict[str, str]:
    return {
        "chain_name": "Aurora Beauty",
        "slug": slug,
        "owner_name": "Aino Owner",
        "email": f"aino@{slug}.example",
        "password": PASSWORD,
        "time_zone": "Europe/Helsinki",
        "country": "FI",
        "language": "en",
        "branch_name": "Kamppi",
        "branch_address": "Urho Kekkosen katu 1",
    }


def _fresh_count(settings) -> None:
    """Forget this address's sign-ups (the test client's address is the same in every test)."""
    if settings.redis_url:
        with Redis.from_url(settings.redis_url) as redis:
            redis.delete(public_forms.scoped_address_key(FORM_SCOPE, "testclient"))


async def _hidden(client, query: str = "") -> dict[str, str]:
    page = await client.get(f"/signup{query}")
    assert page.status_code == 200 and 'name="website"' in page.text
    token = re.search(r'name="form_token" value="([^"]+)"', page.text)
    invitation = re.search(r'name="invitation" value="([^"]*)"', page.text)
    assert token and invitation
    return {
        "_csrf_token": csrf_of(page.text),
        "form_token": token.group(1),
        "invitation": invitation.group(1),
    }


async def test_closed_without_an_invitation_open_with_one(backend, frozen_clock):
    slug = f"s-{uuid.uuid4().hex[:10]}"
    token = signup.invitation_token(f"aino@{slug}.example", days=2)
    _fresh_count(backend.settings)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        assert (await client.get("/signup")).status_code == 404
        assert (await client.get("/signup?invitation=forged")).status_code == 404
        hidden = await _hidden(client, f"?invitation={token}")
        page = await client.get(f"/signup?invitation={token}")
        assert f'value="aino@{slug}.example"' in page.text
        frozen_clock.advance(timedelta(seconds=30))
        without = await client.post("/signup", data={**_values(slug), **hidden, "invitation": ""})
        assert without.status_code == 404
        sent = await client.post("/signup", data={**_values(slug), **hidden})
        assert sent.status_code == 200 and "open it to confirm" in sent.text
        again = await client.post(
            "/signup", data={**_values(slug + "x"), **hidden, "email": f"aino@{slug}.example"}
        )
        assert again.status_code == 409 and 'id="invitation-error"' in again.text
    assert (await find_tenant(slug)).status == "unverified"


async def test_the_sign_in_page_points_to_sign_up_only_while_it_is_open(backend):
    for is_open in (False, True):
        settings = dataclasses.replace(backend.settings, public_signup=is_open)
        async with AsyncTestClient(create_app(settings)) as client:
            page = await client.get("/login")
        assert ('href="/signup"' in page.text) is is_open


async def test_public_sign_up_field_errors_robots_and_the_verification_link(backend, frozen_clock):
    settings = dataclasses.replace(backend.settings, public_signup=True)
    slug = f"s-{uuid.uuid4().hex[:10]}"
    _fresh_count(settings)
    async with AsyncTestClient(create_app(settings)) as client:
        hidden = await _hidden(client)
        too_fast = await client.post("/signup", data={**_values(slug), **hidden})
        assert too_fast.status_code == 400 and 'id="form-error"' in too_fast.text
        frozen_clock.advance(timedelta(seconds=30))
        bad = {
            **_values(slug),
            "slug": "No Spaces",
            "email": "nobody",
            "password": "short",
            "branch_address": "",
        }
        refused = await client.post("/signup", data={**bad, **hidden})
        assert refused.status_code == 422
        for field in ("slug", "email", "password", "branch_address"):
            assert f'id="{field}-error"' in refused.text, field
        assert 'id="chain_name-error"' not in refused.text and "Aurora Beauty" in refused.text
        robot = await client.post(
            "/signup", data={**_values(slug), **hidden, "website": "http://spam.example"}
        )
        assert robot.status_code == 200
    with pytest.raises(NotFound):  # nothing is stored for a refused or robotic sign-up
        await find_tenant(slug)

    _fresh_count(settings)
    async with AsyncTestClient(create_app(settings)) as client:
        hidden = await _hidden(client)
        frozen_clock.advance(timedelta(seconds=30))
        sent = await client.post("/signup", data={**_values(slug), **hidden})
        assert sent.status_code == 200
    tenant = await find_tenant(slug)
    async with unit_of_work(TenantContext(tenant_id=tenant.id, actor_label="test")):
        (notice,) = await StaffNotice.objects().where(StaffNotice.tenant_id == tenant.id)
    link = re.search(r"(/signup/verify/\S+)", notice.body)
    assert link
    async with AsyncTestClient(create_app(settings)) as client:
        refused = await sign_in(client, slug, f"aino@{slug}.example", PASSWORD)
        assert refused.status_code == 401
        page = await client.get(link.group(1))
        assert page.status_code == 200
        confirmed = await client.post(link.group(1), data={"_csrf_token": csrf_of(page.text)})
        assert confirmed.status_code == 200 and "/login" in confirmed.text
        signed = await sign_in(client, slug, f"aino@{slug}.example", PASSWORD)
        # signed in: a new owner first signs the confidentiality agreement (403 until then)
        assert str(signed.url).endswith("/app") and 'id="sign-agreement"' in signed.text
    assert (await find_tenant(slug)).status == "active"


async def test_a_burst_of_sign_ups_from_one_address_is_refused(backend, frozen_clock):
    settings = dataclasses.replace(backend.settings, public_signup=True)
    statuses = []
    _fresh_count(settings)
    async with AsyncTestClient(create_app(settings)) as client:
        hidden = await _hidden(client)
        frozen_clock.advance(timedelta(seconds=30))
        for _ in range(SIGNUPS_PER_HOUR + 3):
            bad = {**_values(f"s-{uuid.uuid4().hex[:10]}"), "password": "short"}
            statuses.append((await client.post("/signup", data={**bad, **hidden})).status_code)
    assert statuses == [422] * SIGNUPS_PER_HOUR + [429] * 3


STAFF_CSV = (
    "name,email,role,branch\n"
    "Pia Practitioner,pia@{slug}.example,practitioner,Main street\n"
    "Rita Reception,rita@{slug}.example,reception,Main street\n"
    "Olli Officer,olli@{slug}.example,privacy_officer,\n"
)


async def test_the_owner_invites_staff_from_a_csv_file_all_or_nothing(backend, tenant_a):
    owner = f"owner@{tenant_a.slug}.example"
    good = STAFF_CSV.format(slug=tenant_a.slug).encode()
    bad = (
        "email,name,role,branch\n"
        f"ok@{tenant_a.slug}.example,Ok Person,reception,Main street\n"
        f"nobranch@{tenant_a.slug}.example,No Branch,practitioner,\n"
        "not-an-address,Bad Mail,reception,Main street\n"
        f"ghost@{tenant_a.slug}.example,Ghost,reception,Nowhere\n"
    ).encode()
    manager = await add_person(tenant_a, "branch_manager")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, owner)
        page = await client.get("/app/admin/staff/import")
        assert page.status_code == 200
        token = csrf_of(page.text)
        checklist = await client.get("/app/getting-started")
        assert 'href="/app/admin/staff/import"' in checklist.text
        refused = await client.post(
            "/app/admin/staff/import",
            files={"file": ("staff.csv", bad, "text/csv")},
            data={"_csrf_token": token},
        )
        assert refused.status_code == 422
        assert re.findall(r'data-row="(\d+)"', refused.text) == ["3", "4", "5"]
        done = await client.post(
            "/app/admin/staff/import",
            files={"file": ("staff.csv", good, "text/csv")},
            data={"_csrf_token": token},
        )
        assert done.status_code == 200 and 'id="staff-import-done"' in done.text
    with tenant_scope(tenant_a.ctx):
        emails = {s.email: s.role for s in await list_staff()}
    assert f"ok@{tenant_a.slug}.example" not in emails
    assert emails[f"pia@{tenant_a.slug}.example"] == "practitioner"
    assert emails[f"olli@{tenant_a.slug}.example"] == "privacy_officer"
    async with unit_of_work(tenant_a.ctx):
        queued = await StaffNotice.objects().where(StaffNotice.tenant_id == tenant_a.ctx.tenant_id)
    to = {n.to_address: n.body for n in queued}
    assert set(to) == {f"{name}@{tenant_a.slug}.example" for name in ("pia", "rita", "olli")}
    assert all(f"/t/{tenant_a.slug}/set-password/" in body for body in to.values())
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, manager)
        page = await client.get("/app/admin/staff/import")
        officer = b"name,email,role,branch\nX,x@x.example,privacy_officer,\n"
        forbidden = await client.post(
            "/app/admin/staff/import",
            files={"file": ("staff.csv", officer, "text/csv")},
            data={"_csrf_token": csrf_of(page.text)},
        )
        assert forbidden.status_code == 422 and 'data-row="2"' in forbidden.text
