"""SMS providers over HTTP: a generic JSON webhook and Twilio's Messages API.

Generic webhook (``SALONKEEP_SMS_PROVIDER=webhook``): ``POST SALONKEEP_SMS_WEBHOOK_URL`` with
``Authorization: SALONKEEP_SMS_WEBHOOK_AUTH``, ``Idempotency-Key: <key>`` and the JSON body
``{"to", "from", "body", "idempotency_key", "tenant", "language"}``; a 2xx answer is sent (its
JSON ``id``, if any, is kept as the provider's reference), 408/429/5xx and network errors are
retried, other 4xx fail. The contract asks the provider to drop a repeated key: idempotent.

Twilio (``SALONKEEP_SMS_PROVIDER=twilio``): ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json``
with the form fields ``To``, ``From`` and ``Body`` and HTTP basic auth (account SID and auth
token); 201 returns the message ``sid``. Twilio's REST API takes no idempotency key, so a
message sent again after a crash is counted as a possible duplicate.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Literal

import httpx

from salonkeep.core.delivery.channel import FAILED, RETRY, SENT, SMS, OutgoingMessage, SendResult

TRANSIENT = {408, 425, 429}


def _classify(message: OutgoingMessage, response: httpx.Response, ref_field: str) -> SendResult:
    if 200 <= response.status_code < 300:
        try:
            ref = str(response.json().get(ref_field, "") or "")
        except ValueError:
            ref = ""
        return SendResult(message.id, SENT, provider_ref=ref[:128])
    status: Literal["retry", "failed"] = (
        RETRY if response.status_code in TRANSIENT or response.status_code >= 500 else FAILED
    )
    return SendResult(message.id, status, f"HTTP {response.status_code}: {response.text[:300]}")


class WebhookSmsChannel:
    """The generic HTTP JSON provider."""

    name = SMS
    idempotent = True

    def __init__(self, url: str, authorization: str, timeout: float = 15) -> None:
        self.url = url
        self.authorization = authorization
        self.timeout = timeout

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[SendResult]:
        """POST each message (one HTTP connection for the batch)."""
        return [result async for result in self.send_each(messages)]

    async def send_each(self, messages: Sequence[OutgoingMessage]) -> AsyncIterator[SendResult]:
        """POST each message, yielding its result as soon as the provider answered."""
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            for message in messages:
                headers = {"Idempotency-Key": message.idempotency_key}
                if self.authorization:
                    headers["Authorization"] = self.authorization
                body = {
                    "to": message.to,
                    "from": message.sender_name,
                    "body": message.body,
                    "idempotency_key": message.idempotency_key,
                    "tenant": message.tenant_slug,
                    "language": message.language,
                }
                try:
                    response = await client.post(self.url, json=body, headers=headers)
                except httpx.HTTPError as exc:
                    yield SendResult(message.id, RETRY, f"SMS provider unreachable: {exc}"[:500])
                    continue
                yield _classify(message, response, "id")


class TwilioSmsChannel:
    """Twilio's Programmable Messaging API."""

    name = SMS
    idempotent = False

    def __init__(
        self, account_sid: str, auth_token: str, sender: str, api_url: str, timeout: float = 15
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.sender = sender
        self.url = f"{api_url}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self.timeout = timeout

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[SendResult]:
        """POST each message as Twilio's form fields."""
        return [result async for result in self.send_each(messages)]

    async def send_each(self, messages: Sequence[OutgoingMessage]) -> AsyncIterator[SendResult]:
        """POST each message, yielding its result as soon as Twilio answered: Twilio takes no
        idempotency key, so each result is recorded before the next message goes."""
        auth = httpx.BasicAuth(self.account_sid, self.auth_token)
        async with httpx.AsyncClient(timeout=self.timeout, auth=auth) as client:
            for message in messages:
                form = {"To": message.to, "From": self.sender, "Body": message.body}
                try:
                    response = await client.post(self.url, data=form)
                except httpx.HTTPError as exc:
                    yield SendResult(message.id, RETRY, f"Twilio unreachable: {exc}"[:500])
                    continue
                yield _classify(message, response, "sid")
