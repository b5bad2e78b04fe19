"""Consent: the privacy policy, the append-only consent ledger and the consent gate.

The stable API for the rest of Salonkeep (aftercare, delivery, sharing)::

    from salonkeep.core import consent
    await consent.allows(client_id, consent.Purpose.MARKETING_EMAIL)       # -> bool
    await consent.require_consent(client_id, consent.Purpose.GREETINGS)    # or ConsentMissing

Withdrawals publish :class:`salonkeep.core.events.ConsentWithdrawn` in their unit of work.
"""

from salonkeep.core.consent.service import (
    MARKETING,
    Channel,
    ConsentMissing,
    ConsentState,
    ImportedConsent,
    LedgerEntry,
    Purpose,
    allowed_pairs,
    allows,
    consent_event_for,
    current_state,
    grant,
    has_consent,
    ledger,
    record_consent,
    record_imported,
    require_consent,
    withdraw,
    wording,
)

__all__ = [
    "MARKETING",
    "Channel",
    "ConsentMissing",
    "ConsentState",
    "ImportedConsent",
    "LedgerEntry",
    "Purpose",
    "allowed_pairs",
    "allows",
    "consent_event_for",
    "current_state",
    "grant",
    "has_consent",
    "ledger",
    "record_consent",
    "record_imported",
    "require_consent",
    "withdraw",
    "wording",
]
