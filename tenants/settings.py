"""Configuration from environment variables (documented in docs/configuration.md)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from salonkeep.tenants.errors import SalonkeepError

ENV_PREFIX = "SALONKEEP_"
#: A name of a database cluster in ``SALONKEEP_DATABASE_CLUSTERS`` (stored in the directory).
CLUSTER_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class SettingsError(SalonkeepError):
    """A configuration value is malformed."""


@dataclass(frozen=True)
class Settings:
    """All process-wide settings. Build them with :func:`load_settings`."""

    data_dir: Path
    database_url: str
    migration_database_url: str
    redis_url: str | None
    master_key_file: Path
    host: str = "127.0.0.1"
    port: int = 8000
    base_url: str = ""
    log_level: str = "info"
    db_pool_size: int = 10
    #: ``SALONKEEP_AUDIT_SIGNING_KEY_FILE`` (unset: ``$DATA_DIR/audit-signing.key``).
    audit_signing_key: Path | None = None
    #: ``SALONKEEP_AUDIT_HEAD_DIR`` (unset: ``$DATA_DIR/audit-head-export``).
    audit_head_folder: Path | None = None
    #: ``SALONKEEP_AUDIT_HEAD_WEBHOOK``: every new signed chain head is POSTed there as JSON.
    audit_head_webhook: str = ""
    #: ``SALONKEEP_REDIS_SENTINELS``: ``(host, port)`` of each Redis Sentinel; when given, the
    #: Redis master is found through them (``SALONKEEP_REDIS_URL`` then gives only the
    #: database number and password).
    redis_sentinels: tuple[tuple[str, int], ...] = ()
    #: ``SALONKEEP_REDIS_SENTINEL_MASTER``: the name the sentinels monitor the master under.
    redis_sentinel_master: str = "mymaster"
    #: ``SALONKEEP_DATABASE_REPLICA_URL``: a read replica (hot standby) of the app database, for
    #: the reads that may be a little stale (reports, exports, statistics); empty: none.
    database_replica_url: str = ""
    #: ``SALONKEEP_DATABASE_CLUSTERS``: further PostgreSQL clusters tenants may live on, as
    #: ``(name, app role URL)``; the tenant directory names each tenant's cluster.
    database_clusters: tuple[tuple[str, str], ...] = ()
    #: ``SALONKEEP_MIGRATION_DATABASE_CLUSTERS``: the table owner's URL of each of those
    #: clusters (audit sealing and the audit table's partitions run as the owner).
    migration_database_clusters: tuple[tuple[str, str], ...] = ()
    #: ``SALONKEEP_PUBLIC_SIGNUP``: anyone may create a tenant on ``/signup`` (off: only with
    #: an operator's invitation link, ``salonkeep signup invite``).
    public_signup: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_postgres(self) -> bool:
        """True when the app database is PostgreSQL (else the embedded SQLite)."""
        return self.database_url.startswith(("postgresql://", "postgres://"))

    @property
    def sqlite_path(self) -> Path:
        """The SQLite file named by ``database_url`` (only for the embedded default)."""
        return Path(urlsplit(self.database_url).path)

    @property
    def public_url(self) -> str:
        """The address people open in a browser."""
        return self.base_url or f"http://{self.host}:{self.port}"

    @property
    def audit_signing_key_file(self) -> Path:
        """The Ed25519 key that signs audit chain heads (kept outside the database)."""
        return self.audit_signing_key or self.data_dir / "audit-signing.key"

    @property
    def audit_head_dir(self) -> Path:
        """The folder every new signed audit chain head is exported to."""
        return self.audit_head_folder or self.data_dir / "audit-head-export"

    @property
    def embedded_redis_db(self) -> Path:
        """The file the embedded redis-server keeps (its socket lives beside it)."""
        return self.data_dir / "redis.db"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(ENV_PREFIX + name)
    return value if value not in (None, "") else default


def _check_db_url(name: str, url: str) -> str:
    scheme = urlsplit(url).scheme
    if scheme not in {"sqlite", "postgresql", "postgres"}:
        raise SettingsError(
            f"SALONKEEP_{name} must start with sqlite:/// or postgresql:// (got {scheme or url!r})"
        )
    return url


def load_settings() -> Settings:
    """Read the settings from ``SALONKEEP_*`` environment variables, with defaults."""
    data_dir = Path(_env("DATA_DIR", ".salonkeep") or ".salonkeep").expanduser().resolve()
    database_url = _check_db_url(
        "DATABASE_URL", _env("DATABASE_URL", f"sqlite:///{data_dir / 'salonkeep.sqlite3'}") or ""
    )
    migration_url = _check_db_url(
        "MIGRATION_DATABASE_URL", _env("MIGRATION_DATABASE_URL", database_url) or ""
    )
    redis_url = _env("REDIS_URL")
    if redis_url is not None and urlsplit(redis_url).scheme not in {"redis", "rediss", "unix"}:
        raise SettingsError("SALONKEEP_REDIS_URL must start with redis://, rediss:// or unix://")
    port_text = _env("PORT", "8000") or "8000"
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SettingsError(f"SALONKEEP_PORT must be a port number (got {port_text!r})")
    pool_text = _env("DB_POOL_SIZE", "10") or "10"
    if not pool_text.isdigit() or int(pool_text) < 1:
        raise SettingsError(f"SALONKEEP_DB_POOL_SIZE must be a positive number (got {pool_text!r})")
    webhook = _env("AUDIT_HEAD_WEBHOOK", "") or ""
    if webhook and urlsplit(webhook).scheme not in {"http", "https"}:
        raise SettingsError("SALONKEEP_AUDIT_HEAD_WEBHOOK must start with http:// or https://")
    replica_url = _env("DATABASE_REPLICA_URL", "") or ""
    if replica_url and not replica_url.startswith(("postgresql://", "postgres://")):
        raise SettingsError("SALONKEEP_DATABASE_REPLICA_URL must start with postgresql://")
    if replica_url and not database_url.startswith(("postgresql://", "postgres://")):
        raise SettingsError("SALONKEEP_DATABASE_REPLICA_URL needs SALONKEEP_DATABASE_URL on PostgreSQL")
    sentinels = _sentinels(_env("REDIS_SENTINELS", "") or "")
    if sentinels and redis_url is None:
        redis_url = "redis://sentinel/0"  # the master comes from the sentinels: database 0
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        migration_database_url=migration_url,
        redis_url=redis_url,
        master_key_file=Path(_env("MASTER_KEY_FILE", str(data_dir / "master.key")) or "")
        .expanduser()
        .resolve(),
        host=_env("HOST", "127.0.0.1") or "127.0.0.1",
        port=int(port_text),
        base_url=(_env("BASE_URL", "") or "").rstrip("/"),
        log_level=(_env("LOG_LEVEL", "info") or "info").lower(),
        db_pool_size=int(pool_text),
        audit_signing_key=_path_or_none("AUDIT_SIGNING_KEY_FILE"),
        audit_head_folder=_path_or_none("AUDIT_HEAD_DIR"),
        audit_head_webhook=webhook,
        redis_sentinels=sentinels,
        redis_sentinel_master=_env("REDIS_SENTINEL_MASTER", "mymaster") or "mymaster",
        database_replica_url=replica_url,
        database_clusters=_clusters("DATABASE_CLUSTERS", database_url),
        migration_database_clusters=_clusters("MIGRATION_DATABASE_CLUSTERS", database_url),
        public_signup=_flag("PUBLIC_SIGNUP"),
    )


def _flag(name: str) -> bool:
    """``SALONKEEP_<name>``: on (1, true, yes, on) or off (0, false, no, off; unset: off)."""
    value = (_env(name, "off") or "off").strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"SALONKEEP_{name} must be on or off (got {value!r})")


def _clusters(variable: str, database_url: str) -> tuple[tuple[str, str], ...]:
    """``SALONKEEP_<variable>``: ``name=postgresql://…`` items separated by spaces or commas."""
    text = _env(variable, "") or ""
    found: dict[str, str] = {}
    for item in text.replace(",", " ").split():
        name, _, url = item.partition("=")
        if not CLUSTER_NAME.match(name) or not url.startswith(("postgresql://", "postgres://")):
            raise SettingsError(
                f"SALONKEEP_{variable} must be name=postgresql://… items (names: a-z, 0-9, _ or -, "
                f"at most 40) (got {item!r})"
            )
        if name in found:
            raise SettingsError(f"SALONKEEP_{variable} names {name!r} twice")
        found[name] = url
    if found and not database_url.startswith(("postgresql://", "postgres://")):
        raise SettingsError(f"SALONKEEP_{variable} needs SALONKEEP_DATABASE_URL on PostgreSQL")
    return tuple(found.items())


def _sentinels(text: str) -> tuple[tuple[str, int], ...]:
    """``host:port,host:port`` as ``((host, port), …)``."""
    found: list[tuple[str, int]] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        host, _, port = item.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise SettingsError(f"SALONKEEP_REDIS_SENTINELS must be host:port,host:port (got {item!r})")
        found.append((host.strip("[]"), int(port)))
    return tuple(found)


def _path_or_none(name: str) -> Path | None:
    value = _env(name)
    return Path(value).expanduser().resolve() if value else None
