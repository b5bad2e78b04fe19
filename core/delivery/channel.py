"""What a delivery channel is: the plugin-facing types (re-exported by the plugin API).

A channel takes a batch of :class:`OutgoingMessage` and returns one :class:`SendResult`
each. The workers mark the rows ``sending`` (with a lease) before calling it and ``sent``
after, so a channel is called again for a message only when a worker died between the two.
A channel that also has ``send_each`` (an async iterator yielding each message's result as
soon as that message is handed over: the built-in ones) has each result recorded before the
next message goes, so a worker killed mid-batch leaves at most the message in flight to be
sent again; with ``send`` alone the window is the batch.
``idempotent = True`` promises that such a second call cannot reach the client twice (SMTP
with a Message-ID derived from the key, a provider with an idempotency header). For other
channels the second send is counted on the row (``possible_duplicates``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Final, Literal, Protocol, cast, runtime_checkable
from uuid import UUID

#: The built-in channels.
EMAIL = "email"
SMS = "sms"
LETTER = "letter"

SENT: Final = "sent"
RETRY: Final = "retry"
FAILED: Final = "failed"


@dataclass(frozen=True)
class OutgoingMessage:
    """One message ready to go: rendered, addressed, with its idempotency key."""

    id: UUID
    #: Stable for every attempt of this message: use it as the provider's idempotency key.
    idempotency_key: str
    tenant_id: UUID
    tenant_slug: str
    client_id: UUID
    branch_id: UUID
    programme: str
    purpose: str
    channel: str
    #: The e-mail address or phone number (empty for letters).
    to: str
    client_name: str
    sender_name: str
    sender_address: str
    subject: str
    body: str
    language: str
    attempt: int
    #: True when an earlier worker may already have sent it (its lease expired mid-send).
    recovered: bool = False


@dataclass(frozen=True)
class SendResult:
    """What became of one message: ``sent``, ``retry`` (a transient failure: back-off) or
    ``failed`` (permanent: the reason is shown on the Delivery problems page)."""

    message_id: UUID
    status: Literal["sent", "retry", "failed"]
    reason: str = ""
    provider_ref: str = ""


@runtime_checkable
class Channel(Protocol):
    """A way of reaching clients. ``name`` is what ``PlannedMessage.channel`` names."""

    name: str
    idempotent: bool

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[SendResult]:
        """Send ``messages`` (one tenant, one batch); one result per message, any order."""
        ...


class StreamingChannel(Channel, Protocol):
    """A channel that hands messages over one by one and says so after each."""

    def send_each(self, messages: Sequence[OutgoingMessage]) -> AsyncIterator[SendResult]:
        """Send ``messages`` in order, yielding each one's result as soon as it is known (the
        worker records it before asking for the next)."""
        ...


def streaming(channel: Channel) -> StreamingChannel | None:
    """``channel`` when it can send message by message (``send_each``), else None."""
    return cast(StreamingChannel, channel) if callable(getattr(channel, "send_each", None)) else None
