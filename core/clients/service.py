"""Client records: create, read, search and update, always for the current tenant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from piccolo.columns.combination import Combinable

from salonkeep.core.clients.tables import CLIENT_KINDS, Client
from salonkeep.tenants import clock, validation
from salonkeep.tenants.context import current
from salonkeep.tenants.db import contains, unit_of_work
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.tables import Branch


@dataclass
class ClientInput:
    """What staff enter for a client. Empty strings mean "not given"."""

    branch_id: UUID
    first_name: str
    last_name: str = ""
    date_of_birth: date | None = None
    phone: str = ""
    email: str = ""
    kind: str = "new"
    needs: str = ""
    allergies: str = ""
    health_notes: str = ""


async def _validated(data: ClientInput) -> dict[str, Any]:
    ctx = current()
    tenant = await get_tenant(ctx.tenant_id)
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {
        "branch_id": data.branch_id,
        "last_name": data.last_name.strip(),
        "date_of_birth": data.date_of_birth,
        "phone": "",
        "email": "",
        "needs": data.needs.strip(),
        "allergies": data.allergies.strip(),
        "health_notes": data.health_notes.strip(),
    }
    try:
        clean["first_name"] = validation.required_text(data.first_name, "first_name", 100)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if data.phone.strip():
        try:
            clean["phone"] = validation.phone(data.phone, tenant.country)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if data.email.strip():
        try:
            clean["email"] = validation.email(data.email)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if data.kind not in CLIENT_KINDS:
        errors["kind"] = f"choose one of {', '.join(CLIENT_KINDS)}"
    clean["kind"] = data.kind
    if data.date_of_birth and data.date_of_birth > clock.now().date():
        errors["date_of_birth"] = "is in the future"
    if errors:
        raise ValidationFailed(errors)
    return clean


async def _check_branch(branch_id: UUID) -> None:
    ctx = current()
    exists = await Branch.exists().where((Branch.tenant_id == ctx.tenant_id) & (Branch.id == branch_id))
    if not exists:
        raise ValidationFailed({"branch_id": "no such branch"})


async def create_client(data: ClientInput) -> Client:
    """Register a client of the current tenant."""
    ctx = current()
    clean = await _validated(data)
    async with unit_of_work(ctx):
        await _check_branch(data.branch_id)
        now = clock.now()
        client = Client(tenant_id=ctx.tenant_id, created_at=now, updated_at=now)
        for key, value in clean.items():
            setattr(client, key, value)
        await client.save()
    return client


async def get_client(client_id: UUID) -> Client:
    """One client of the current tenant; NotFound for any other id."""
    ctx = current()
    async with unit_of_work(ctx):
        client = (
            await Client.objects()
            .where((Client.tenant_id == ctx.tenant_id) & (Client.id == client_id))
            .first()
        )
    if client is None:
        raise NotFound("no such client")
    return client


async def search_clients(query: str = "", limit: int = 20) -> list[Client]:
    """Clients of the current tenant whose name or phone contains ``query``."""
    ctx = current()
    q = query.strip()
    where: Combinable = Client.tenant_id == ctx.tenant_id
    if q:
        pattern = f"%{q}%"
        where = where & (
            contains(Client.first_name, pattern)
            | contains(Client.last_name, pattern)
            | contains(Client.phone, pattern)
        )
    async with unit_of_work(ctx):
        return (
            await Client.objects()
            .where(where)
            .order_by(Client.last_name)
            .order_by(Client.first_name)
            .limit(limit)
        )


async def update_client(client_id: UUID, data: ClientInput) -> Client:
    """Replace a client's details (all fields are validated before anything is written)."""
    ctx = current()
    clean = await _validated(data)
    async with unit_of_work(ctx):
        await _check_branch(data.branch_id)
        client = (
            await Client.objects()
            .where((Client.tenant_id == ctx.tenant_id) & (Client.id == client_id))
            .first()
        )
        if client is None:
            raise NotFound("no such client")
        for key, value in clean.items():
            setattr(client, key, value)
        client.updated_at = clock.now()
        await client.save()
    return client
