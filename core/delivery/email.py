"""E-mail over SMTP (``aiosmtplib``), one connection per batch.

The Message-ID is derived from the message's idempotency key, so a message sent again after a
worker died mid-batch carries the same Message-ID: mail systems and the tests' sink count it
once. Replies 4xx and lost connections are transient (retried with back-off); 5xx refusals
are permanent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr
from typing import Literal

import aiosmtplib

from salonkeep.core.delivery.channel import EMAIL, FAILED, RETRY, SENT, OutgoingMessage, SendResult
from salonkeep.core.delivery.config import SmtpServer
from salonkeep.tenants import clock

#: CRLF line ends for SMTP; long headers (the Message-ID) are not folded.
_POLICY = SMTP.clone(max_line_length=998)


def message_id(message: OutgoingMessage) -> str:
    """``<key@sender-domain>``: the same for every attempt of one message."""
    domain = message.sender_address.rpartition("@")[2] or "salonkeep.invalid"
    return f"<{message.idempotency_key}@{domain}>"


def build_email(message: OutgoingMessage) -> EmailMessage:
    """The RFC 5322 message for ``message`` (plain text, UTF-8)."""
    email = EmailMessage(policy=_POLICY)
    email["From"] = formataddr((message.sender_name, message.sender_address))
    email["To"] = formataddr((message.client_name, message.to))
    email["Subject"] = message.subject
    email["Date"] = format_datetime(clock.now())
    email["Message-ID"] = message_id(message)
    email["Content-Language"] = message.language
    email["X-Salonkeep-Idempotency-Key"] = message.idempotency_key
    email.set_content(message.body)
    return email


class SmtpChannel:
    """The built-in e-mail channel when ``SALONKEEP_SMTP_URL`` is set."""

    name = EMAIL
    idempotent = True

    def __init__(self, server: SmtpServer, timeout: float = 30) -> None:
        self.server = server
        self.timeout = timeout

    def _client(self) -> aiosmtplib.SMTP:
        return aiosmtplib.SMTP(
            hostname=self.server.host,
            port=self.server.port,
            username=self.server.username,
            password=self.server.password,
            use_tls=self.server.use_tls,
            start_tls=self.server.start_tls,
            timeout=self.timeout,
        )

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[SendResult]:
        """Send the batch over one connection; a lost connection makes the rest transient."""
        return [result async for result in self.send_each(messages)]

    async def send_each(self, messages: Sequence[OutgoingMessage]) -> AsyncIterator[SendResult]:
        """Send the batch over one connection, yielding each message's result as soon as the
        server answered it (the worker records it before the next one goes)."""
        pending = list(messages)
        try:
            async with self._client() as smtp:
                while pending:
                    message = pending[0]
                    try:
                        await smtp.send_message(build_email(message))
                        result = SendResult(message.id, SENT, provider_ref=message_id(message))
                    except aiosmtplib.SMTPRecipientsRefused as exc:
                        result = SendResult(message.id, FAILED, f"recipient refused: {exc}"[:500])
                    except aiosmtplib.SMTPResponseException as exc:
                        status: Literal["retry", "failed"] = RETRY if 400 <= exc.code < 500 else FAILED
                        result = SendResult(message.id, status, f"SMTP {exc.code}: {exc.message}"[:500])
                    pending.pop(0)
                    yield result
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            reason = f"SMTP server unreachable: {type(exc).__name__}: {exc}"[:500]
            for m in pending:
                yield SendResult(m.id, RETRY, reason)
