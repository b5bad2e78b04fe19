"""The banner that says sealing stopped because the audit chain no longer extends its signed
head: on every staff page for the roles that answer for the audit trail (owner, privacy
officer), for no other role (both backends)."""

from __future__ import annotations

import uuid

from litestar.testing import AsyncTestClient

from salonkeep.core.access import Action, can
from salonkeep.core.audit import AuditAction, chain, heads, record
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.web.app import create_app

from ..core.privacy_helpers import owner_sql
from .staff_helpers import ROLES, add_person, csrf, sign_in

PAGES = ("/app", "/app/account", "/app/clients")
BANNER = 'id="audit-alert"'


async def _sealed_chain(backend, world, n: int = 4) -> None:
    with tenant_scope(world.ctx):
        for i in range(n):
            await record(AuditAction.SIGN_IN, subject="staff", subject_id=uuid.uuid4(), reason=f"in {i}")
    assert not (await chain.seal(backend.settings, world.ctx.tenant_id)).refused


async def test_the_tampering_banner_shows_to_owners_and_privacy_officers_only(backend, tenant_a, tenant_b):
    people = {role: await add_person(tenant_a, role) for role in ROLES}
    outsider = await add_person(tenant_b, "owner")
    await _sealed_chain(backend, tenant_a)
    await _sealed_chain(backend, tenant_b)
    tid = tenant_a.ctx.tenant_id
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, people["owner"])
        assert BANNER not in (await client.get("/app")).text  # no alert yet

    top = await owner_sql(backend, tid, "select max(seq) as top from audit_event where tenant_id = $1", tid)
    await owner_sql(
        backend, tid, "delete from audit_event where tenant_id = $1 and seq = $2", tid, top[0]["top"]
    )
    assert tid in (await chain.seal(backend.settings)).refused
    assert heads.read_alert(backend.settings, tid) is not None

    for role, email in people.items():
        expected = can(TenantContext(tenant_id=tid, role=role), Action.AUDIT_VIEW)
        assert expected == (role in {"owner", "privacy_officer"})
        async with AsyncTestClient(create_app(backend.settings)) as client:
            assert (await sign_in(client, tenant_a.slug, email)).status_code == 200
            for path in PAGES:
                page = await client.get(path)
                assert page.status_code == 200, (role, path)
                assert (BANNER in page.text) == expected, (role, path)
                if expected:
                    assert "were deleted" in page.text
            if role == "privacy_officer":
                verified = await client.post(
                    "/app/privacy/audit/verify", data={"_csrf_token": await csrf(client)}
                )
                assert "Chain broken" in verified.text and BANNER in verified.text
    async with AsyncTestClient(create_app(backend.settings)) as client:  # another tenant's owner
        await sign_in(client, tenant_b.slug, outsider)
        assert BANNER not in (await client.get("/app")).text
