"""A chain signs itself up: its tenant, owner account and first branch in one transaction,
then the owner's e-mail is verified before anyone can sign in.

* Who may sign up: anyone when the operator turned ``SALONKEEP_PUBLIC_SIGNUP`` on, else only
  the holder of an operator's invitation (``salonkeep signup invite``): a signed link, valid a
  number of days, optionally for one e-mail address, that creates one tenant (the tenant
  directory keeps the invitation's hash under a unique key).
* What is written: :func:`salonkeep.tenants.onboarding.create_tenant`, ``add_branch`` and
  ``add_staff`` inside one unit of work of the new tenant, with the verification message queued
  in the staff-notice outbox (:mod:`salonkeep.core.privacy.notices`) and an audit event: every
  field is checked first (each refusal named), and any refusal later rolls everything back.
* Verification: the tenant starts ``unverified``; sign-in refuses every tenant that is not
  ``active``, so the owner can sign in only after opening the signed verification link the
  workers e-mailed (valid :data:`VERIFY_DAYS` days). Opening it again changes nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from itsdangerous import BadSignature, URLSafeSerializer

from salonkeep.core import audit
from salonkeep.core.keys import master
from salonkeep.core.privacy import notices
from salonkeep.tenants import clock, scoped, validation
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import Conflict, NotFound, ValidationFailed
from salonkeep.tenants.onboarding import add_branch, add_staff, create_tenant, get_tenant
from salonkeep.tenants.passwords import check_policy
from salonkeep.tenants.tables import StaffMember, Tenant

#: Days a verification link stays valid.
VERIFY_DAYS = 7
#: Days an operator's invitation stays valid unless ``--days`` says otherwise.
INVITATION_DAYS = 14
#: The form's fields, in the order the page shows them.
FIELDS = (
    "chain_name",
    "slug",
    "owner_name",
    "email",
    "password",
    "time_zone",
    "country",
    "language",
    "branch_name",
    "branch_address",
)
ACTOR = "sign-up"


@dataclass(frozen=True)
class Invitation:
    """An operator's invitation: who it is for (``""``: anyone) and until when it holds."""

    nonce: str
    email: str
    expires_at: datetime

    @property
    def key(self) -> str:
        """What the tenant directory stores of it (its SHA-256): the unique key of "once"."""
        return hashlib.sha256(self.nonce.encode()).hexdigest()


@dataclass(frozen=True)
class SignUpResult:
    """The new tenant (``unverified``), its owner and the link the owner was e-mailed."""

    tenant: Tenant
    owner_id: UUID
    verify_link: str


def _serializer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(master.derive(f"salonkeep:{purpose}"), salt=purpose)


def invitation_token(email: str = "", days: int = INVITATION_DAYS) -> str:
    """A signed one-time invitation to sign up (for ``email`` only, when given), valid
    ``days`` days from now. Raises ValidationFailed for a bad e-mail or number of days."""
    if not 1 <= days <= 365:
        raise ValidationFailed({"days": "give 1 to 365 days"})
    address = validation.email(email) if email else ""
    expires = clock.now() + timedelta(days=days)
    payload = {"n": secrets.token_urlsafe(16), "e": address, "x": int(expires.timestamp())}
    return str(_serializer("signup-invitation").dumps(payload))


def read_invitation(token: str) -> Invitation:
    """The invitation ``token`` stands for; raises NotFound when it is forged or expired
    (whether it was used is known only to :func:`sign_up`)."""
    try:
        payload: Any = _serializer("signup-invitation").loads(token)
        expires = datetime.fromtimestamp(int(payload["x"]), clock.now().tzinfo)
        invitation = Invitation(nonce=str(payload["n"]), email=str(payload["e"]), expires_at=expires)
    except (BadSignature, KeyError, TypeError, ValueError):
        raise NotFound("this invitation link is unknown or expired") from None
    if invitation.expires_at < clock.now():
        raise NotFound("this invitation link is unknown or expired")
    return invitation


def verification_token(tenant_id: UUID, staff_id: UUID) -> str:
    """The signed token of the owner's verification link, valid :data:`VERIFY_DAYS` days."""
    expires = clock.now() + timedelta(days=VERIFY_DAYS)
    payload = {"t": str(tenant_id), "s": str(staff_id), "x": int(expires.timestamp())}
    return str(_serializer("signup-verify").dumps(payload))


