"""An aiosmtpd handler for the exactly-once test: every accepted message's Message-ID is
appended to a file (one line each) before the server answers 250, so the file counts the
copies the server accepted. Cheaper than a Maildir (a file per message), which kept the
10,000-message test waiting on the sink.

    PYTHONPATH=tests/delivery python -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_id_log.MessageIdLog FILE
"""

from __future__ import annotations

import os
from email.parser import BytesHeaderParser
from typing import Any

_HEADERS = BytesHeaderParser()


class MessageIdLog:
    """Appends ``Message-ID`` of each message to a file, then accepts it."""

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    @classmethod
    def from_cli(cls, parser: Any, *args: str) -> MessageIdLog:
        """``-c smtp_id_log.MessageIdLog FILE``."""
        return cls(args[0])

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Log the Message-ID (one ``write``: appended whole), then answer 250."""
        headers = _HEADERS.parsebytes(envelope.original_content or envelope.content)
        os.write(self.fd, f"{str(headers['Message-ID']).strip()}\n".encode())
        return "250 Message accepted for delivery"
