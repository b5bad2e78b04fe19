"""Helpers for the staff UI tests: staff of each role, clients and signed-in test clients."""

from __future__ import annotations

import json
import re
import uuid

from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.tenants import scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import add_staff
from salonkeep.tenants.tables import Tenant

PASSWORD = "Str0ng-Passw0rd"
ROLES = ("owner", "branch_manager", "practitioner", "reception", "privacy_officer")


def csrf_of(page: str) -> str:
    """The CSRF token rendered into a page."""
    match = re.search(r'name="_csrf_token" value="([^"]+)"', page)
    assert match, "the page carries a CSRF token"
    return match.group(1)


def form_action(row: str, suffix: str) -> str:
    """The action of the form in ``row`` (a piece of a page) whose address ends with ``suffix``."""
    actions = re.findall(r'action="([^"]+)"', row)
    matching = [action for action in actions if action.endswith(suffix)]
    assert matching, f"a form ending with {suffix!r} among {actions}"
    return matching[0]


async def add_person(world, role: str, *, locale: str | None = None) -> str:
    """A staff member of ``role`` in the world's branch; their e-mail."""
    email = f"{role}-{uuid.uuid4().hex[:6]}@{world.slug}.example"
    with tenant_scope(world.ctx):
        await add_staff(
            email=email,
            name=f"{role.title()} Person",
            role=role,
            branch_names=["Main street"],
            password=PASSWORD,
            agreement_signed=True,
        )
    return email


async def add_client(world, **fields):
    """A client of the world's branch (as the system)."""
    values = {
        "first_name": "Aino",
        "last_name": "Virtanen",
        "phone": "+358401234567",
        "email": "aino@example.com",
        "needs": "Dry skin",
        "allergies": "Latex ALLERGY-MARK",
        "health_notes": "Pregnant HEALTH-MARK",
    }
    values.update(fields)
    with tenant_scope(world.ctx):
        return await create_client(ClientInput(branch_id=world.branch_id, **values))


async def set_tenant_settings(world, **settings) -> None:
    """Merge ``settings`` into the tenant's settings JSON."""
    tenant = await Tenant.objects().where(Tenant.id == world.ctx.tenant_id).first()
    current = tenant.settings if isinstance(tenant.settings, dict) else json.loads(tenant.settings or "{}")
    current.update(settings)
    async with unit_of_work(world.ctx):  # the directory row is written as its own tenant
        await scoped.update_tenant({Tenant.settings: json.dumps(current)})


async def sign_in(client, slug: str, email: str, password: str = PASSWORD):
    """Sign in through the form; the final response."""
    page = await client.get("/login")
    return await client.post(
        "/login",
        data={"tenant": slug, "email": email, "password": password, "_csrf_token": csrf_of(page.text)},
    )


async def csrf(client, path: str = "/app/account") -> str:
    """A CSRF token for follow-up posts."""
    return csrf_of((await client.get(path)).text)


def as_browser(client, token: str | None) -> str | None:
    """Switch the test client to the session ``token`` (``None``: no session); the previous one.

    One app per process (the database engine is process-wide), so two "browsers" are two
    session cookies swapped on one test client.
    """
    from salonkeep.web.auth.sessions import COOKIE

    previous = client.cookies.get(COOKIE)
    client.cookies.delete(COOKIE)
    if token:
        client.cookies.set(COOKIE, token, domain="testserver.local")
    return previous
