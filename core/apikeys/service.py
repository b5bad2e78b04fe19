"""Create, list, revoke and check API keys.

A key reads ``sk_<tenant id>_<prefix>_<secret>``. The tenant id in the key lets the check
enter that tenant's unit of work *before* anything is looked up, so the look-up runs under
row-level security like every other query (no directory table, no SECURITY DEFINER function).
The prefix finds the row; the secret (32 random bytes) is compared by its SHA-256 hash, which
is enough for a high-entropy secret and costs microseconds per request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import NamedTuple
from uuid import UUID

from salonkeep.core import audit
from salonkeep.core.access import CHAIN_WIDE_ROLES, Action, require
from salonkeep.core.apikeys.tables import ApiKey
from salonkeep.tenants import clock, scoped, validation
from salonkeep.tenants.context import TenantContext, current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.tenants.messages import code, codes, field_message
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.tables import ROLES, Branch

KEY_SCHEME = "sk"
#: ``last_used_at`` is written at most this often per key (not a write per request).
LAST_USED_RESOLUTION = timedelta(minutes=1)


def key_label(key: ApiKey) -> str:
    """How a key signs its audit rows: its name and its (per-tenant unique) prefix, so the rows
    of one key can be told apart from another of the same name (the breach register does)."""
    return f"api key {key.name} ({key.prefix})"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def create_api_key(name: str, role: str, branch_name: str = "") -> tuple[ApiKey, str]:
    """Create a key for the current tenant; returns the row and the key (shown once only).

    Roles that see one branch's clients (all but owner and privacy officer) need a branch.
    """
    ctx = current()
    require(ctx, Action.API_KEYS_MANAGE)
    errors: dict[str, str] = {}
    clean_name = ""
    try:
        clean_name = validation.required_text(name, "name", 100)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if role not in ROLES:
        errors["role"] = field_message("choose one of {choices}", choices=codes(ROLES, "role"))
    elif role not in CHAIN_WIDE_ROLES and not branch_name.strip():
        errors["branch"] = field_message(
            "a {role} key works for one branch; name it", role=code(role, "role")
        )
    if errors:
        raise ValidationFailed(errors)
    async with unit_of_work(ctx):
        branch_id = None
        if branch_name.strip():
            branch = await scoped.objects(Branch).where(Branch.name == branch_name.strip()).first()
            if branch is None:
                raise ValidationFailed(
                    {"branch": field_message("no branch called {name!r}", name=branch_name.strip())}
                )
            branch_id = branch.id
        prefix = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        key = scoped.new(
            ApiKey,
            branch_id=branch_id,
            name=clean_name,
            role=role,
            prefix=prefix,
            secret_hash=_hash(secret),
            created_at=clock.now(),
        )
        await scoped.insert(key)
        shown = {"name": clean_name, "role": role, "branch": branch_name.strip() or None, "prefix": prefix}
        await audit.record(
            audit.AuditAction.API_KEY_CREATE,
            subject="api_key",
            subject_id=key.id,
            changes=audit.changes_between({}, shown),
        )
    return key, f"{KEY_SCHEME}_{ctx.tenant_id.hex}_{prefix}_{secret}"


async def list_api_keys() -> list[ApiKey]:
    """The current tenant's keys (revoked ones included), oldest first."""
    ctx = current()
    require(ctx, Action.API_KEYS_MANAGE)
    async with unit_of_work(ctx):
        return list(await scoped.objects(ApiKey).order_by(ApiKey.created_at))


async def revoke_api_key(key_id: UUID) -> ApiKey:
    """Revoke a key of the current tenant (revoking twice keeps the first time)."""
    ctx = current()
    require(ctx, Action.API_KEYS_MANAGE)
    async with unit_of_work(ctx):
        key = await scoped.get(ApiKey, key_id)
        if key is None:
            raise NotFound("no such API key")
        if key.revoked_at is None:
            key.revoked_at = clock.now()
            await key.save()
            await audit.record(
                audit.AuditAction.API_KEY_REVOKE,
                subject="api_key",
                subject_id=key.id,
                changes=[audit.FieldChange("revoked", False, True)],
                reason=f"{key.name} ({key.prefix})",
            )
    return key


class ParsedKey(NamedTuple):
    """The parts of a well-formed key (unchecked: only :func:`authenticate` vouches for it)."""

    tenant_id: UUID
    prefix: str
    secret: str


def parse_key(token: str) -> ParsedKey | None:
    """The parts of ``token``, or ``None`` when it is not shaped like a key. The edge parses a
    key once and hands the parts to :func:`authenticate`."""
    parts = token.strip().split("_", 3)
    if len(parts) != 4 or parts[0] != KEY_SCHEME or not parts[2] or not parts[3]:
        return None
    try:
        return ParsedKey(UUID(hex=parts[1]), parts[2], parts[3])
    except ValueError:
        return None


def tenant_of_key(token: str) -> UUID | None:
    """The tenant a well-formed key names (unchecked: only :func:`authenticate` vouches for it)."""
    parsed = parse_key(token)
    return parsed.tenant_id if parsed else None


async def authenticate(token: str | ParsedKey) -> TenantContext | None:
    """The tenant context a key (as sent, or as :func:`parse_key` returned it) acts in, or
    ``None`` for a malformed, unknown or revoked key (or one of a suspended tenant). Needs no
    tenant context: the key names its tenant."""
    parsed = parse_key(token) if isinstance(token, str) else token
    if parsed is None:
        return None
    tenant_id, prefix, secret = parsed
    try:
        tenant = await get_tenant(tenant_id)
    except NotFound:
        return None
    if tenant.status != "active":
        return None
    probe = TenantContext(tenant_id=tenant_id, actor_label="api key check")
    async with unit_of_work(probe):
        key = await scoped.objects(ApiKey).where(ApiKey.prefix == prefix).first()
        if key is None or key.revoked_at is not None:
            return None
        if not hmac.compare_digest(key.secret_hash, _hash(secret)):
            return None
        now = clock.now()
        if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
            await scoped.update(ApiKey, {ApiKey.last_used_at: now}).where(ApiKey.id == key.id)
    branches = frozenset({key.branch_id}) if key.branch_id else frozenset()
    return TenantContext(
        tenant_id=tenant_id,
        branch_id=key.branch_id,
        role=key.role,
        actor_label=key_label(key),
        branch_ids=branches,
    )
