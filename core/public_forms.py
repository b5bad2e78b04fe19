"""Spam resistance of the public forms (complaint and booking pages of a branch, the sign-up
page) without a third-party service.

* a signed, timestamped form token (itsdangerous, a key derived from the master key for the
  form's scope: purpose, tenant and branch of a branch's form, ``signup`` for the sign-up
  page): a submission needs a form that this server handed out, at least
  :data:`MIN_FILL_SECONDS` and at most :data:`MAX_AGE_SECONDS` earlier;
* a honeypot field people never see (bots fill it in);
* a per-address limit (:class:`AttemptLimiter`): every submission from one address counts,
  refused ones included; past the form's hourly limit, nothing more is looked at.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import UUID

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

from salonkeep.core.keys import master
from salonkeep.tenants import clock

MIN_FILL_SECONDS = 3
MAX_AGE_SECONDS = 2 * 3600
WINDOW_SECONDS = 3600
HONEYPOT_FIELD = "website"
TOKEN_FIELD = "form_token"  # noqa: S105 - a field name


class _ClockSigner(TimestampSigner):
    """Timestamps from the application clock (tests move it; no waiting)."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


class Verdict(StrEnum):
    """What the guard of a public form decided about one submission."""

    LIMITED = "limited"  # too many from this address: refuse, look at nothing
    EXPIRED = "expired"  # no valid form token: show the form again
    ROBOT = "robot"  # the honeypot is filled in: thank, store nothing
    OK = "ok"


def _signer(scope: str) -> TimestampSigner:
    purpose = scope.split(":", 1)[0]
    return _ClockSigner(master.derive(f"salonkeep:{scope}"), salt=purpose)


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


def scoped_address_key(scope: str, address: str) -> str:
    """The counter's key for an address on the forms of ``scope`` (a hash: no address is
    stored)."""
    digest = hashlib.sha256(f"{scope}:{address}".encode()).hexdigest()[:32]
    return f"salonkeep:public-form:{digest}"


@dataclass(frozen=True)
class PublicForm:
    """One kind of public form of a branch (``purpose`` names it in keys and counters) and
    how many submissions an address may make per hour."""

    purpose: str
    max_per_hour: int = 5

    def form_token(self, tenant_id: UUID, branch_id: UUID) -> str:
        """A token for one form of the branch's public page."""
        return scoped_form_token(f"{self.purpose}:{tenant_id}:{branch_id}")

    def token_ok(self, tenant_id: UUID, branch_id: UUID, token: str) -> bool:
        """True for a token of this form, tenant and branch (see :func:`scoped_token_ok`)."""
        return scoped_token_ok(f"{self.purpose}:{tenant_id}:{branch_id}", token)

    def address_key(self, tenant_id: UUID, address: str) -> str:
        """The counter's key of an address on this form of the tenant."""
        return scoped_address_key(f"{self.purpose}:{tenant_id}", address)


class AttemptLimiter:
    """Counts submissions per address in Redis (``INCR`` + expiry), or in this process when
    no Redis is configured; ``max_per_hour`` allowed per key and window."""

    def __init__(self, redis: Any | None, max_per_hour: int = 5) -> None:
        self.redis = redis
        self.max_per_hour = max_per_hour
        self._local: dict[str, tuple[float, int]] = {}

    async def allow(self, key: str) -> bool:
        """Count one attempt; True while the address is within the limit."""
        if self.redis is not None:
            count = int(await self.redis.incr(key))
            if count == 1:
                await self.redis.expire(key, WINDOW_SECONDS)
            return count <= self.max_per_hour
        started, count = self._local.get(key, (time.time(), 0))
        if time.time() - started > WINDOW_SECONDS:
            started, count = time.time(), 0
        self._local[key] = (started, count + 1)
        return count + 1 <= self.max_per_hour


async def judge(
    form: PublicForm,
    limiter: AttemptLimiter,
    *,
    tenant_id: UUID,
    branch_id: UUID,
    address: str,
    fields: dict[str, Any],
) -> Verdict:
    """The guard every public form runs first, in this order: the address's limit (counted
    whatever follows), the form token, the honeypot."""
    if not await limiter.allow(form.address_key(tenant_id, address)):
        return Verdict.LIMITED
    if not form.token_ok(tenant_id, branch_id, str(fields.get(TOKEN_FIELD, "") or "")):
        return Verdict.EXPIRED
    if fields.get(HONEYPOT_FIELD):
        return Verdict.ROBOT
    return Verdict.OK
