"""Printed letters (the birthday card posted 3 days ahead): a task on the branch's call list.

"Sending" a letter puts a task for reception on the call list of the client's branch: print
this text and post it. The task's dedupe key is the message's, so a second hand-over after a
crash plans nothing twice: idempotent.
"""

from __future__ import annotations

from collections.abc import Sequence

from salonkeep.core.aftercare.tables import Touchpoint
from salonkeep.core.delivery.channel import LETTER, SENT, OutgoingMessage, SendResult
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.db import unit_of_work


class LetterChannel:
    """Hands letters to staff as call-list tasks."""

    name = LETTER
    idempotent = True

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[SendResult]:
        """One task per letter, in one unit of work."""
        results = []
        async with unit_of_work():
            for message in messages:
                key = f"letter:{message.idempotency_key}"
                if not await scoped.exists(Touchpoint, Touchpoint.dedupe_key == key):
                    task = scoped.new(
                        Touchpoint,
                        client_id=message.client_id,
                        branch_id=message.branch_id,
                        programme=message.programme,
                        kind="task",
                        due_at=clock.now(),
                        title=f"Print and post: {message.subject}"[:200],
                        script=f"To {message.client_name}:\n\n{message.body}",
                        purpose=message.purpose,
                        status="planned",
                        assigned_role="reception",
                        dedupe_key=key,
                        created_at=clock.now(),
                    )
                    await scoped.insert(task)
                results.append(SendResult(message.id, SENT, provider_ref=key[:128]))
        return results
