"""Audit events of signing in and out (the issue: every sign-in is recorded).

The sign-in routes run before any tenant context exists, so each event gets its own context
built from the staff member the attempt was for: actor, role and the client's IP address.
"""

from __future__ import annotations

from uuid import UUID

from salonkeep.core import audit
from salonkeep.tenants.context import TenantContext
from salonkeep.tenants.errors import NotFound
from salonkeep.tenants.signin import SignInRefused, load_session


async def signed_in(tenant_id: UUID, staff_id: UUID, ip: str | None, *, how: str = "password") -> None:
    """Record a completed sign-in of a staff member."""
    await _record(audit.AuditAction.SIGN_IN, tenant_id, staff_id, ip, reason=how)


async def sign_in_failed(refused: SignInRefused, email: str, ip: str | None) -> None:
    """Record a refused sign-in, when it was for a known staff member of a known tenant."""
    if refused.tenant_id is None or refused.staff_id is None:
        return
    reason = "locked out" if refused.locked else "wrong password"
    ctx = TenantContext(
        tenant_id=refused.tenant_id,
        actor_id=refused.staff_id,
        role=refused.role,
        actor_label=f"staff {email}"[:200],
        ip=ip,
    )
    await audit.record(
        audit.AuditAction.SIGN_IN_FAILED, subject="staff", subject_id=refused.staff_id, reason=reason, ctx=ctx
    )


async def second_factor_failed(tenant_id: UUID, staff_id: UUID, ip: str | None) -> None:
    """Record a wrong one-time code after a correct password."""
    await _record(
        audit.AuditAction.SIGN_IN_FAILED, tenant_id, staff_id, ip, reason="wrong second-factor code"
    )


async def signed_out(tenant_id: UUID, staff_id: UUID, ip: str | None) -> None:
    """Record a sign-out."""
    await _record(audit.AuditAction.SIGN_OUT, tenant_id, staff_id, ip, reason="")


async def _record(
    action: audit.AuditAction, tenant_id: UUID, staff_id: UUID, ip: str | None, *, reason: str
) -> None:
    try:
        staff = await load_session(tenant_id, staff_id)
    except NotFound:
        return
    ctx = TenantContext(
        tenant_id=tenant_id,
        actor_id=staff_id,
        role=staff.role,
        actor_label=f"staff {staff.email}"[:200],
        ip=ip,
        branch_id=next(iter(staff.branch_ids)) if len(staff.branch_ids) == 1 else None,
    )
    await audit.record(action, subject="staff", subject_id=staff_id, reason=reason, ctx=ctx)
