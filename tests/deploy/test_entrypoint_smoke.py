"""The image's entrypoint run here as plain processes, as the containers would run it:
``migrate`` (a job that exits), ``web`` (answers /healthz) and ``worker`` (writes its
heartbeat), each a separate process against PostgreSQL and Redis; then the image's health
probes (``healthcheck web`` / ``healthcheck worker``) agree.

Then the stack does a chain's first day: a sign-up over HTTP against the web process, the
owner's verification e-mail sent by the worker into a real SMTP server (aiosmtpd) and its link
opened, the owner signing in, clients imported and an appointment booked with the one-off
command (as an operator's job container would run it), and, once the clock file reaches the
day before the appointment, the worker sending the client's reminder into the same SMTP
server. Every wait polls with a time limit; nothing asserts how long anything took."""

from __future__ import annotations

import email
import email.message
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from redis import Redis

from salonkeep.workers.heartbeat import HEARTBEAT_KEY

from ..conftest import APP_ROLE, POSTGRES_URL, REDIS_URL, _with_db, _with_user
from ..delivery.smtp_sink import SmtpSink

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "deploy" / "container" / "entrypoint.sh"

pytestmark = pytest.mark.postgres


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _psql(sql: str) -> None:
    subprocess.run(["psql", POSTGRES_URL, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True, timeout=60)


@pytest.fixture
def container_env(tmp_path):
    """Environment as the image sets it, against a fresh PostgreSQL database and Redis."""
    if not POSTGRES_URL or not REDIS_URL:
        pytest.skip("needs SALONKEEP_TEST_POSTGRES_URL and SALONKEEP_TEST_REDIS_URL")
    name = f"salonkeep_entry_{uuid.uuid4().hex[:10]}"
    _psql(f'CREATE DATABASE "{name}"')
    owner_url = _with_db(POSTGRES_URL, name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALONKEEP_")}
    env.update(
        {
            # the image puts the salonkeep console script first on PATH
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "SALONKEEP_DATA_DIR": str(tmp_path / "data"),
            "SALONKEEP_HOST": "127.0.0.1",
            "SALONKEEP_PORT": str(_free_port()),
            "SALONKEEP_DATABASE_URL": _with_user(owner_url, APP_ROLE),
            "SALONKEEP_MIGRATION_DATABASE_URL": owner_url,
            "SALONKEEP_REDIS_URL": REDIS_URL,
        }
    )
    try:
        yield env
    finally:
        _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _entrypoint(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ENTRYPOINT), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )


def _start(env: dict[str, str], role: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(ENTRYPOINT), role],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def _wait(condition, process: subprocess.Popen[str], what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{what}: the process exited\n{process.communicate()[0]}")
        if condition():
            return
        time.sleep(0.5)
    process.kill()
    raise AssertionError(f"{what} never happened\n{process.communicate()[0]}")


def _stop(process: subprocess.Popen[str]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


class Browser:
    """A person's browser against the web process: cookies kept, forms posted with their
    CSRF token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def open(self, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        """(status, final URL, page) of a GET, or of a POST of ``form``."""
        body = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as response:
                return response.status, response.url, response.read().decode()
        except urllib.error.HTTPError as refused:
            return refused.code, refused.url, refused.read().decode()


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, f"the page has no {name}"
    return found.group(1)


def _text(message: email.message.Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    return ""


def _mail_to(sink: SmtpSink, address: str) -> list[email.message.Message]:
    return [m for m in sink.messages() if address in str(m["To"])]


def _owner_sql(env: dict[str, str], sql: str) -> str:
    """One value read as the table owner (the test's own look, not the app's)."""
    found = subprocess.run(
        ["psql", env["SALONKEEP_MIGRATION_DATABASE_URL"], "-tAc", sql],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return found.stdout.strip()


def _set_clock(path: Path, moment: datetime) -> None:
    """Every process takes ``moment`` as now from here on (SALONKEEP_CLOCK_FILE)."""
    path.write_text(moment.isoformat())


def _chain_signs_up_verifies_and_signs_in(
    env: dict[str, str], sink: SmtpSink, web, worker, clock_file
) -> str:
    """Sign-up over HTTP, the verification e-mail from the worker, its link, the sign-in; the slug."""
    slug = f"aurora-{uuid.uuid4().hex[:6]}"
    owner = f"aino@{slug}.example"
    browser = Browser(f"http://127.0.0.1:{env['SALONKEEP_PORT']}")
    status, _, form_page = browser.open("/signup")
    assert status == 200, form_page
    _set_clock(clock_file, datetime.now(UTC) + timedelta(minutes=1))  # a person takes a while
    fields = {
        "_csrf_token": _hidden(form_page, "_csrf_token"),
        "form_token": _hidden(form_page, "form_token"),
        "invitation": "",
        "chain_name": "Aurora Beauty",
        "slug": slug,
        "owner_name": "Aino Owner",
        "email": owner,
        "password": "Str0ng-Passw0rd",
        "time_zone": "Europe/Helsinki",
        "country": "FI",
        "language": "en",
        "branch_name": "Kamppi",
        "branch_address": "Urho Kekkosen katu 1, Helsinki",
    }
    status, _, answer = browser.open("/signup", fields)
    assert status == 200 and "open it to confirm" in answer, answer
    _wait(lambda: bool(_mail_to(sink, owner)), worker, "the verification e-mail in the SMTP server")
    link = re.search(r"http://\S+/signup/verify/\S+", _text(_mail_to(sink, owner)[0]))
    assert link, _text(_mail_to(sink, owner)[0])
    path = urllib.parse.urlsplit(link.group(0)).path
    status, _, confirm_page = browser.open(path)
    assert status == 200
    status, _, confirmed = browser.open(path, {"_csrf_token": _hidden(confirm_page, "_csrf_token")})
    assert status == 200 and "confirmed" in confirmed, confirmed
    status, _, login_page = browser.open("/login")
    login = {"tenant": slug, "email": owner, "password": "Str0ng-Passw0rd"}
    status, url, _ = browser.open("/login", {**login, "_csrf_token": _hidden(login_page, "_csrf_token")})
    assert url.endswith("/app"), (status, url)  # signed in (the agreement to sign comes first)
    return slug


def _import_book_and_remind(env: dict[str, str], sink: SmtpSink, worker, clock_file: Path, slug: str) -> None:
    """Clients imported and an appointment booked by one-off commands; the worker sends the
    reminder once the clock file reaches its due time."""
    folder = Path(env["SALONKEEP_DATA_DIR"])
    clients = folder / "clients.csv"
    clients.write_text(
        "first_name,last_name,email,phone\n"
        "Ilona,Imported,ilona@client.example,+358401112233\n"
        "Matti,Imported,matti@client.example,+358401112244\n"
    )
    imported = _entrypoint(env, "import", "clients", "-t", slug, "--file", str(clients), "--branch", "Kamppi")
    assert imported.returncode == 0 and "imported 2 clients" in imported.stdout, imported.stderr
    services = folder / "services.csv"
    services.write_text("type,name,category,duration_minutes\nservice,Hydrating facial,facial,60\n")
    added = _entrypoint(env, "catalogue", "import", "-t", slug, "--file", str(services))
    assert added.returncode == 0, added.stderr
    tenant_id = _owner_sql(env, f"select id from tenant where slug = '{slug}'")
    client_id = _owner_sql(
        env,
        f"select c.id from client c where c.tenant_id = '{tenant_id}' order by c.created_at, c.id limit 1",
    )
    for days_ahead in range(3, 10):  # the first day the salon is open (holidays, weekends)
        visit_day = (datetime.now(UTC) + timedelta(days=days_ahead)).date()
        booked = _entrypoint(
            env,
            *("appointment", "book", "-t", slug, "--client", client_id, "--service", "Hydrating facial"),
            *("--staff", f"aino@{slug}.example", "--at", f"{visit_day.isoformat()}T12:00"),
        )
        if "closed" not in booked.stderr:
            break
    assert booked.returncode == 0, booked.stderr
    due = _owner_sql(
        env,
        f"select due_at from touchpoint where tenant_id = '{tenant_id}' "
        "and programme = 'next_appointment_reminder' and status = 'queued'",
    )
    assert due, "booking planned the reminder"
    assert not _mail_to(sink, "@client.example")  # not due yet: nothing went
    _set_clock(clock_file, datetime.fromisoformat(due) + timedelta(minutes=1))
    _wait(lambda: bool(_mail_to(sink, "@client.example")), worker, "the reminder in the SMTP server", 120)
    (reminder,) = _mail_to(sink, "@client.example")
    assert "Hydrating facial" in _text(reminder), _text(reminder)
    assert str(reminder["To"]).rsplit("<", 1)[-1].rstrip(">") in {
        "ilona@client.example",
        "matti@client.example",
    }


def test_migrate_web_and_worker_run_as_separate_processes_and_a_chain_comes_aboard(container_env, tmp_path):
    env = container_env
    sink = SmtpSink(tmp_path / "maildir")
    clock_file = tmp_path / "clock"
    _set_clock(clock_file, datetime.now(UTC))
    env.update(
        {
            "SALONKEEP_PUBLIC_SIGNUP": "on",
            "SALONKEEP_SMTP_URL": sink.url,
            "SALONKEEP_CLOCK_FILE": str(clock_file),
        }
    )
    redis = Redis.from_url(REDIS_URL)
    redis.delete(HEARTBEAT_KEY)
    assert _entrypoint(env, "healthcheck", "worker").returncode == 1

    migrated = _entrypoint(env, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "database is up to date" in migrated.stdout
    assert _entrypoint(env, "migrate").returncode == 0  # every deploy runs it again

    assert _entrypoint(env, "healthcheck", "web").returncode == 1  # nothing listens yet
    web = _start(env, "web")
    worker = _start(env, "worker")
    try:
        health_url = f"http://127.0.0.1:{env['SALONKEEP_PORT']}/healthz"

        def healthy() -> bool:
            try:
                with urllib.request.urlopen(health_url, timeout=2) as response:
                    return response.status == 200 and json.loads(response.read())["status"] == "ok"
            except OSError:
                return False

        _wait(healthy, web, "web answering /healthz")
        _wait(lambda: redis.get(HEARTBEAT_KEY) is not None, worker, "worker heartbeat")
        probe_web = _entrypoint(env, "healthcheck", "web")
        assert (probe_web.returncode, probe_web.stdout.strip()) == (0, "healthy"), probe_web.stderr
        assert _entrypoint(env, "healthcheck", "worker").returncode == 0
        # any other command passes through to the CLI (operators' one-off jobs)
        listing = _entrypoint(env, "tenant", "list")
        assert listing.returncode == 0 and "SLUG" in listing.stdout

        slug = _chain_signs_up_verifies_and_signs_in(env, sink, web, worker, clock_file)
        _import_book_and_remind(env, sink, worker, clock_file, slug)
    finally:
        web_code, worker_code = _stop(web), _stop(worker)
        sink.stop()
        redis.delete(HEARTBEAT_KEY)
        redis.close()
    assert web_code == 0 or web_code == -signal.SIGTERM
    assert worker_code in (0, -signal.SIGTERM)
