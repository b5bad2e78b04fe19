"""Reading an ASGI request body ahead of the app, and handing it on unchanged."""

from __future__ import annotations

from litestar.types import HTTPRequestEvent, Receive, ReceiveMessage


async def read_body(receive: Receive, limit: int | None = None) -> tuple[bytes, Receive, bool]:
    """The whole body, a ``receive`` that replays it to the app, and whether it was larger than
    ``limit`` bytes (reading stops there; the body returned is then empty)."""
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if limit is not None and size > limit:
            return b"", receive, True
        chunks.append(chunk)
        more = message.get("more_body", False)
    body = b"".join(chunks)
    replayed = False

    async def replay() -> ReceiveMessage:
        nonlocal replayed
        if not replayed:
            replayed = True
            whole: HTTPRequestEvent = {"type": "http.request", "body": body, "more_body": False}
            return whole
        return await receive()

    return body, replay, False
