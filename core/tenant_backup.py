"""Per-tenant backups: one tenant's rows of every tenant table (found from the piccolo apps,
plugins' included) and its keys in their wrapped form, as an encrypted, signed archive.

The archive is JSON: a clear ``header`` (tenant, row counts, which master key and which signing
key), the rows compressed and encrypted with AES-256-GCM under a key derived from the master key
(the header is its associated data), and an Ed25519 signature of all of it by the
installation's audit signing key. Restoring checks the signature (this installation's public
key or the one given), decrypts with whichever configured master key made it (current or
``SALONKEEP_PREVIOUS_MASTER_KEY_FILE``), and writes the tenant and all its rows in one
transaction, or nothing. The tenant keys stay wrapped under the source's master key, so the
target installation needs that key (as its master key, or as the previous one followed by
``salonkeep keys rotate-master``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from piccolo.table import Table, sort_table_classes

from salonkeep.core.apps import all_tables
from salonkeep.core.audit import service as audit
from salonkeep.core.audit import signing
from salonkeep.core.keys import master
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import SalonkeepError
from salonkeep.tenants.settings import Settings
from salonkeep.tenants.tables import Tenant

ARCHIVE_FORMAT = "salonkeep-tenant-backup/1"
KEY_PURPOSE = "salonkeep:tenant-backup"
INSERT_BATCH = 500


class BackupRefused(SalonkeepError):
    """The archive cannot be restored: altered, not ours, unreadable or clashing."""


def tenant_tables() -> list[type[Table]]:
    """Every table holding tenant data (a ``tenant_id`` column), parents before children."""
    return sort_table_classes([t for t in all_tables() if getattr(t, "tenant_id", None) is not None])


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$": "datetime", "v": value.isoformat()}
    if isinstance(value, date):
        return {"$": "date", "v": value.isoformat()}
    if isinstance(value, time):
        return {"$": "time", "v": value.isoformat()}
    if isinstance(value, timedelta):
        return {"$": "timedelta", "v": value.total_seconds()}
    if isinstance(value, UUID):
        return {"$": "uuid", "v": str(value)}
    if isinstance(value, Decimal):
        return {"$": "decimal", "v": str(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$": "bytes", "v": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, dict | list):
        return {"$": "json", "v": value}
    return value


_DECODERS = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "timedelta": lambda v: timedelta(seconds=v),
    "uuid": UUID,
    "decimal": Decimal,
    "bytes": base64.b64decode,
    "json": lambda v: v,
}


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        return _DECODERS[value["$"]](value["v"])
    return value


def _canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode()


def _signed_message(header: dict[str, Any], nonce: str, ciphertext: str) -> bytes:
    digest = hashlib.sha256(ciphertext.encode()).hexdigest()
    return _canonical({"header": header, "nonce": nonce, "ciphertext_sha256": digest})


@dataclass(frozen=True)
class BackupSummary:
    """What an archive holds: the tenant and how many rows per table."""

    tenant_id: UUID
    slug: str
    rows: dict[str, int]


async def backup_tenant(settings: Settings, ctx: TenantContext) -> tuple[bytes, BackupSummary]:
    """The archive of ``ctx``'s tenant (one consistent read) and what it holds."""
    signer = signing.private_key(settings)
    tables: dict[str, list[dict[str, Any]]] = {}
    with tenant_scope(ctx):
        async with unit_of_work(ctx):
            await audit.record("tenant_backup", subject="tenant", subject_id=ctx.tenant_id, ctx=ctx)
            tenant = await Tenant.select().where(Tenant.id == ctx.tenant_id).first()
            if tenant is None:
                raise BackupRefused("the tenant does not exist")
            for table in tenant_tables():
                rows = await scoped.rows(table, "*", order_by="id")
                tables[table._meta.tablename] = [{k: _encode(v) for k, v in r.items()} for r in rows]
    payload = {"tenant": {k: _encode(v) for k, v in tenant.items()}, "tables": tables}
    summary = BackupSummary(ctx.tenant_id, str(tenant["slug"]), {n: len(r) for n, r in tables.items()})
    header = {
        "tenant_id": str(ctx.tenant_id),
        "slug": summary.slug,
        "created_at": clock.now().isoformat(),
        "rows": summary.rows,
        "master_key_id": master.key_id(),
        "signing_key_id": signing.key_id(signer.public_key()),
    }
    nonce = os.urandom(12)
    ciphertext = AESGCM(master.derive(KEY_PURPOSE)).encrypt(
        nonce, zlib.compress(_canonical(payload), 6), _canonical(header)
    )
    nonce_text, cipher_text = base64.b64encode(nonce).decode(), base64.b64encode(ciphertext).decode()
    signature = signer.sign(_signed_message(header, nonce_text, cipher_text))
    archive = {
        "format": ARCHIVE_FORMAT,
        "header": header,
        "nonce": nonce_text,
        "ciphertext": cipher_text,
        "signature": base64.b64encode(signature).decode(),
    }
    return json.dumps(archive, indent=1).encode(), summary


