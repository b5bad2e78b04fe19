"""The minimal consent ledger: who agreed to what, and when (append-only).

This is the small ledger the aftercare programmes need (a marketing-like message is planned
only with the matching consent). The privacy work brings the richer ledger (proof, wording,
channels); it will replace or extend this module while keeping :func:`allows` and
:func:`record`.
"""

from salonkeep.core.consent.ledger import PURPOSES, allows, record

__all__ = ["PURPOSES", "allows", "record"]
