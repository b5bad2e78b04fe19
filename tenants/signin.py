"""Staff sign-in: checking passwords and PINs, the lockout after repeated failures, and the
per-person security settings (second factor, PIN, session version).

Staff e-mails are unique per tenant, so every check names the tenant first. Five wrong
passwords (or PINs) for one e-mail address within 15 minutes lock that address until the
oldest of them is 15 minutes old; a correct password then is refused too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import TenantContext, current
from salonkeep.tenants.db import execute, unit_of_work
from salonkeep.tenants.errors import NotFound, SalonkeepError
from salonkeep.tenants.onboarding import find_tenant, get_tenant
from salonkeep.tenants.passwords import _hasher, check_policy, hash_password, verify_password
from salonkeep.tenants.tables import SignInFailure, StaffMember, Tenant
from salonkeep.tenants.tenant_settings import settings_of

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
#: Roles that an owner can oblige to use a second factor.
MANAGER_ROLES = frozenset({"owner", "branch_manager"})
# A real hash to verify against when the e-mail is unknown, so both cases take as long.
_DUMMY_HASH = _hasher.hash("not-a-password-Dummy-0")


class SignInRefused(SalonkeepError):
    """The credentials were refused. ``locked`` when the lockout is in force.

    ``tenant_id``, ``staff_id`` and ``role`` name the known staff member of a known tenant the
    attempt was for (``None`` otherwise), so the edge can audit the failed sign-in.
    """

    def __init__(
        self,
        locked: bool = False,
        *,
        tenant_id: UUID | None = None,
        staff_id: UUID | None = None,
        role: str | None = None,
    ) -> None:
        self.locked = locked
        self.tenant_id = tenant_id
        self.staff_id = staff_id
        self.role = role
        super().__init__("too many failed attempts" if locked else "wrong organisation, e-mail or password")


@dataclass(frozen=True)
class StaffSession:
    """What a signed-in request needs to know about the staff member."""

    tenant_id: UUID
    staff_id: UUID
    email: str
    name: str
    role: str
    locale: str | None
    branch_ids: frozenset[UUID]
    session_version: int
    has_totp: bool
    has_pin: bool
    #: The version of the confidentiality agreement last signed (``None``: never signed).
    agreement_version: str | None = None


def idle_lock_seconds(tenant: Tenant) -> int:
    """Seconds of inactivity before the screen locks (tenant setting, default 300)."""
    return settings_of(tenant).idle_lock_seconds


def totp_required(tenant: Tenant, role: str) -> bool:
    """True when the tenant obliges ``role`` to use a second factor."""
    return settings_of(tenant).require_totp_for_managers and role in MANAGER_ROLES


async def _recent_failures(email: str) -> int:
    since = clock.now() - FAILURE_WINDOW
    return await scoped.count(
        SignInFailure, (SignInFailure.email == email) & (SignInFailure.failed_at > since)
    )


async def _record_failure(ctx: TenantContext, email: str, ip: str | None) -> None:
    async with unit_of_work(ctx):
        await scoped.insert(scoped.new(SignInFailure, email=email, ip=(ip or "")[:64], failed_at=clock.now()))


async def is_locked_out(tenant_id: UUID, email: str) -> bool:
    """True when ``email`` has had too many failures recently."""
    async with unit_of_work(TenantContext(tenant_id=tenant_id, actor_label="sign-in")):
        return await _recent_failures(email) >= MAX_FAILURES


async def authenticate(slug: str, email: str, password: str, ip: str | None = None) -> StaffSession:
    """The staff member of tenant ``slug`` with this e-mail and password; raises SignInRefused."""
    email = (email or "").strip().lower()
    try:
        tenant = await find_tenant(slug or "")
    except NotFound:
        verify_password(_DUMMY_HASH, password)
        raise SignInRefused() from None
    if tenant.status != "active" or not email:
        raise SignInRefused()
    ctx = TenantContext(tenant_id=tenant.id, actor_label=f"sign-in {email}", ip=ip)
    async with unit_of_work(ctx):
        staff = await scoped.objects(StaffMember).where(StaffMember.email == email).first()
        staff_id, role = (staff.id, staff.role) if staff is not None else (None, None)
        if await _recent_failures(email) >= MAX_FAILURES:
            raise SignInRefused(locked=True, tenant_id=tenant.id, staff_id=staff_id, role=role)
    usable = staff is not None and staff.active and staff.password_hash
    if not verify_password(staff.password_hash if usable and staff else _DUMMY_HASH, password) or not usable:
        await _record_failure(ctx, email, ip)
        raise SignInRefused(tenant_id=tenant.id, staff_id=staff_id, role=role)
    async with unit_of_work(ctx):
        await scoped.delete(SignInFailure).where(SignInFailure.email == email)
    assert staff is not None
    return await load_session(tenant.id, staff.id)


_SESSION_SQL = """
select s.email, s.name, s.role, s.locale, s.active, s.session_version,
       (s.totp_secret is not null and s.totp_secret <> '') as has_totp,
       (s.pin_hash is not null and s.pin_hash <> '') as has_pin,
       (select c.version from confidentiality_agreement c
         where c.tenant_id = s.tenant_id and c.staff_id = s.id
         order by c.signed_at desc limit 1) as agreement_version,
       b.branch_id