def open_archive(data: bytes, public: Ed25519PublicKey) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check the signature with ``public`` and decrypt: (header, payload). Raises
    :class:`BackupRefused` naming the problem."""
    try:
        archive = json.loads(data)
        if archive.get("format") != ARCHIVE_FORMAT:
            raise BackupRefused(f"not a Salonkeep tenant backup ({ARCHIVE_FORMAT})")
        header, nonce_text, cipher_text = archive["header"], archive["nonce"], archive["ciphertext"]
        signature = base64.b64decode(archive["signature"], validate=True)
        nonce, ciphertext = base64.b64decode(nonce_text, validate=True), base64.b64decode(cipher_text)
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as exc:
        raise BackupRefused(f"the archive is damaged or not a Salonkeep tenant backup ({exc})") from None
    try:
        public.verify(signature, _signed_message(header, nonce_text, cipher_text))
    except InvalidSignature:
        raise BackupRefused(
            "the archive's signature does not match: it was altered, or signed by another "
            "installation (give that installation's public key)"
        ) from None
    keys = master.known_keys()
    key = keys.get(str(header.get("master_key_id")))
    if key is None:
        raise BackupRefused(
            f"the archive was made under master key {header.get('master_key_id')}, which this "
            "installation does not have (set it as SALONKEEP_PREVIOUS_MASTER_KEY_FILE)"
        )
    try:
        plain = AESGCM(master.derive(KEY_PURPOSE, key)).decrypt(nonce, ciphertext, _canonical(header))
        payload = json.loads(zlib.decompress(plain))
    except (InvalidTag, zlib.error, ValueError) as exc:
        raise BackupRefused(f"the archive cannot be decrypted ({type(exc).__name__})") from None
    return header, payload


async def restore_tenant(data: bytes, public: Ed25519PublicKey) -> BackupSummary:
    """Write the archive's tenant and all its rows in one transaction; refuse when the tenant
    (its id or slug) exists, or when the archive does not fit this database's tables."""
    header, payload = open_archive(data, public)
    tenant_values = {k: _decode(v) for k, v in payload["tenant"].items()}
    # A restored tenant lives on the database it is restored into (the home database here),
    # whichever cluster it was backed up from.
    tenant_values.pop("database", None)
    tenant_id = UUID(str(tenant_values["id"]))
    if str(tenant_id) != header["tenant_id"]:
        raise BackupRefused("the archive's header and contents name different tenants")
    clash = await Tenant.exists().where((Tenant.id == tenant_id) | (Tenant.slug == tenant_values["slug"]))
    if clash:
        raise BackupRefused(
            f"tenant {tenant_values['slug']!r} already exists here: drop it first or restore elsewhere"
        )
    by_name = {table._meta.tablename: table for table in tenant_tables()}
    unknown = set(payload["tables"]) - set(by_name)
    if unknown:
        raise BackupRefused(f"the archive holds tables this database lacks: {', '.join(sorted(unknown))}")
    ctx = TenantContext(tenant_id=tenant_id, actor_label="cli: restore")
    counts: dict[str, int] = {}
    with tenant_scope(ctx):
        async with unit_of_work(ctx):
            await Tenant.insert(Tenant(**tenant_values))
            for name, table in by_name.items():
                rows = payload["tables"].get(name, [])
                known = {column._meta.name for column in table._meta.columns}
                made = []
                for row in rows:
                    values = {k: _decode(v) for k, v in row.items() if k != "tenant_id"}
                    extra = set(values) - known
                    if extra:
                        raise BackupRefused(
                            f"{name} in the archive has columns this database lacks: "
                            f"{', '.join(sorted(extra))} (run `salonkeep migrate` with the same or a "
                            "newer version)"
                        )
                    made.append(scoped.new(table, **values))
                for start in range(0, len(made), INSERT_BATCH):
                    await scoped.insert(*made[start : start + INSERT_BATCH])
                counts[name] = len(rows)
            await audit.record("tenant_restore", subject="tenant", subject_id=tenant_id, ctx=ctx)
    return BackupSummary(tenant_id, str(tenant_values["slug"]), counts)
