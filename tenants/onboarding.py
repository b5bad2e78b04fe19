"""Onboarding: tenants, their branches and staff. Used by the CLI, the demo and the web UI."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import timedelta
from uuid import UUID, uuid4

from salonkeep.tenants import clock, read_request, scoped, validation
from salonkeep.tenants.context import TenantContext, current
from salonkeep.tenants.db import current_scope, fetch_objects, unit_of_work
from salonkeep.tenants.errors import Conflict, NotFound, ValidationFailed
from salonkeep.tenants.messages import field_message
from salonkeep.tenants.passwords import hash_password
from salonkeep.tenants.tables import Branch, ConfidentialityAgreement, StaffBranch, StaffMember, Tenant

SET_PASSWORD_VALIDITY = timedelta(hours=72)


async def create_tenant(
    *,
    slug: str,
    name: str,
    time_zone: str,
    country: str,
    default_locale: str = "en",
    tenant_id: UUID | None = None,
    status: str = "active",
    signup_invitation: str | None = None,
) -> Tenant:
    """Register a chain or clinic. Raises ValidationFailed or Conflict (duplicate slug).

    ``tenant_id`` lets a caller open the unit of work first and create the tenant, its branch
    and its owner in that one transaction (the public sign-up); ``status`` ``"unverified"``
    keeps everyone out until the owner's e-mail is verified."""
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    checks = {
        "slug": lambda: validation.slug(slug),
        "name": lambda: validation.required_text(name, "name"),
        "time_zone": lambda: validation.time_zone(time_zone),
        "country": lambda: validation.country(country),
        "default_locale": lambda: validation.locale(default_locale, "default_locale"),
    }
    for field, check in checks.items():
        try:
            values[field] = check()
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    tenant = Tenant(
        id=tenant_id or uuid4(),
        status=status,
        signup_invitation=signup_invitation,
        slug=values["slug"],
        name=values["name"],
        time_zone=values["time_zone"],
        country=values["country"],
        default_locale=values["default_locale"],
        created_at=clock.now(),
    )
    # The directory row is written as the new tenant itself: on PostgreSQL the app role may
    # add or change a directory row only in a unit of work of that tenant.
    async with unit_of_work(TenantContext(tenant_id=tenant.id, actor_label="onboarding")):
        if await Tenant.exists().where(Tenant.slug == values["slug"]):
            raise Conflict(
                "slug", field_message("a tenant with the slug {slug!r} already exists", slug=values["slug"])
            )
        await tenant.save()
    return tenant


async def list_tenants() -> list[Tenant]:
    """Every tenant, by slug (the directory is not tenant data)."""
    return await Tenant.objects().order_by(Tenant.slug)


async def find_tenant(slug: str) -> Tenant:
    """The tenant with ``slug``; raises NotFound."""
    tenant = await Tenant.objects().where(Tenant.slug == slug.strip()).first()
    if tenant is None:
        raise NotFound(f"no tenant with the slug {slug!r}")
    return tenant


async def get_tenant(tenant_id: UUID) -> Tenant:
    """The tenant with ``tenant_id``; raises NotFound."""
    request = read_request.active()
    key = ("tenant", tenant_id)
    if request is not None and key in request.memo:
        return request.memo[key]
    in_unit = current_scope() is not None
    remembered = scoped.recall(Tenant, tenant_id) if in_unit else None
    if remembered is not None:
        return remembered
    found = await fetch_objects(Tenant, "id = {}", tenant_id)
    if not found:
        raise NotFound("no such tenant")
    tenant = found[0]
    if request is not None:
        # A read-only request changes no tenant row, so it reads each one once.
        request.memo[key] = tenant
    if in_unit:
        # Nor does a unit of work read it twice (scoped.update_tenant forgets it).
        scoped.remember(tenant)
    return tenant


async def add_branch(
    *, name: str, address: str = "", phone: str = "", time_zone: str | None = None
) -> Branch:
    """Add a branch to the current tenant."""
    ctx = current()
    tenant = await get_tenant(ctx.tenant_id)
    errors: dict[str, str] = {}
    clean: dict[str, str | None] = {"address": address.strip(), "time_zone": None, "phone": ""}
    try:
        clean["name"] = validation.required_text(name, "name")
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if phone:
        try:
            clean["phone"] = validation.phone(phone, tenant.country)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if time_zone:
        try:
            clean["time_zone"] = validation.time_zone(time_zone)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    async with unit_of_work(ctx):
        if await scoped.exists(Branch, Branch.name == clean["name"]):
            raise Conflict(
                "name", field_message("this tenant already has a branch called {name!r}", name=clean["name"])
            )
        branch = scoped.new(
            Branch,
            name=clean["name"],
            address=clean["address"],
            phone=clean["phone"],
            time_zone=clean["time_zone"],
            created_at=clock.now(),
        )
        await scoped.insert(branch)
    return branch


