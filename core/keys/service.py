"""Envelope encryption of sensitive client fields (AES-256-GCM from ``cryptography``).

master key ──wraps──► tenant key (versioned) ──wraps──► client data key ──encrypts──► fields

* A client's fields are encrypted with the client's own data key, so erasure can *shred* it:
  once the wrapped key row is deleted, every copy of the ciphertext (replicas, backups taken
  after the key's last backup) is unreadable.
* Each field is bound to its tenant, client and name (AES-GCM associated data), so ciphertext
  copied to another row or column does not decrypt.
* ``salonkeep keys rotate`` makes a new tenant-key version and re-wraps client keys in small
  batches; readers use the version recorded with each client key, so nothing stops meanwhile.

Everything here runs inside the caller's unit of work (tenant set, filtered by tenant id).
"""

from __future__ import annotations

import base64
import os
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from uuid import UUID, uuid4

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from salonkeep.core import audit
from salonkeep.core.keys import master
from salonkeep.core.keys.tables import ClientKey, TenantKey
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import TenantContext
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import SalonkeepError

PREFIX = "sk1:"
NONCE = 12
REWRAP_BATCH = 500
CLIENT_KEY_CACHE = 20_000


class DecryptionFailed(SalonkeepError):
    """A value could not be decrypted (wrong key, shredded key or tampered ciphertext)."""


_tenant_keys: dict[tuple[UUID, int], bytes] = {}
_client_keys: OrderedDict[tuple[UUID, UUID], bytes] = OrderedDict()


def forget_cached_keys() -> None:
    """Drop every unwrapped key held in memory (tests; after a master-key change)."""
    _tenant_keys.clear()
    _client_keys.clear()


def _seal(key: bytes, plaintext: bytes, aad: str) -> str:
    nonce = os.urandom(NONCE)
    return base64.b64encode(nonce + AESGCM(key).encrypt(nonce, plaintext, aad.encode())).decode()


def _open(key: bytes, token: str, aad: str) -> bytes:
    raw = base64.b64decode(token)
    try:
        return AESGCM(key).decrypt(raw[:NONCE], raw[NONCE:], aad.encode())
    except InvalidTag as exc:
        raise DecryptionFailed(f"cannot decrypt ({aad.split(':')[0]})") from exc


def _wrapping_key(master_key: bytes | None = None) -> bytes:
    return master.derive("salonkeep:tenant-key-wrap", master_key)


async def _active_tenant_key(ctx: TenantContext) -> tuple[int, bytes]:
    row = (
        await scoped.objects(TenantKey)
        .where(TenantKey.state == "active")
        .order_by(TenantKey.version, ascending=False)
        .first()
    )
    if row is None:
        return await _new_tenant_key(ctx, 1)
    return row.version, _unwrap_tenant_key(ctx.tenant_id, row)


async def _new_tenant_key(ctx: TenantContext, version: int) -> tuple[int, bytes]:
    key = AESGCM.generate_key(bit_length=256)
    await scoped.insert(
        scoped.new(
            TenantKey,
            version=version,
            wrapped=_seal(_wrapping_key(), key, f"tenant-key:{ctx.tenant_id}:{version}"),
            master_key_id=master.key_id(),
            state="active",
            created_at=clock.now(),
        )
    )
    return version, key


def _unwrap_tenant_key(tenant_id: UUID, row: TenantKey) -> bytes:
    cached = _tenant_keys.get((tenant_id, row.version))
    if cached is not None:
        return cached
    known = master.known_keys()
    if row.master_key_id and row.master_key_id not in known:
        raise DecryptionFailed(
            f"tenant key version {row.version} is wrapped by another master key ({row.master_key_id})"
        )
    wrapping = _wrapping_key(known.get(row.master_key_id) if row.master_key_id else None)
    key = _open(wrapping, row.wrapped, f"tenant-key:{tenant_id}:{row.version}")
    _tenant_keys[(tenant_id, row.version)] = key
    return key


async def _tenant_key(ctx: TenantContext, version: int) -> bytes:
    cached = _tenant_keys.get((ctx.tenant_id, version))
    if cached is not None:
        return cached
    row = await scoped.objects(TenantKey).where(TenantKey.version == version).first()
    if row is None or not row.wrapped:
        raise DecryptionFailed(f"tenant key version {version} is missing or retired")
    return _unwrap_tenant_key(ctx.tenant_id, row)


