"""A chain signs itself up: tenant, owner and first branch in one transaction, the owner's
verification e-mail queued in the staff-notice outbox, nobody signs in before the link is
opened; invitations are signed, expire, may be bound to one address and work once."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from salonkeep.core import signup
from salonkeep.core.privacy import notices
from salonkeep.core.privacy.tables import StaffNotice
from salonkeep.tenants import signin
from salonkeep.tenants.context import TenantContext
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import Conflict, NotFound, ValidationFailed
from salonkeep.tenants.onboarding import find_tenant
from salonkeep.tenants.tables import Branch, StaffMember, Tenant

PASSWORD = "Str0ng-Passw0rd"


def form(**changes: str) -> dict[str, str]:
    slug = f"s-{uuid.uuid4().hex[:10]}"
    values = {
        "chain_name": "Aurora Beauty",
        "slug": slug,
        "owner_name": "Aino Owner",
        "email": f"aino@{slug}.example",
        "password": PASSWORD,
        "time_zone": "Europe/Helsinki",
        "country": "fi",
        "language": "fi",
        "branch_name": "Kamppi",
        "branch_address": "Urho Kekkosen katu 1, Helsinki",
    }
    return {**values, **changes}


async def _rows(tenant_id: uuid.UUID) -> tuple[list[Branch], list[StaffMember], list[StaffNotice]]:
    async with unit_of_work(TenantContext(tenant_id=tenant_id, actor_label="test")):
        return (
            await Branch.objects().where(Branch.tenant_id == tenant_id),
            await StaffMember.objects().where(StaffMember.tenant_id == tenant_id),
            await StaffNotice.objects().where(StaffNotice.tenant_id == tenant_id),
        )


async def test_sign_up_creates_everything_and_only_the_link_opens_sign_in(backend):
    values = form()
    made = await signup.sign_up(values, base_url="https://salonkeep.example")
    tenant = await find_tenant(values["slug"])
    assert (tenant.status, tenant.name, tenant.country, tenant.default_locale, tenant.time_zone) == (
        "unverified",
        "Aurora Beauty",
        "FI",
        "fi",
        "Europe/Helsinki",
    )
    branches, staff, queued = await _rows(tenant.id)
    assert [(b.name, b.address) for b in branches] == [("Kamppi", "Urho Kekkosen katu 1, Helsinki")]
    assert [(s.email, s.role, s.locale, s.id) for s in staff] == [
        (values["email"], "owner", "fi", made.owner_id)
    ]
    (notice,) = queued
    assert notice.to_address == values["email"] and notice.language == "fi"
    assert made.verify_link.startswith("https://salonkeep.example/signup/verify/")
    assert made.verify_link in notice.body

    with pytest.raises(signin.SignInRefused):
        await signin.authenticate(values["slug"], values["email"], PASSWORD)
    token = made.verify_link.rsplit("/", 1)[1]
    assert (await signup.verify_email(token)).status == "active"
    session = await signin.authenticate(values["slug"], values["email"], PASSWORD)
    assert (session.staff_id, session.role) == (made.owner_id, "owner")
    assert (await signup.verify_email(token)).status == "active"  # a second click changes nothing
    with pytest.raises(NotFound):
        await signup.verify_email(token[:-2] + "xx")


async def test_bad_input_names_every_field_and_writes_nothing(backend):
    before = await Tenant.count()
    bad = form(
        chain_name="",
        slug="Not A Slug",
        owner_name="",
        email="nobody",
        password="short",
        time_zone="Mars/Olympus",
        country="XX",
        language="de",
        branch_name="",
        branch_address="",
    )
    with pytest.raises(ValidationFailed) as refused:
        await signup.sign_up(bad, base_url="")
    assert set(refused.value.errors) == set(signup.FIELDS)
    assert await Tenant.count() == before


async def test_a_failure_after_the_tenant_row_rolls_back_the_whole_sign_up(backend, monkeypatch):
    values = form()

    async def broken(*args, **kwargs):
        raise RuntimeError("the outbox is down")

    monkeypatch.setattr(notices, "queue_notice", broken)
    with pytest.raises(RuntimeError):
        await signup.sign_up(values, base_url="")
    with pytest.raises(NotFound):
        await find_tenant(values["slug"])
    taken = form(slug=values["slug"])
    monkeypatch.undo()
    await signup.sign_up(taken, base_url="")  # the slug was never taken
    with pytest.raises(Conflict) as clash:
        await signup.sign_up(form(slug=values["slug"]), base_url="")
    assert clash.value.field == "slug"


async def test_an_invitation_is_signed_expires_may_name_the_owner_and_works_once(backend, frozen_clock):
    open_token = signup.invitation_token(days=3)
    invitation = signup.read_invitation(open_token)
    first = await signup.sign_up(form(), base_url="", invitation=invitation)
    assert first.tenant.signup_invitation == invitation.key
    with pytest.raises(Conflict) as used:
        await signup.sign_up(form(), base_url="", invitation=signup.read_invitation(open_token))
    assert used.value.field == "invitation"

    bound = signup.read_invitation(signup.invitation_token("Owner@Bound.example", days=3))
    with pytest.raises(ValidationFailed) as other:
        await signup.sign_up(form(), base_url="", invitation=bound)
    assert set(other.value.errors) == {"email"}
    await signup.sign_up(form(email="owner@bound.example"), base_url="", invitation=bound)

    later = signup.invitation_token(days=1)
    frozen_clock.advance(timedelta(days=1, minutes=1))
    with pytest.raises(NotFound):
        signup.read_invitation(later)
    with pytest.raises(NotFound):
        signup.read_invitation(open_token.replace(open_token[5], "A" if open_token[5] != "A" else "B", 1))
    with pytest.raises(ValidationFailed):
        signup.invitation_token(days=0)
