"""The consent gate: may a message of this purpose be planned (or sent) for the client?

``service`` messages (aftercare the client is owed) need no consent; every other purpose
must have been granted in the consent ledger, and a withdrawal counts at once.
"""

from __future__ import annotations

from uuid import UUID

from salonkeep.core import consent
from salonkeep.core.plugins.api import SERVICE


async def allows(client_id: UUID, purpose: str) -> bool:
    """True when a message of ``purpose`` may go to the client of the current tenant."""
    if purpose == SERVICE:
        return True
    return await consent.allows(client_id, purpose)
