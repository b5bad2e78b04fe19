"""The installation's Ed25519 key that signs audit chain heads.

The private key lives outside the database: ``SALONKEEP_AUDIT_SIGNING_KEY_FILE``, by default
``$DATA_DIR/audit-signing.key`` (PEM, mode 600), created by ``salonkeep migrate`` beside the
master key. Its public half is written next to it (``audit-signing.pub``) and printed by
``salonkeep audit public-key``; verification needs only the public key, so processes that
only verify (the web) never read the private one.

A signed head is a small JSON document::

    {"format": "salonkeep.audit-head/1", "tenant_id": "…", "seq": 160, "hash": "…",
     "sealed_at": "…", "key_id": "…", "signature": "<base64 Ed25519 over the other fields>"}

Heads written before Ed25519 (an HMAC of the master key, field ``mac``) are still accepted as
the starting point; the next seal replaces them with a signed head.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from salonkeep.core.keys import master
from salonkeep.tenants.errors import SalonkeepError
from salonkeep.tenants.settings import Settings

HEAD_FORMAT = "salonkeep.audit-head/1"
SIGNED_FIELDS = ("format", "tenant_id", "seq", "hash", "sealed_at", "key_id")


class SigningKeyMissing(SalonkeepError):
    """The audit signing key (or its public half) cannot be read."""


def public_key_file(settings: Settings) -> Path:
    """Where the public half of the signing key is kept (beside the private key)."""
    return settings.audit_signing_key_file.with_suffix(".pub")


def public_pem(public: Ed25519PublicKey) -> str:
    """The public key as PEM (SubjectPublicKeyInfo), as ``salonkeep audit public-key`` prints it."""
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def create_signing_key(settings: Settings) -> bool:
    """Make the installation's signing key (mode 600) and its ``.pub`` unless they exist.

    Returns True when a new key was made."""
    path = settings.audit_signing_key_file
    if path.exists():
        if not public_key_file(settings).exists():
            _write_public(settings, private_key(settings).public_key())
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, pem)
    finally:
        os.close(fd)
    _write_public(settings, key.public_key())
    return True


def _write_public(settings: Settings, public: Ed25519PublicKey) -> None:
    public_key_file(settings).write_text(public_pem(public))


def private_key(settings: Settings) -> Ed25519PrivateKey:
    """The signing key; :class:`SigningKeyMissing` when the file is absent or not a key."""
    path = settings.audit_signing_key_file
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise SigningKeyMissing(
            f"no audit signing key at {path}: run `salonkeep migrate` (it creates one)"
        ) from None
    except (ValueError, TypeError) as exc:
        raise SigningKeyMissing(f"{path} is not a PEM private key: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyMissing(f"{path} is not an Ed25519 key")
    return key


def parse_public_key(pem: str, source: str) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM text (``source`` names it in errors)."""
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError):
        raise SigningKeyMissing(f"{source} is not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyMissing(f"{source} is not an Ed25519 public key")
    return key


def public_key(settings: Settings) -> Ed25519PublicKey:
    """The installation's public key: the ``.pub`` file, else derived from the private key."""
    path = public_key_file(settings)
    if path.exists():
        return parse_public_key(path.read_text(), str(path))
    return private_key(settings).public_key()


def key_id(public: Ed25519PublicKey) -> str:
    """A short fingerprint of a public key (named in every head it signs)."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _message(head: dict[str, Any]) -> bytes:
    body = {name: head.get(name) for name in SIGNED_FIELDS}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def sign_head(key: Ed25519PrivateKey, tenant_id: str, seq: int, hash_: str, sealed_at: str) -> dict[str, Any]:
    """A signed head document for link ``seq`` of the tenant's chain."""
    head: dict[str, Any] = {
        "format": HEAD_FORMAT,
        "tenant_id": tenant_id,
        "seq": seq,
        "hash": hash_,
        "sealed_at": sealed_at,
        "key_id": key_id(key.public_key()),
    }
    head["signature"] = base64.b64encode(key.sign(_message(head))).decode()
    return head


def signature_problem(
    head: dict[str, Any], public: Ed25519PublicKey, label: str = "the signed chain head"
) -> str | None:
    """Why ``head`` is not a valid head signed by ``public`` (``None`` when it is); ``label``
    names the head in the answer."""
    if not isinstance(head.get("seq"), int) or not isinstance(head.get("hash"), str):
        return f"{label} has no seq or hash"
    if "mac" in head and "signature" not in head:
        return None if _legacy_mac_ok(head) else f"{label} has a bad signature (legacy HMAC)"
    if head.get("format") != HEAD_FORMAT:
        return f"{label} is not a {HEAD_FORMAT} document"
    if head.get("key_id") != key_id(public):
        return f"{label} was signed by key {head.get('key_id')}, not by the key {key_id(public)}"
    try:
        public.verify(base64.b64decode(str(head.get("signature", "")), validate=True), _message(head))
    except (InvalidSignature, binascii.Error, ValueError):
        return f"{label} has a bad signature"
    return None


def _legacy_mac_ok(head: dict[str, Any]) -> bool:
    """A head of the HMAC era, checked with any master key this process knows."""
    message = f"{head.get('tenant_id')}|{head.get('seq')}|{head.get('hash')}|{head.get('sealed_at')}".encode()
    for key in master.known_keys().values():
        mac = hmac.new(master.derive("salonkeep:audit-head", key), message, hashlib.sha256).hexdigest()
        if hmac.compare_digest(str(head.get("mac", "")), mac):
            return True
    return False
