"""The embedded default: with no SMTP server or SMS provider configured, messages are written
as files under the data folder (``outbox/<key>.eml``, ``outbox/<key>.sms.json``), where a
newcomer can open them (and the "Sent messages" page lists them). The file is named by the
idempotency key, so writing a message again replaces it: idempotent."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from salonkeep.core.delivery.channel import EMAIL, SENT, SMS, OutgoingMessage, SendResult
from salonkeep.core.delivery.email import build_email


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)  # never half a file


class FileEmailChannel:
    """E-mail as ``.eml`` files in ``<data>/outbox``."""

    name = EMAIL
    idempotent = True

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[SendResult]:
        """Write each message as an .eml file."""
        results = []
        for message in messages:
            path = self.folder / f"{message.idempotency_key}.eml"
            _write(path, bytes(build_email(message)))
            results.append(SendResult(message.id, SENT, provider_ref=path.name))
        return results


class FileSmsChannel:
    """SMS as ``.sms.json`` files in ``<data>/outbox``."""

    name = SMS
    idempotent = True

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[SendResult]:
        """Write each message as a JSON file."""
        results = []
        for message in messages:
            path = self.folder / f"{message.idempotency_key}.sms.json"
            body = {
                "to": message.to,
                "from": message.sender_name,
                "body": message.body,
                "language": message.language,
                "tenant": message.tenant_slug,
                "idempotency_key": message.idempotency_key,
            }
            _write(path, json.dumps(body, ensure_ascii=False, indent=2).encode())
            results.append(SendResult(message.id, SENT, provider_ref=path.name))
        return results
