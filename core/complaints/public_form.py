"""Spam resistance of the public complaint form (and, by its scoped functions, of the sign-up
page): the shared guard of public forms (:mod:`salonkeep.core.public_forms`) under the
purpose ``complaint-form``."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from salonkeep.core.public_forms import (
    HONEYPOT_FIELD,
    MAX_AGE_SECONDS,
    MIN_FILL_SECONDS,
    WINDOW_SECONDS,
    AttemptLimiter,
    PublicForm,
    scoped_address_key,
    scoped_form_token,
    scoped_token_ok,
)

MAX_PER_HOUR = 5
FORM = PublicForm("complaint-form", MAX_PER_HOUR)

__all__ = [
    "FORM",
    "HONEYPOT_FIELD",
    "MAX_AGE_SECONDS",
    "MAX_PER_HOUR",
    "MIN_FILL_SECONDS",
    "WINDOW_SECONDS",
    "AttemptLimiter",
    "address_key",
    "form_token",
    "limiter",
    "scoped_address_key",
    "scoped_form_token",
    "scoped_token_ok",
    "token_ok",
]


def form_token(tenant_id: UUID, branch_id: UUID) -> str:
    """A token for one form of the branch's public complaint page."""
    return FORM.form_token(tenant_id, branch_id)


def token_ok(tenant_id: UUID, branch_id: UUID, token: str) -> bool:
    """True for a complaint-form token of this tenant and branch, old enough and fresh
    enough."""
    return FORM.token_ok(tenant_id, branch_id, token)


def address_key(tenant_id: UUID, address: str) -> str:
    """The complaint counter's key for an address."""
    return FORM.address_key(tenant_id, address)


def limiter(redis: Any | None) -> AttemptLimiter:
    """A limiter of complaint submissions (:data:`MAX_PER_HOUR` per address and hour)."""
    return AttemptLimiter(redis, MAX_PER_HOUR)