async def list_branches() -> list[Branch]:
    """The current tenant's branches, by name."""
    ctx = current()
    async with unit_of_work(ctx):
        return await scoped.fetch(Branch, order_by="name")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def add_staff(
    *,
    email: str,
    name: str,
    role: str,
    branch_names: Sequence[str] = (),
    password: str | None = None,
    agreement_signed: bool = False,
) -> tuple[StaffMember, str | None]:
    """Add a staff member to the current tenant, unchecked: for system callers (the demo,
    seeding). People and the CLI go through :func:`salonkeep.core.staff.invite`, which applies
    the staff-administration table of :mod:`salonkeep.core.access` first.

    With ``password`` the account is ready; without, a one-time set-password token is returned
    (valid 72 hours) for the link the new member opens. ``agreement_signed`` records that the
    person signed the tenant's current confidentiality agreement at hiring (on paper); without
    it they sign on their first visit before they see any client data.
    """
    ctx = current()
    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    for field, check in {
        "email": lambda: validation.email(email),
        "name": lambda: validation.required_text(name, "name"),
        "role": lambda: validation.role(role),
    }.items():
        try:
            clean[field] = check()
        except ValidationFailed as exc:
            errors.update(exc.errors)
    password_hash = None
    if password is not None:
        try:
            password_hash = hash_password(password)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    token = None if password_hash else secrets.token_urlsafe(32)
    async with unit_of_work(ctx):
        by_name = {b.name: b for b in await scoped.objects(Branch)}
        unknown = [n for n in branch_names if n not in by_name]
        if unknown:
            raise ValidationFailed(
                {"branch": field_message("no branch called {names}", names=", ".join(map(repr, unknown)))}
            )
        if await scoped.exists(StaffMember, StaffMember.email == clean["email"]):
            raise Conflict(
                "email",
                field_message("{email} is already a staff member of this tenant", email=clean["email"]),
            )
        staff = scoped.new(
            StaffMember,
            password_hash=password_hash,
            set_password_token_hash=_token_hash(token) if token else None,
            set_password_expires_at=clock.now() + SET_PASSWORD_VALIDITY if token else None,
            created_at=clock.now(),
            email=clean["email"],
            name=clean["name"],
            role=clean["role"],
        )
        await scoped.insert(staff)
        for branch_name in dict.fromkeys(branch_names):
            await scoped.insert(scoped.new(StaffBranch, staff_id=staff.id, branch_id=by_name[branch_name].id))
        if agreement_signed:
            from salonkeep.tenants.tenant_settings import load_tenant_settings  # a cycle at import

            version = (await load_tenant_settings(ctx.tenant_id)).confidentiality_version
            await scoped.insert(
                scoped.new(
                    ConfidentialityAgreement,
                    id=uuid4(),
                    staff_id=staff.id,
                    version=version,
                    signed_at=clock.now(),
                    recorded_by=f"signed at hiring, recorded by {ctx.actor_label}"[:200],
                )
            )
    return staff, token


async def list_staff() -> list[StaffMember]:
    """The current tenant's staff, by e-mail."""
    ctx = current()
    async with unit_of_work(ctx):
        return await scoped.objects(StaffMember).order_by(StaffMember.email)


async def set_password_with_token(token: str, password: str) -> StaffMember:
    """Set the password of the current tenant's staff member holding ``token`` (used once)."""
    ctx = current()
    new_hash = hash_password(password)
    async with unit_of_work(ctx):
        staff = (
            await scoped.objects(StaffMember)
            .where(StaffMember.set_password_token_hash == _token_hash(token))
            .first()
        )
        expires = staff.set_password_expires_at if staff else None
        if staff is None or expires is None or expires < clock.now():
            raise NotFound("this set-password link is unknown, used or expired")
        staff.password_hash = new_hash
        staff.set_password_token_hash = None
        staff.set_password_expires_at = None
        await staff.save()
    return staff
