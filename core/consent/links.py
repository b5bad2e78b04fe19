"""Signed self-service links: a client opens ``/t/{slug}/consent/{token}`` (no account) to see
and change their consent. The token carries the client id and an expiry, signed with a key
derived from the master key for this tenant (itsdangerous)."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from itsdangerous import BadSignature, URLSafeSerializer

from salonkeep.core.keys import master
from salonkeep.tenants import clock
from salonkeep.tenants.errors import NotFound

LINK_VALIDITY = timedelta(days=30)


def _serializer(tenant_id: UUID) -> URLSafeSerializer:
    return URLSafeSerializer(master.derive(f"salonkeep:consent-link:{tenant_id}"), salt="consent-link")


def make_token(tenant_id: UUID, client_id: UUID, valid_for: timedelta = LINK_VALIDITY) -> str:
    """A token for the client's self-service link."""
    expires = int((clock.now() + valid_for).timestamp())
    return str(_serializer(tenant_id).dumps({"c": str(client_id), "e": expires}))


def read_token(tenant_id: UUID, token: str) -> UUID:
    """The client id in a valid, unexpired token of this tenant; NotFound otherwise."""
    try:
        data = _serializer(tenant_id).loads(token)
        client_id = UUID(str(data["c"]))
        expires = int(data["e"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise NotFound("this consent link is not valid") from None
    if clock.now().timestamp() > expires:
        raise NotFound("this consent link has expired; ask the salon for a new one")
    return client_id


def link_path(slug: str, tenant_id: UUID, client_id: UUID) -> str:
    """The path of a client's self-service link."""
    return f"/t/{slug}/consent/{make_token(tenant_id, client_id)}"
