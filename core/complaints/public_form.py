"""Spam resistance of the public complaint form: the shared guard of public forms
(:mod:`salonkeep.core.public_forms`) under the purpose ``complaint-form``."""

from __future__ import annotations

from uuid import UUID

from salonkeep.core.public_forms import HONEYPOT_FIELD, PublicForm

MAX_PER_HOUR = 5
FORM = PublicForm("complaint-form", MAX_PER_HOUR)

__all__ = ["FORM", "HONEYPOT_FIELD", "MAX_PER_HOUR", "form_token"]


def form_token(tenant_id: UUID, branch_id: UUID) -> str:
    """A token for one form of the branch's public complaint page."""
    return FORM.form_token(tenant_id, branch_id)
