"""The master key: read from ``SALONKEEP_MASTER_KEY`` (base64) or the master key file.

The file (``SALONKEEP_MASTER_KEY_FILE``, by default ``$DATA_DIR/master.key``) is created by
``salonkeep migrate`` / ``salonkeep up`` when missing, mode 600. Everything else is derived from
it with HKDF (one sub-key per purpose), so the master key itself never encrypts data directly.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from salonkeep.tenants.errors import SalonkeepError
from salonkeep.tenants.settings import Settings

MASTER_KEY_ENV = "SALONKEEP_MASTER_KEY"
#: During a master-key change: the old key, still accepted for unwrapping until
#: ``salonkeep keys rotate-master`` has re-wrapped everything under the new one.
PREVIOUS_KEY_FILE_ENV = "SALONKEEP_PREVIOUS_MASTER_KEY_FILE"
KEY_BYTES = 32


class MasterKeyMissing(SalonkeepError):
    """No master key is configured (run ``salonkeep migrate`` or set SALONKEEP_MASTER_KEY)."""


_key: bytes | None = None
_file: Path | None = None


def _decode(text: str, source: str) -> bytes:
    text = text.strip()
    try:
        raw = bytes.fromhex(text) if len(text) == 2 * KEY_BYTES else base64.b64decode(text, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise MasterKeyMissing(f"{source} is not a base64 (or hex) key") from exc
    if len(raw) != KEY_BYTES:
        raise MasterKeyMissing(f"{source} must hold {KEY_BYTES} bytes (got {len(raw)})")
    return raw


def create_key_file(path: Path) -> bool:
    """Write a new random master key to ``path`` (mode 600) unless it exists. True if created."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, base64.b64encode(secrets.token_bytes(KEY_BYTES)) + b"\n")
    finally:
        os.close(fd)
    return True


def configure(settings: Settings, create: bool = False) -> None:
    """Point this process at the master key of ``settings`` (loaded lazily on first use)."""
    global _key, _file
    _key = None
    _file = settings.master_key_file
    if create and not os.environ.get(MASTER_KEY_ENV):
        create_key_file(settings.master_key_file)


def set_master_key(key: bytes | None) -> None:
    """Use ``key`` as the master key (tests and key rotation); ``None`` reloads from config."""
    global _key
    _key = key


def master_key() -> bytes:
    """The master key; raises :class:`MasterKeyMissing` when none is configured."""
    global _key
    if _key is not None:
        return _key
    env = os.environ.get(MASTER_KEY_ENV)
    if env:
        _key = _decode(env, MASTER_KEY_ENV)
    elif _file is not None and _file.exists():
        _key = _decode(_file.read_text(), str(_file))
    else:
        raise MasterKeyMissing(
            "no master key: run `salonkeep migrate` (creates the key file) or set SALONKEEP_MASTER_KEY"
        )
    return _key


def derive(purpose: str, key: bytes | None = None) -> bytes:
    """A 32-byte sub-key of the master key for ``purpose`` (HKDF-SHA256)."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=purpose.encode()).derive(
        key if key is not None else master_key()
    )


def key_id(key: bytes | None = None) -> str:
    """A short public fingerprint of the master key (stored beside what it wraps)."""
    return hashlib.sha256(derive("salonkeep:key-id", key)).hexdigest()[:16]


def previous_master_key() -> bytes | None:
    """The previous master key (``SALONKEEP_PREVIOUS_MASTER_KEY_FILE``), if one is configured."""
    path = os.environ.get(PREVIOUS_KEY_FILE_ENV)
    if not path:
        return None
    return _decode(Path(path).read_text(), path)


def known_keys() -> dict[str, bytes]:
    """The master keys this process accepts, by :func:`key_id` (current first)."""
    keys = {key_id(): master_key()}
    previous = previous_master_key()
    if previous is not None:
        keys.setdefault(key_id(previous), previous)
    return keys
