"""Reading the client, service and sale forms into service inputs, with field-level errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from uuid import UUID

from salonkeep.core.access import (
    HEALTH_FIELDS,
    NEEDS_FIELDS,
    Action,
    Forbidden,
    can,
    visible_client_fields,
)
from salonkeep.core.clients.service import ClientInput, ClientView
from salonkeep.tenants.context import TenantContext
from salonkeep.tenants.errors import ValidationFailed

#: The free-text fields a role may edit: those it sees, and health only with the health action.
TEXT_FIELDS = ("needs", "allergies", "health_notes")


def editable_text_fields(ctx: TenantContext) -> tuple[str, ...]:
    """The needs/health fields the role may change."""
    visible = visible_client_fields(ctx)
    return tuple(
        name
        for name in TEXT_FIELDS
        if name in visible
        and (name in NEEDS_FIELDS or (name in HEALTH_FIELDS and can(ctx, Action.CLIENT_EDIT_HEALTH)))
    )


def client_input(ctx: TenantContext, form: dict[str, str]) -> ClientInput:
    """A ClientInput from the form; raises ValidationFailed for unreadable dates or branches and
    Forbidden when the form carries a field the role may not change."""
    errors: dict[str, str] = {}
    try:
        branch_id = UUID(form.get("branch_id", ""))
    except ValueError:
        errors["branch_id"] = "choose a branch"
        branch_id = ctx.tenant_id
    birth: date | None = None
    text = form.get("date_of_birth", "").strip()
    if text:
        try:
            birth = date.fromisoformat(text)
        except ValueError:
            errors["date_of_birth"] = "use a date like 1990-05-31"
    if errors:
        raise ValidationFailed(errors)
    editable = editable_text_fields(ctx)
    forged = [name for name in TEXT_FIELDS if name in form and name not in editable]
    if forged:
        raise Forbidden(f"the role {ctx.role!r} may not change {', '.join(forged)}")
    extra = {name: form.get(name, "") for name in editable}
    return ClientInput(
        branch_id=branch_id,
        first_name=form.get("first_name", ""),
        last_name=form.get("last_name", ""),
        date_of_birth=birth,
        phone=form.get("phone", ""),
        email=form.get("email", ""),
        kind=form.get("kind", "new"),
        **extra,
    )


def form_of(client: ClientView) -> dict[str, str]:
    """The form values of an existing client (only what the role sees)."""
    values = {
        "branch_id": str(client.branch_id),
        "first_name": client.first_name,
        "last_name": client.last_name,
        "date_of_birth": client.date_of_birth.isoformat() if client.date_of_birth else "",
        "phone": client.phone or "",
        "email": client.email or "",
        "kind": client.kind or "new",
    }
    for name in TEXT_FIELDS:
        value = getattr(client, name)
        if value is not None:
            values[name] = value
    return values


def price_cents(text: str) -> int:
    """A price such as ``49.90`` or ``49,90`` in cents; raises ValidationFailed naming ``price``."""
    cleaned = (text or "0").strip().replace(",", ".")
    try:
        value = Decimal(cleaned or "0")
    except InvalidOperation:
        raise ValidationFailed({"price": "use a price like 49.90"}) from None
    if not value.is_finite() or value < 0 or value > Decimal("1000000"):
        raise ValidationFailed({"price": "use a price like 49.90"})
    return int((value * 100).quantize(Decimal("1")))


def quantity(text: str) -> int:
    """A whole number of items; raises ValidationFailed naming ``quantity``."""
    text = (text or "1").strip()
    if not text.isdigit() or not 1 <= int(text) <= 1000:
        raise ValidationFailed({"quantity": "must be between 1 and 1000"})
    return int(text)
