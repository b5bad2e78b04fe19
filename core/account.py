"""A staff member's own account: password, screen-lock PIN, second factor, language, sessions.

Each change is made by :mod:`salonkeep.tenants.signin` (or :mod:`salonkeep.tenants.onboarding`
for a set-password link) and audited in the same unit of work as an ``account.change`` of the
person (subject ``staff``): the names of what changed (``password``, ``pin``,
``sessions``), never a secret; the second factor (on or off) and the language with their
values before and after. A refused change
(a wrong old password, a PIN too easy to guess) writes no row.
"""

from __future__ import annotations

from uuid import UUID

from salonkeep.core import audit
from salonkeep.tenants import scoped, signin
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import set_password_with_token
from salonkeep.tenants.tables import StaffMember


async def _audit(
    staff_id: UUID | None, fields: list[str], changes: list[audit.FieldChange | None] | None = None
) -> None:
    await audit.record(
        audit.AuditAction.ACCOUNT_CHANGE,
        subject="staff",
        subject_id=staff_id,
        fields=fields,
        changes=[change for change in changes or [] if change is not None],
    )


async def change_password(old: str, new: str) -> None:
    """Change the acting person's password (the old one is required), audited."""
    ctx = current()
    async with unit_of_work(ctx):
        await signin.change_password(old, new)
        await _audit(ctx.actor_id, ["password"])


async def set_pin(pin: str | None) -> None:
    """Set (or with ``None`` remove) the acting person's screen-lock PIN, audited (no value)."""
    ctx = current()
    async with unit_of_work(ctx):
        await signin.set_pin(pin)
        await _audit(ctx.actor_id, ["pin"])


async def set_totp_secret(encrypted: str | None) -> None:
    """Turn the acting person's second factor on (an encrypted secret) or off (``None``),
    audited as ``second_factor`` with on/off, never the secret."""
    ctx = current()
    async with unit_of_work(ctx):
        was = await signin.encrypted_totp_secret()
        await signin.set_totp_secret(encrypted)
        change = audit.field_change("second_factor", bool(was), bool(encrypted))
        await _audit(ctx.actor_id, ["second_factor"], [change])


async def set_locale(locale: str | None) -> None:
    """Choose the acting person's language (``None``: the organisation's), audited."""
    ctx = current()
    async with unit_of_work(ctx):
        was = await _locale(ctx.actor_id)
        await signin.set_locale(locale)
        change = audit.field_change("locale", was, await _locale(ctx.actor_id))
        if change is not None:
            await _audit(ctx.actor_id, [], [change])


async def _locale(staff_id: UUID | None) -> str | None:
    row = await scoped.select(StaffMember, StaffMember.locale).where(StaffMember.id == staff_id).first()
    return row["locale"] if row else None


async def sign_out_everywhere(staff_id: UUID | None = None) -> int:
    """End every session of a staff member (the acting one by default), audited."""
    ctx = current()
    async with unit_of_work(ctx):
        version = await signin.sign_out_everywhere(staff_id)
        await _audit(staff_id or ctx.actor_id, ["sessions"])
    return version


async def set_password_from_link(token: str, password: str) -> StaffMember:
    """Set a password through a one-time set-password link (the current tenant's), audited
    under the person who set it."""
    ctx = current()
    async with unit_of_work(ctx):
        staff = await set_password_with_token(token, password)
        await audit.record(
            audit.AuditAction.ACCOUNT_CHANGE,
            subject="staff",
            subject_id=staff.id,
            fields=["password"],
        )
    return staff
