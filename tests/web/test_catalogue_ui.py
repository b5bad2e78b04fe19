"""The owner's catalogue screen: add and edit services, products and categories, hide an item
or change its price in a branch; bad input names the field; other roles are refused."""

from __future__ import annotations

import re

from litestar.testing import AsyncTestClient

from salonkeep.core.catalogue import service as catalogue
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.onboarding import add_branch
from salonkeep.web.app import create_app

from .staff_helpers import add_person, csrf, sign_in


async def test_owner_manages_the_catalogue(backend, tenant_a):
    with tenant_scope(tenant_a.ctx):
        harbour = await add_branch(name="Harbour")
    owner = await add_person(tenant_a, "owner")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, owner)
        token = await csrf(client, "/app/admin/catalogue")
        page = (await client.get("/app/admin/catalogue")).text
        assert "Medical aesthetics" in page and "medical_aesthetics</option>" not in page
        added = await client.post(
            "/app/admin/catalogue/categories",
            data={"kind": "service", "code": "laser", "label": "Laser", "medical": "1", "_csrf_token": token},
        )
        assert added.status_code == 200  # after the redirect
        service = {
            "name": "Laser hair removal",
            "category": "laser",
            "price": "120.00",
            "duration_minutes": "30",
            "buffer_after_minutes": "10",
            "tags": "laser",
            "medical": "1",
            "active": "1",
            "_csrf_token": token,
        }
        bad = await client.post("/app/admin/catalogue/services", data={**service, "duration_minutes": "half"})
        assert bad.status_code == 422 and "service-duration_minutes-error" in bad.text
        assert (await client.post("/app/admin/catalogue/services", data=service)).status_code == 200
        twice = await client.post("/app/admin/catalogue/services", data=service)
        assert twice.status_code == 409 and "service-name-error" in twice.text
        await client.post(
            "/app/admin/catalogue/products",
            data={"name": "Serum", "category": "care", "price": "49.90", "active": "1", "_csrf_token": token},
        )
        listing = (await client.get("/app/admin/catalogue")).text
        # (the database is read after the client closes: the app's engine lives in its loop)
        laser_id = re.search(r'/app/admin/catalogue/services/([0-9a-f-]{36})"', listing).group(1)
        serum_id = re.search(r'id="product-([0-9a-f-]{36})"', listing).group(1)
        edit = await client.get(f"/app/admin/catalogue/services/{laser_id}")
        assert 'value="Laser hair removal"' in edit.text
        await client.post(
            f"/app/admin/catalogue/services/{laser_id}",
            data={**service, "price": "130", "duration_minutes": "45"},
        )
        hide = await client.post(
            "/app/admin/catalogue/branch",
            data={
                "branch_id": str(harbour.id),
                "kind": "service",
                "item_id": str(laser_id),
                "hidden": "1",
                "_csrf_token": token,
            },
        )
        assert hide.status_code == 200
        await client.post(
            "/app/admin/catalogue/branch",
            data={
                "branch_id": str(harbour.id),
                "kind": "product",
                "item_id": str(serum_id),
                "price": "39.90",
                "_csrf_token": token,
            },
        )
        harbour_page = (await client.get("/app/admin/catalogue", params={"branch": str(harbour.id)})).text
        assert "39.90" in harbour_page
    with tenant_scope(tenant_a.ctx):
        laser = await catalogue.find_service("Laser hair removal")
        assert laser is not None and laser.medical and laser.tags == "laser"
        at_harbour = await catalogue.services(harbour.id)
        products = {o.item.name: o.price_cents for o in await catalogue.products(harbour.id)}
        main = {
            o.item.name: (o.price_cents, o.item.duration_minutes)
            for o in await catalogue.services(tenant_a.branch_id)
        }
    assert at_harbour == [] and products == {"Serum": 3990}
    assert main == {"Laser hair removal": (13000, 45)}


async def test_other_roles_are_refused(backend, tenant_a):
    manager = await add_person(tenant_a, "branch_manager")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, manager)
        assert (await client.get("/app/admin/catalogue")).status_code == 403
        token = await csrf(client)
        refused = await client.post(
            "/app/admin/catalogue/products", data={"name": "Serum", "category": "care", "_csrf_token": token}
        )
        assert refused.status_code == 403
        assert "/app/admin/catalogue" not in (await client.get("/app")).text
    with tenant_scope(tenant_a.ctx):
        assert await catalogue.products(include_hidden=True) == []
