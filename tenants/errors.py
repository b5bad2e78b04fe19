"""Errors raised by services, shared by every edge (web, CLI, workers)."""

from __future__ import annotations


class SalonkeepError(Exception):
    """Base class for errors that an edge turns into a clear message."""


class ValidationFailed(SalonkeepError):
    """Input was refused. ``errors`` maps each field name to a human-readable message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


class NotFound(SalonkeepError):
    """The object does not exist for the current tenant (or at all: the two are never told apart)."""


class Conflict(SalonkeepError):
    """The change clashes with existing data (a duplicate slug or e-mail, for instance)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        #: The message as given (a :class:`~salonkeep.tenants.messages.FieldMessage` keeps its
        #: template for translation).
        self.message = message
        super().__init__(f"{field}: {message}")

    @property
    def errors(self) -> dict[str, str]:
        """The field and its message, as :attr:`ValidationFailed.errors` gives them."""
        return {self.field: self.message}


class NoTenantContext(SalonkeepError):
    """Tenant data was touched with no tenant set: Salonkeep fails closed."""

    def __init__(self) -> None:
        super().__init__("no tenant is set for this unit of work")
