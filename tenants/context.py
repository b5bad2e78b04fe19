"""The tenant context: who is acting for which tenant, set once at the edge.

The web sets it from the staff session or API key, a worker from its job's tenant id, the CLI
from ``--tenant``. Everything below reads :func:`current` and never takes a tenant id from
user input.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from uuid import UUID

from salonkeep.tenants.errors import NoTenantContext


@dataclass(frozen=True)
class TenantContext:
    """The current tenant, and optionally the branch and the acting staff member."""

    tenant_id: UUID
    branch_id: UUID | None = None
    actor_id: UUID | None = None
    role: str | None = None
    actor_label: str = "system"
    ip: str | None = None
    #: The branches the actor works in (empty for system contexts and chain-wide roles).
    branch_ids: frozenset[UUID] = frozenset()
    #: False for a signed-in staff member who has not signed the tenant's current
    #: confidentiality agreement: the access rules (:mod:`salonkeep.core.access`) then refuse
    #: every client read. Set where the staff member is resolved (the web guard).
    confidentiality_signed: bool = True


_current: contextvars.ContextVar[TenantContext | None] = contextvars.ContextVar(
    "salonkeep_tenant", default=None
)


def current() -> TenantContext:
    """The tenant context of this task; raises :class:`NoTenantContext` when none is set."""
    ctx = _current.get()
    if ctx is None:
        raise NoTenantContext()
    return ctx


def current_or_none() -> TenantContext | None:
    """The tenant context of this task, or ``None``."""
    return _current.get()


@contextmanager
def tenant_scope(ctx: TenantContext) -> Iterator[TenantContext]:
    """Run the enclosed block for ``ctx`` and restore the previous context afterwards."""
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