async def _client_key(ctx: TenantContext, client_id: UUID, create: bool) -> bytes | None:
    cache_key = (ctx.tenant_id, client_id)
    cached = _client_keys.get(cache_key)
    if cached is not None:
        _client_keys.move_to_end(cache_key)
        return cached
    row = await scoped.objects(ClientKey).where(ClientKey.client_id == client_id).first()
    if row is not None:
        tenant_key = await _tenant_key(ctx, row.tenant_key_version)
        key = _open(tenant_key, row.wrapped, f"client-key:{ctx.tenant_id}:{client_id}")
        _client_keys[cache_key] = key
        if len(_client_keys) > CLIENT_KEY_CACHE:
            _client_keys.popitem(last=False)
        return key
    if not create:
        return None
    version, tenant_key = await _active_tenant_key(ctx)
    key = AESGCM.generate_key(bit_length=256)
    # Not cached until read back: a rolled-back transaction must not leave a key in memory.
    await scoped.insert(
        scoped.new(
            ClientKey,
            client_id=client_id,
            tenant_key_version=version,
            wrapped=_seal(tenant_key, key, f"client-key:{ctx.tenant_id}:{client_id}"),
            created_at=clock.now(),
        )
    )
    return key


def _field_aad(ctx: TenantContext, client_id: UUID | str, name: str) -> str:
    return f"field:{ctx.tenant_id}:{client_id}:{name}"


async def encrypt_fields(ctx: TenantContext, client_id: UUID, values: Mapping[str, str]) -> dict[str, str]:
    """Ciphertexts of ``values`` (field name → clear text) under the client's key (made if
    needed). Empty values stay empty. Call inside the unit of work that writes them."""
    out: dict[str, str] = {}
    key: bytes | None = None
    for name, value in values.items():
        if not value:
            out[name] = ""
            continue
        if key is None:
            key = await _client_key(ctx, client_id, create=True)
        assert key is not None
        out[name] = PREFIX + _seal(key, value.encode(), _field_aad(ctx, client_id, name))
    return out


@dataclass
class SealedClients:
    """Ciphertexts for new clients (:func:`seal_new_clients`) and their wrapped data keys,
    stored with :meth:`store` once the client rows exist."""

    fields: dict[UUID, dict[str, str]]
    key_rows: list[dict[str, object]]

    async def store(self) -> None:
        """Insert the wrapped data keys (multi-row inserts, in the caller's unit of work)."""
        await scoped.insert_many(ClientKey, self.key_rows)


async def seal_new_clients(ctx: TenantContext, values: Mapping[UUID, Mapping[str, str]]) -> SealedClients:
    """Encrypt the fields of many new clients at once (client id → field name → clear text),
    as :func:`encrypt_fields` would one by one: a data key for each client with a non-empty
    value, wrapped by the active tenant key (read once). Nothing is written until
    :meth:`SealedClients.store`; no key is cached (the import may roll back)."""
    version: int | None = None
    tenant_key = b""
    now = clock.now()
    sealed = SealedClients({}, [])
    for client_id, fields in values.items():
        out = {name: "" for name in fields}
        if any(fields.values()):
            if version is None:
                version, tenant_key = await _active_tenant_key(ctx)
            key = AESGCM.generate_key(bit_length=256)
            sealed.key_rows.append(
                {
                    "id": uuid4(),
                    "client_id": client_id,
                    "tenant_key_version": version,
                    "wrapped": _seal(tenant_key, key, f"client-key:{ctx.tenant_id}:{client_id}"),
                    "created_at": now,
                }
            )
            for name, value in fields.items():
                if value:
                    out[name] = PREFIX + _seal(key, value.encode(), _field_aad(ctx, client_id, name))
        sealed.fields[client_id] = out
    return sealed


async def seal_file(ctx: TenantContext, label: str, data: bytes) -> str:
    """``data`` (an uploaded file) encrypted under the active tenant key, bound to ``label``
    (for example ``client_import:<id>``); the text records the key version. Call inside a
    unit of work."""
    version, key = await _active_tenant_key(ctx)
    return f"{PREFIX}{version}:" + _seal(key, data, f"file:{ctx.tenant_id}:{label}")


async def open_file(ctx: TenantContext, label: str, token: str) -> bytes:
    """The bytes that :func:`seal_file` encrypted; raises :class:`DecryptionFailed`."""
    version, sep, body = token.removeprefix(PREFIX).partition(":")
    if not token.startswith(PREFIX) or not sep or not version.isdigit():
        raise DecryptionFailed("not an encrypted file")
    return _open(await _tenant_key(ctx, int(version)), body, f"file:{ctx.tenant_id}:{label}")


async def decrypt_fields(ctx: TenantContext, client_id: UUID, values: Mapping[str, str]) -> dict[str, str]:
    """Clear texts of ``values`` (field name → ciphertext). Empty stays empty; raises
    :class:`DecryptionFailed` when the key is shredded or the ciphertext was tampered with."""
    out: dict[str, str] = {}
    key: bytes | None = None
    for name, token in values.items():
        if not token:
            out[name] = ""
            continue
        if not token.startswith(PREFIX):
            raise DecryptionFailed(f"{name} is not Salonkeep ciphertext")
        if key is None:
            key = await _client_key(ctx, client_id, create=False)
            if key is None:
                raise DecryptionFailed(f"the data key of client {client_id} is gone (shredded)")
        out[name] = _open(key, token[len(PREFIX) :], _field_aad(ctx, client_id, name)).decode()
    return out


