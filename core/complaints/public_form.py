"""Spam resistance of the public forms (the complaint form, the sign-up page) without a
third-party service.

* a signed, timestamped form token (itsdangerous, a key derived from the master key for the
  form's scope: the tenant and branch of a complaint form, ``signup`` for the sign-up page):
  a submission needs a form that this server handed out, at least
  :data:`MIN_FILL_SECONDS` and at most :data:`MAX_AGE_SECONDS` earlier;
* a honeypot field people never see (bots fill it in);
* a per-address limit (:class:`AttemptLimiter`): every submission from one address counts,
  refused ones included; past :data:`MAX_PER_HOUR` an hour, nothing more is looked at.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any
from uuid import UUID

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

from salonkeep.core.keys import master
from salonkeep.tenants import clock

MIN_FILL_SECONDS = 3
MAX_AGE_SECONDS = 2 * 3600
MAX_PER_HOUR = 5
WINDOW_SECONDS = 3600
HONEYPOT_FIELD = "website"


class _ClockSigner(TimestampSigner):
    """Timestamps from the application clock (tests move it; no waiting)."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _signer(scope: str) -> TimestampSigner:
    purpose = scope.split(":", 1)[0]
    return _ClockSigner(master.derive(f"salonkeep:{scope}"), salt=purpose)


def _complaint_scope(tenant_id: UUID, branch_id: UUID) -> str:
    return f"complaint-form:{tenant_id}:{branch_id}"


def scoped_form_token(scope: str) -> str:
    """A token for one form of ``scope`` (``purpose`` or ``purpose:detail``)."""
    return _signer(scope).sign(scope.split(":", 1)[0].encode("ascii")).decode("ascii")


def scoped_token_ok(scope: str, token: str) -> bool:
    """True for a token of ``scope``, handed out at least ``MIN_FILL_SECONDS`` and at most
    ``MAX_AGE_SECONDS`` ago."""
    try:
        _, issued = _signer(scope).unsign(
            token.encode("ascii"), max_age=MAX_AGE_SECONDS, return_timestamp=True
        )
    except (BadSignature, SignatureExpired, UnicodeEncodeError):
        return False
    return clock.now().timestamp() - issued.timestamp() >= MIN_FILL_SECONDS


def form_token(tenant_id: UUID, branch_id: UUID) -> str:
    """A token for one form of the branch's public complaint page."""
    return _signer(_complaint_scope(tenant_id, branch_id)).sign(b"complaint").decode("ascii")


def token_ok(tenant_id: UUID, branch_id: UUID, token: str) -> bool:
    """True for a complaint-form token of this tenant and branch (see :func:`scoped_token_ok`)."""
    return scoped_token_ok(_complaint_scope(tenant_id, branch_id), token)


def scoped_address_key(scope: str, address: str) -> str:
    """The counter's key for an address on the forms of ``scope`` (a hash: no address is stored)."""
    digest = hashlib.sha256(f"{scope}:{address}".encode()).hexdigest()[:32]
    return f"salonkeep:public-form:{digest}"


def address_key(tenant_id: UUID, address: str) -> str:
    """The complaint counter's key: the tenant and a hash of the address (no address is stored)."""
    digest = hashlib.sha256(f"{tenant_id}:{address}".encode()).hexdigest()[:32]
    return f"salonkeep:complaint-form:{digest}"


class AttemptLimiter:
    """Counts submissions per address in Redis (``INCR`` + expiry), or in this process when
    no Redis is configured."""

    def __init__(self, redis: Any | None) -> None:
        self.redis = redis
        self._local: dict[str, tuple[float, int]] = {}

    async def allow(self, key: str) -> bool:
        """Count one attempt; True while the address is within the limit."""
        if self.redis is not None:
            count = int(await self.redis.incr(key))
            if count == 1:
                await self.redis.expire(key, WINDOW_SECONDS)
            return count <= MAX_PER_HOUR
        started, count = self._local.get(key, (time.time(), 0))
        if time.time() - started > WINDOW_SECONDS:
            started, count = time.time(), 0
        self._local[key] = (started, count + 1)
        return count + 1 <= MAX_PER_HOUR
