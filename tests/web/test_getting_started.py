"""The owner's getting-started checklist: each step turns from "to do" to "done" when its data
exists; other roles get 403."""

from __future__ import annotations

import dataclasses
import re

from litestar.testing import AsyncTestClient

from salonkeep.core.catalogue.service import ServiceInput, save_service
from salonkeep.tenants.context import tenant_scope
from salonkeep.web.app import create_app

from .staff_helpers import add_client, add_person, sign_in


def _states(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-step="([a-z_]+)" data-done="(yes|no)"', page))


async def test_steps_turn_done_as_the_owner_sets_up(backend, tenant_a):
    owner = f"owner@{tenant_a.slug}.example"
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, owner)
        before = _states((await client.get("/app/getting-started")).text)
    assert list(before) == [
        "branches",
        "staff",
        "catalogue",
        "programmes",
        "privacy_policy",
        "sender",
        "clients",
    ]
    assert before["clients"] == "no" and before["staff"] == "no" and before["catalogue"] == "no"
    await add_client(tenant_a)
    owner_ctx = dataclasses.replace(tenant_a.ctx, role="owner", actor_id=tenant_a.owner_id)
    with tenant_scope(owner_ctx):
        await save_service(ServiceInput(name="Laser hair removal", category="medical_aesthetics"))
    reception = await add_person(tenant_a, "reception")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, owner)
        after = _states((await client.get("/app/getting-started")).text)
    assert after["clients"] == "yes" and after["staff"] == "yes" and after["catalogue"] == "yes"
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, reception)
        assert (await client.get("/app/getting-started")).status_code == 403