async def shred_client_key(ctx: TenantContext, client_id: UUID) -> bool:
    """Delete the client's data key: its ciphertexts become unreadable for good."""
    _client_keys.pop((ctx.tenant_id, client_id), None)
    deleted = await scoped.delete(ClientKey).where(ClientKey.client_id == client_id).returning(ClientKey.id)
    return bool(deleted)


@dataclass(frozen=True)
class Rotation:
    """What ``salonkeep keys rotate`` did for one tenant."""

    new_version: int
    rewrapped: int
    retired_versions: tuple[int, ...]


async def rotate_tenant_key(ctx: TenantContext) -> Rotation:
    """Make a new tenant-key version, re-wrap every client key under it in small batches
    (each its own transaction, so reads and writes go on), then destroy the old versions."""
    async with unit_of_work(ctx):
        rows = await scoped.objects(TenantKey)
        newest = max((r.version for r in rows), default=0)
        await scoped.update(TenantKey, {TenantKey.state: "retiring"}).where(TenantKey.state == "active")
        version, new_key = await _new_tenant_key(ctx, newest + 1)
        await audit.record(
            audit.AuditAction.KEY_ROTATION, subject="tenant_key", reason=f"version {version}", ctx=ctx
        )
    rewrapped = 0
    while True:
        async with unit_of_work(ctx):
            batch = (
                await scoped.objects(ClientKey)
                .where(ClientKey.tenant_key_version != version)
                .limit(REWRAP_BATCH)
            )
            if not batch:
                break
            for row in batch:
                aad = f"client-key:{ctx.tenant_id}:{row.client_id}"
                old = await _tenant_key(ctx, row.tenant_key_version)
                clear = _open(old, row.wrapped, aad)
                await scoped.update(
                    ClientKey,
                    {ClientKey.wrapped: _seal(new_key, clear, aad), ClientKey.tenant_key_version: version},
                ).where((ClientKey.id == row.id) & (ClientKey.tenant_key_version == row.tenant_key_version))
                rewrapped += 1
    retired: list[int] = []
    async with unit_of_work(ctx):
        retiring = await scoped.objects(TenantKey).where(TenantKey.state == "retiring")
        for old_key in retiring:
            # A client key written by a transaction that began before the rotation keeps its
            # old version alive until the next rotation.
            still_used = await scoped.exists(ClientKey, ClientKey.tenant_key_version == old_key.version)
            if still_used:
                continue
            await scoped.update(
                TenantKey,
                {TenantKey.state: "retired", TenantKey.wrapped: "", TenantKey.retired_at: clock.now()},
            ).where(TenantKey.id == old_key.id)
            retired.append(old_key.version)
    for old_version in retired:
        _tenant_keys.pop((ctx.tenant_id, old_version), None)
    return Rotation(version, rewrapped, tuple(sorted(retired)))


async def rewrap_under_current_master(ctx: TenantContext) -> int:
    """Re-wrap the tenant's keys that an older (still configured) master key wraps under the
    current one; returns how many. Readers accept both keys meanwhile, so nothing stops."""
    current_id = master.key_id()
    count = 0
    async with unit_of_work(ctx):
        rows = await scoped.objects(TenantKey).where(
            (TenantKey.master_key_id != current_id) & (TenantKey.wrapped != "")
        )
        for row in rows:
            clear = _unwrap_tenant_key(ctx.tenant_id, row)
            aad = f"tenant-key:{ctx.tenant_id}:{row.version}"
            await scoped.update(
                TenantKey,
                {TenantKey.wrapped: _seal(_wrapping_key(), clear, aad), TenantKey.master_key_id: current_id},
            ).where(TenantKey.id == row.id)
            count += 1
    return count


def column_field(table: str, column: str, row_id: UUID | str) -> str:
    """The name a free-text column of another table is encrypted under (binds the ciphertext
    to its table, column and row). Export decrypts any ``sk1:`` value by this convention."""
    return f"{table}.{column}:{row_id}"


async def encrypt_column(
    ctx: TenantContext, client_id: UUID, table: str, column: str, row_id: UUID, value: str
) -> str:
    """Ciphertext of a sensitive free-text column of a client's row in another table."""
    name = column_field(table, column, row_id)
    return (await encrypt_fields(ctx, client_id, {name: value}))[name]