def _read_verification(token: str) -> tuple[UUID, UUID]:
    try:
        payload: Any = _serializer("signup-verify").loads(token)
        tenant_id, staff_id, expires = UUID(payload["t"]), UUID(payload["s"]), int(payload["x"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise NotFound("this verification link is unknown or expired") from None
    if expires < clock.now().timestamp():
        raise NotFound("this verification link is unknown or expired")
    return tenant_id, staff_id


def check_form(values: dict[str, str], invitation: Invitation | None = None) -> dict[str, str]:
    """The sign-up form's fields, each checked (nothing is written); raises ValidationFailed
    naming every refused field."""
    given = {name: str(values.get(name, "") or "").strip() for name in FIELDS}
    given["password"] = str(values.get("password", "") or "")
    clean: dict[str, str] = {}
    errors: dict[str, str] = {}
    checks = {
        "chain_name": lambda: validation.required_text(given["chain_name"], "chain_name"),
        "slug": lambda: validation.slug(given["slug"].lower()),
        "owner_name": lambda: validation.required_text(given["owner_name"], "owner_name"),
        "email": lambda: validation.email(given["email"]),
        "time_zone": lambda: validation.time_zone(given["time_zone"]),
        "country": lambda: validation.country(given["country"]),
        "language": lambda: validation.locale(given["language"], "language"),
        "branch_name": lambda: validation.required_text(given["branch_name"], "branch_name"),
        "branch_address": lambda: validation.required_text(
            given["branch_address"], "branch_address", max_length=500
        ),
    }
    for field, check in checks.items():
        try:
            clean[field] = check()
        except ValidationFailed as exc:
            errors.update(exc.errors)
    try:
        check_policy(given["password"], "password")
        clean["password"] = given["password"]
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if invitation is not None and invitation.email and clean.get("email") not in (None, invitation.email):
        errors["email"] = "this invitation is for another e-mail address"
    if errors:
        raise ValidationFailed(errors)
    return clean


async def sign_up(
    values: dict[str, str], *, base_url: str, invitation: Invitation | None = None, ip: str | None = None
) -> SignUpResult:
    """Create the tenant (``unverified``), its first branch and its owner, and queue the
    owner's verification e-mail, all in one transaction. Raises ValidationFailed (every bad
    field) or Conflict (``slug`` taken, ``invitation`` already used): nothing is written then."""
    clean = check_form(values, invitation)
    tenant_id = uuid4()
    ctx = TenantContext(tenant_id=tenant_id, actor_label=ACTOR, role="owner", ip=ip)
    async with unit_of_work(ctx):
        if invitation is not None and await Tenant.exists().where(Tenant.signup_invitation == invitation.key):
            raise Conflict("invitation", "this invitation link was already used")
        tenant = await create_tenant(
            slug=clean["slug"],
            name=clean["chain_name"],
            time_zone=clean["time_zone"],
            country=clean["country"],
            default_locale=clean["language"],
            tenant_id=tenant_id,
            status="unverified",
            signup_invitation=invitation.key if invitation else None,
        )
        with tenant_scope(ctx):
            await add_branch(name=clean["branch_name"], address=clean["branch_address"])
            owner, _ = await add_staff(  # the owner works in the first branch too (books clients)
                email=clean["email"],
                name=clean["owner_name"],
                role="owner",
                branch_names=[clean["branch_name"]],
                password=clean["password"],
            )
            await scoped.update(StaffMember, {StaffMember.locale: clean["language"]}).where(
                StaffMember.id == owner.id
            )
            link = f"{base_url}/signup/verify/{verification_token(tenant_id, owner.id)}"
            await notices.queue_notice(
                notices.Recipient(owner.id, owner.name, owner.email, clean["language"]),
                "signup_verify",
                {"link": link, "salon": tenant.name, "name": owner.name, "days": VERIFY_DAYS},
                dedupe_key="signup-verify",
                tenant_locale=clean["language"],
                zone=clean["time_zone"],
            )
            await audit.record(
                "tenant.sign_up",
                subject="tenant",
                subject_id=tenant_id,
                fields=["tenant", "branch", "owner"],
                reason="invitation link" if invitation else "public sign-up",
            )
    return SignUpResult(tenant=tenant, owner_id=owner.id, verify_link=link)


async def verify_email(token: str) -> Tenant:
    """Mark the owner's e-mail verified and open the tenant (``active``): the owner can sign
    in from now on. Opening the link again changes nothing; raises NotFound for a forged or
    expired link, or a tenant that is no longer waiting (suspended)."""
    tenant_id, staff_id = _read_verification(token)
    try:
        tenant = await get_tenant(tenant_id)
    except NotFound:
        raise NotFound("this verification link is unknown or expired") from None
    if tenant.status == "active":
        return tenant
    if tenant.status != "unverified":
        raise NotFound("this verification link is unknown or expired")
    ctx = TenantContext(
        tenant_id=tenant_id, actor_id=staff_id, role="owner", actor_label="sign-up verification"
    )
    with tenant_scope(ctx):
        async with unit_of_work(ctx):
            owner = await scoped.get(StaffMember, staff_id)
            if owner is None or owner.role != "owner":
                raise NotFound("this verification link is unknown or expired")
            await scoped.update_tenant({Tenant.status: "active"})
            await audit.record(
                "tenant.verify",
                subject="staff",
                subject_id=staff_id,
                fields=["email"],
                reason="owner e-mail verified",
            )
    tenant.status = "active"
    return tenant
