# ruff: noqa: RUF001 - texts in Chinese and Russian too (full-width punctuation, Cyrillic)
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
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import get_tenant

#: The task's words, in the tenant's language (staff read it; the letter is the client's).
TASK_TITLE = {
    "en": "Print and post: {subject}",
    "zh": "打印并邮寄：{subject}",
    "ru": "Распечатать и отправить почтой: {subject}",
    "fi": "Tulosta ja postita: {subject}",
}
TASK_ADDRESS = {"en": "To {name}:", "zh": "致{name}：", "ru": "Кому: {name}", "fi": "Vastaanottaja: {name}"}


def _words(by_language: dict[str, str], language: str, **values: str) -> str:
    return by_language.get(language.split("_")[0], by_language["en"]).format(**values)


class LetterChannel:
    """Hands letters to staff as call-list tasks."""

    name = LETTER
    idempotent = True

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[SendResult]:
        """One task per letter, in one unit of work."""
        results = []
        language = (await get_tenant(current().tenant_id)).default_locale or "en"
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
                        title=_words(TASK_TITLE, language, subject=message.subject)[:200],
                        script=_words(TASK_ADDRESS, language, name=message.client_name)
                        + f"\n\n{message.body}",
                        purpose=message.purpose,
                        status="planned",
                        assigned_role="reception",
                        dedupe_key=key,
                        created_at=clock.now(),
                    )
                    await scoped.insert(task)
                results.append(SendResult(message.id, SENT, provider_ref=key[:128]))
        return results