from staff_member s
left join staff_branch b on b.tenant_id = s.tenant_id and b.staff_id = s.id
where s.tenant_id = {} and s.id = {}
"""


async def load_session(tenant_id: UUID, staff_id: UUID) -> StaffSession:
    """The session facts of an active staff member; raises NotFound otherwise.

    One statement (the staff row joined with their branches): it runs on every signed-in
    request, so that deactivation and "sign out everywhere" take effect at once."""
    async with unit_of_work(TenantContext(tenant_id=tenant_id, actor_label="session")):
        # A join scoped.rows cannot write; the tenant still comes from the unit of work.
        rows = await execute(_SESSION_SQL, scoped.tenant_id(), staff_id)
    if not rows or not rows[0]["active"]:
        raise NotFound("no such staff member")
    staff = rows[0]
    return StaffSession(
        tenant_id=tenant_id,
        staff_id=staff_id,
        email=str(staff["email"]),
        name=str(staff["name"]),
        role=str(staff["role"]),
        locale=str(staff["locale"]) if staff["locale"] else None,
        branch_ids=frozenset(UUID(str(row["branch_id"])) for row in rows if row["branch_id"] is not None),
        session_version=int(str(staff["session_version"] or 1)),
        has_totp=bool(staff["has_totp"]),
        has_pin=bool(staff["has_pin"]),
        agreement_version=str(staff["agreement_version"]) if staff["agreement_version"] else None,
    )


async def _me(ctx: TenantContext) -> StaffMember:
    staff = await scoped.get(StaffMember, ctx.actor_id)
    if staff is None:
        raise NotFound("no such staff member")
    return staff


async def check_unlock(secret: str, ip: str | None = None) -> None:
    """Check the acting staff member's password or PIN (for the screen lock).

    Failures count towards the same lockout as sign-in; raises SignInRefused.
    """
    ctx = current()
    async with unit_of_work(ctx):
        staff = await _me(ctx)
        if await _recent_failures(staff.email) >= MAX_FAILURES:
            raise SignInRefused(locked=True)
    ok = verify_password(staff.password_hash, secret) or (
        bool(staff.pin_hash) and verify_password(staff.pin_hash, secret)
    )
    if not ok:
        await _record_failure(ctx, staff.email, ip)
        if await is_locked_out(ctx.tenant_id, staff.email):
            raise SignInRefused(locked=True)
        raise SignInRefused()


async def record_failure(email: str, ip: str | None = None) -> None:
    """Count a failed check (such as a wrong one-time code) for ``email`` of the current tenant."""
    await _record_failure(current(), email, ip)


async def set_locale(locale: str | None) -> None:
    """Set (or with ``None`` clear) the acting staff member's UI language."""
    from salonkeep.tenants import validation

    ctx = current()
    value = validation.locale(locale) if locale else None
    async with unit_of_work(ctx):
        staff = await _me(ctx)
        staff.locale = value
        await staff.save([StaffMember.locale])


async def encrypted_totp_secret() -> str | None:
    """The acting staff member's stored (encrypted) TOTP secret, if any."""
    ctx = current()
    async with unit_of_work(ctx):
        return (await _me(ctx)).totp_secret


async def set_totp_secret(encrypted: str | None) -> None:
    """Store (or with ``None`` remove) the acting staff member's encrypted TOTP secret."""
    ctx = current()
    async with unit_of_work(ctx):
        staff = await _me(ctx)
        staff.totp_secret = encrypted
        await staff.save([StaffMember.totp_secret])


def _check_pin(pin: str) -> None:
    from salonkeep.tenants.errors import ValidationFailed

    if not pin.isdigit() or not 4 <= len(pin) <= 8:
        raise ValidationFailed({"pin": "use 4 to 8 digits"})
    if len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210":
        raise ValidationFailed({"pin": "this PIN is too easy to guess"})


async def set_pin(pin: str | None) -> None:
    """Set (or with ``None`` remove) the acting staff member's screen-lock PIN."""
    ctx = current()
    pin_hash = None
    if pin is not None:
        _check_pin(pin)
        pin_hash = _hasher.hash(pin)
    async with unit_of_work(ctx):
        staff = await _me(ctx)
        staff.pin_hash = pin_hash
        await staff.save([StaffMember.pin_hash])


async def change_password(old: str, new: str) -> None:
    """Change the acting staff member's password (the old one is required)."""
    from salonkeep.tenants.errors import ValidationFailed

    ctx = current()
    check_policy(new, "new_password")
    async with unit_of_work(ctx):
        staff = await _me(ctx)
        if not verify_password(staff.password_hash, old):
            raise ValidationFailed({"old_password": "is not your current password"})
        staff.password_hash = hash_password(new)
        await staff.save([StaffMember.password_hash])


async def sign_out_everywhere(staff_id: UUID | None = None) -> int:
    """End every session of a staff member (the acting one by default); the new version."""
    ctx = current()
    async with unit_of_work(ctx):
        staff = await scoped.get(StaffMember, staff_id or ctx.actor_id)
        if staff is None:
            raise NotFound("no such staff member")
        staff.session_version = (staff.session_version or 1) + 1
        await staff.save([StaffMember.session_version])
        return int(staff.session_version)


async def tenant_of(tenant_id: UUID) -> Tenant:
    """The tenant row (for its settings)."""
    return await get_tenant(tenant_id)
