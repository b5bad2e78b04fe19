"""Server-side sessions in Redis.

The browser holds only a random token (an httpOnly cookie); Redis holds the session under the
token's SHA-256, so a leaked Redis dump reveals no usable cookie. A new token is issued at every
sign-in (and the old session deleted), so a session id planted before sign-in is worthless.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict, dataclass
from typing import Any

from redis.asyncio import Redis

from salonkeep.tenants import clock

COOKIE = "sk_session"
TTL_SECONDS = 12 * 60 * 60
_PREFIX = "salonkeep:session:"

#: Session stages: the password is checked but the second factor is pending; or fully signed in.
STAGE_TOTP = "totp"
STAGE_FULL = "full"


@dataclass
class SessionData:
    """What the server remembers about one browser session."""

    tenant_id: str
    staff_id: str
    version: int
    stage: str = STAGE_FULL
    locked: bool = False
    last_seen: float = 0.0
    #: A TOTP secret being set up (encrypted), confirmed by the next code.
    pending_totp: str | None = None

    def touch(self) -> None:
        """Record activity now."""
        self.last_seen = clock.now().timestamp()

    def idle_for(self) -> float:
        """Seconds since the last activity."""
        return clock.now().timestamp() - self.last_seen


def _key(token: str) -> str:
    return _PREFIX + hashlib.sha256(token.encode()).hexdigest()


class SessionStore:
    """Create, read, change and end sessions."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def create(self, data: SessionData, replacing: str | None = None) -> str:
        """Store ``data`` under a fresh token (ending the ``replacing`` session); the token."""
        if replacing:
            await self.delete(replacing)
        token = secrets.token_urlsafe(32)
        data.touch()
        await self.save(token, data)
        return token

    async def load(self, token: str | None) -> SessionData | None:
        """The session of ``token``, or ``None``."""
        if not token or len(token) > 100:
            return None
        raw = await self.redis.get(_key(token))
        if raw is None:
            return None
        fields: dict[str, Any] = json.loads(raw)
        return SessionData(**fields)

    async def save(self, token: str, data: SessionData) -> None:
        """Write ``data`` back (and renew its lifetime)."""
        await self.redis.set(_key(token), json.dumps(asdict(data)), ex=TTL_SECONDS)

    async def delete(self, token: str) -> None:
        """End the session of ``token``."""
        await self.redis.delete(_key(token))
