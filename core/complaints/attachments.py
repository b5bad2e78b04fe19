"""Complaint photos: the type is read from the bytes (never from the name or the declared
type), the size is limited; stored as base64 text under the client's key."""

from __future__ import annotations

import base64
import binascii

from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.messages import field_message

#: The largest photo accepted.
MAX_BYTES = 5 * 1024 * 1024
#: Photo formats by their leading bytes.
_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
)


def sniff(data: bytes) -> str | None:
    """The photo type of ``data`` from its bytes (JPEG, PNG, WebP, HEIC), or ``None``."""
    for magic, offset, content_type in _SIGNATURES:
        if data[offset : offset + len(magic)] == magic:
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"heim", b"heis"):
        return "image/heic"
    return None


def check(data: bytes) -> str:
    """The content type of an acceptable photo; raises ValidationFailed naming ``attachment``."""
    if not data:
        raise ValidationFailed({"attachment": "is empty"})
    if len(data) > MAX_BYTES:
        raise ValidationFailed(
            {
                "attachment": field_message(
                    "must be at most {megabytes} MB", megabytes=MAX_BYTES // (1024 * 1024)
                )
            }
        )
    content_type = sniff(data)
    if content_type is None:
        raise ValidationFailed({"attachment": "must be a photo (JPEG, PNG, WebP or HEIC)"})
    return content_type


def to_text(data: bytes) -> str:
    """``data`` as text for encryption."""
    return base64.b64encode(data).decode("ascii")


def from_text(text: str) -> bytes:
    """The bytes of :func:`to_text`'s text."""
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not an attachment") from exc