async def decrypt_column(
    ctx: TenantContext, client_id: UUID, table: str, column: str, row_id: UUID | str, token: str
) -> str:
    """Clear text of a value written by :func:`encrypt_column`."""
    name = column_field(table, column, row_id)
    return (await decrypt_fields(ctx, client_id, {name: token}))[name]


# --- encrypting existing clear text in a migration --------------------------------------


class MigrationSealer:
    """Encrypts the current tenant's existing clear text inside a migration, the way
    :func:`encrypt_column` does: hand-written SQL through :mod:`salonkeep.tenants.scoped` on
    the migration's engine and transaction (tables need not be bound). Make it inside
    ``unit_of_work(ctx, engine=<the migration's engine>)``, which sets the tenant for row-level
    security and for the filter. Client keys made here are not cached (the migration may roll
    back)."""

    def __init__(self) -> None:
        self._ctx = TenantContext(tenant_id=scoped.tenant_id())
        self._client_keys: dict[str, bytes] = {}

    async def _tenant_key(self, version: int | None) -> tuple[int, bytes]:
        tenant_id = self._ctx.tenant_id
        columns = "version, wrapped, master_key_id"
        if version is None:
            rows = await scoped.rows(TenantKey, columns, "state = 'active'", order_by="version desc", limit=1)
        else:
            rows = await scoped.rows(TenantKey, columns, "version = {}", version)
        if rows and rows[0]["wrapped"]:
            row = TenantKey(
                version=int(str(rows[0]["version"])),
                wrapped=str(rows[0]["wrapped"]),
                master_key_id=str(rows[0]["master_key_id"] or ""),
            )
            return row.version, _unwrap_tenant_key(tenant_id, row)
        if version is not None:
            raise DecryptionFailed(f"tenant key version {version} is missing or retired")
        newest = await scoped.rows(TenantKey, "max(version) as v")
        fresh = int(str(newest[0]["v"] or 0)) + 1 if newest else 1
        key = AESGCM.generate_key(bit_length=256)
        await scoped.insert_values(
            TenantKey,
            {
                "id": uuid4(),
                "version": fresh,
                "wrapped": _seal(_wrapping_key(), key, f"tenant-key:{tenant_id}:{fresh}"),
                "master_key_id": master.key_id(),
                "state": "active",
                "created_at": clock.now(),
            },
        )
        return fresh, key

    async def _client_key(self, client_id: UUID | str) -> bytes:
        cached = self._client_keys.get(str(client_id))
        if cached is not None:
            return cached
        tenant_id = self._ctx.tenant_id
        aad = f"client-key:{tenant_id}:{client_id}"
        rows = await scoped.rows(ClientKey, "tenant_key_version, wrapped", "client_id = {}", client_id)
        if rows:
            _, tenant_key = await self._tenant_key(int(str(rows[0]["tenant_key_version"])))
            key = _open(tenant_key, str(rows[0]["wrapped"]), aad)
        else:
            version, tenant_key = await self._tenant_key(None)
            key = AESGCM.generate_key(bit_length=256)
            await scoped.insert_values(
                ClientKey,
                {
                    "id": uuid4(),
                    "client_id": client_id,
                    "tenant_key_version": version,
                    "wrapped": _seal(tenant_key, key, aad),
                    "created_at": clock.now(),
                },
            )
        self._client_keys[str(client_id)] = key
        return key

    async def seal_column(
        self, client_id: UUID | str, table: str, column: str, row_id: UUID | str, value: str
    ) -> str:
        """What :func:`encrypt_column` would store for ``value`` ("" stays "")."""
        if not value:
            return ""
        key = await self._client_key(client_id)
        aad = _field_aad(self._ctx, client_id, column_field(table, column, row_id))
        return PREFIX + _seal(key, value.encode(), aad)


# --- tenant documents (not about one client) ------------------------------------------------


async def seal_tenant_document(ctx: TenantContext, name: str, data: bytes) -> str:
    """``data`` (a tenant's document, e.g. a partner's security report) encrypted under the
    tenant's active key, bound to ``name`` (inside a unit of work). The token names the key
    version: ``t<version>:<base64>``."""
    version, key = await _active_tenant_key(ctx)
    return f"t{version}:" + _seal(key, data, f"tenant-document:{ctx.tenant_id}:{name}")


async def open_tenant_document(ctx: TenantContext, name: str, token: str) -> bytes:
    """The bytes sealed by :func:`seal_tenant_document` under ``name`` (inside a unit of work)."""
    version, _, sealed = token.partition(":")
    if not version.startswith("t") or not version[1:].isdigit() or not sealed:
        raise DecryptionFailed("not a sealed tenant document")
    key = await _tenant_key(ctx, int(version[1:]))
    return _open(key, sealed, f"tenant-document:{ctx.tenant_id}:{name}")
