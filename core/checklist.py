"""The owner's getting-started checklist: each step is done or to do, read from the tenant's
own data (nothing is stored for the checklist itself)."""

from __future__ import annotations

from dataclasses import dataclass

from salonkeep.core.access import Action, require
from salonkeep.core.aftercare.tables import ProgrammeSetting
from salonkeep.core.catalogue.tables import CatalogueService
from salonkeep.core.clients.tables import Client
from salonkeep.core.consent.tables import PolicyVersion
from salonkeep.tenants import scoped
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.tables import Branch, StaffMember
from salonkeep.tenants.tenant_settings import raw_settings


@dataclass(frozen=True)
class Step:
    """One step: its key (the web page gives it a label and a link) and whether it is done."""

    key: str
    done: bool


async def checklist() -> list[Step]:
    """The steps, in the order an owner takes them:

    - ``branches``: every branch has an address;
    - ``staff``: someone besides the owners has an account;
    - ``catalogue``: the tenant has services of its own in the catalogue;
    - ``programmes``: the aftercare programmes were reviewed (a choice was saved);
    - ``privacy_policy``: a privacy policy is published;
    - ``sender``: the sender address of e-mail reminders is set;
    - ``clients``: clients exist (registered or imported).
    """
    ctx = current()
    require(ctx, Action.SETTINGS_MANAGE)
    tenant = await get_tenant(ctx.tenant_id)
    delivery = raw_settings(tenant).get("delivery")
    async with unit_of_work(ctx):
        branches = await scoped.select(Branch, Branch.address)
        return [
            Step("branches", bool(branches) and all(str(b["address"] or "").strip() for b in branches)),
            Step("staff", await scoped.exists(StaffMember, StaffMember.role != "owner")),
            Step("catalogue", await scoped.exists(CatalogueService)),
            Step("programmes", await scoped.exists(ProgrammeSetting)),
            Step("privacy_policy", await scoped.exists(PolicyVersion)),
            Step("sender", bool(isinstance(delivery, dict) and delivery.get("sender_address"))),
            Step("clients", await scoped.exists(Client)),
        ]
