"""The optional second factor: TOTP secrets (encrypted at rest) and their QR codes."""

from __future__ import annotations

import base64
import hashlib
from io import BytesIO

import pyotp
import qrcode
import qrcode.image.svg
from cryptography.fernet import Fernet, InvalidToken

ISSUER = "Salonkeep"


class TotpBox:
    """Encrypts TOTP secrets with a key derived from the installation's master key."""

    def __init__(self, master_key: bytes) -> None:
        derived = hashlib.sha256(b"salonkeep totp secrets\0" + master_key).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def new_secret(self) -> str:
        """A fresh encrypted secret."""
        return self.seal(pyotp.random_base32())

    def seal(self, secret: str) -> str:
        """``secret`` encrypted for storage."""
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str | None:
        """The secret in ``sealed``, or ``None`` when it cannot be decrypted."""
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            return None

    def verify(self, sealed: str | None, code: str) -> bool:
        """True when ``code`` is the current (or an adjacent) one-time code of ``sealed``."""
        secret = self.open(sealed) if sealed else None
        code = (code or "").replace(" ", "")
        if not secret or not code.isdigit():
            return False
        return pyotp.TOTP(secret).verify(code, valid_window=1)


def provisioning_uri(secret: str, account: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def qr_svg(data: str) -> str:
    """An inline SVG QR code of ``data``."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()
