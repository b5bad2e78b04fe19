"""Ids in API paths and queries: a malformed path id is "not found" (as an unknown one is), a
malformed query id is a 422 naming its parameter."""

from __future__ import annotations

from uuid import UUID

from salonkeep.tenants.errors import NotFound, ValidationFailed


def path_id(raw: str, not_found: str) -> UUID:
    """``raw`` as a UUID; NotFound(``not_found``) when it is not one."""
    try:
        return UUID(raw)
    except ValueError:
        raise NotFound(not_found) from None


def query_id(raw: str | None, field: str) -> UUID | None:
    """``raw`` as a UUID, ``None`` when empty; ValidationFailed naming ``field`` when it is not one."""
    if not raw:
        return None
    try:
        return UUID(raw)
    except ValueError:
        raise ValidationFailed({field: "is not an id"}) from None
