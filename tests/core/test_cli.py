"""The CLI on the embedded SQLite default: onboarding works; bad input is one line + exit 2."""

from __future__ import annotations

import sqlite3
import uuid

import pytest

from ..conftest import run_cli


def _counts(backend) -> dict[str, int]:
    with sqlite3.connect(backend.settings.sqlite_path) as conn:
        return {
            t: conn.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("tenant", "branch", "staff_member", "staff_branch")
        }


@pytest.fixture
def cli_tenant(sqlite_backend):
    slug = f"cli-{uuid.uuid4().hex[:8]}"
    run_cli(
        "tenant",
        "create",
        "--slug",
        slug,
        "--name",
        "CLI Salon",
        "--time-zone",
        "Asia/Shanghai",
        "--country",
        "CN",
        "--locale",
        "zh",
        env=sqlite_backend.env,
        check=True,
    )
    return slug


def test_onboarding_end_to_end(sqlite_backend, cli_tenant):
    env = sqlite_backend.env
    out = run_cli(
        "branch",
        "add",
        "-t",
        cli_tenant,
        "--name",
        "Jing'an",
        "--phone",
        "021 6123 4567",
        env=env,
        check=True,
    ).stdout
    assert "added branch" in out
    out = run_cli(
        "staff",
        "add",
        "-t",
        cli_tenant,
        "--email",
        "Li.Na@Example.com",
        "--name",
        "Li Na",
        "--role",
        "practitioner",
        "--branch",
        "Jing'an",
        env=env,
        check=True,
    ).stdout
    assert f"/t/{cli_tenant}/set-password/" in out
    listing = run_cli("staff", "list", "-t", cli_tenant, env=env, check=True).stdout
    assert "li.na@example.com" in listing and "practitioner" in listing
    assert "+862161234567" in run_cli("branch", "list", "-t", cli_tenant, env=env).stdout
    assert cli_tenant in run_cli("tenant", "list", env=env, check=True).stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["branch", "add", "-t", "no-such-tenant", "--name", "X"], "no tenant with the slug"),
        (
            [
                "tenant",
                "create",
                "--slug",
                "Bad Slug!",
                "--name",
                "X",
                "--time-zone",
                "Europe/Helsinki",
                "--country",
                "FI",
            ],
            "slug:",
        ),
        (
            [
                "tenant",
                "create",
                "--slug",
                "tz-wrong",
                "--name",
                "X",
                "--time-zone",
                "Mars/Olympus",
                "--country",
                "FI",
            ],
            "time_zone: unknown time zone",
        ),
        (
            [
                "tenant",
                "create",
                "--slug",
                "cc-wrong",
                "--name",
                "X",
                "--time-zone",
                "Europe/Helsinki",
                "--country",
                "XX",
            ],
            "country: unknown country code",
        ),
        (
            [
                "tenant",
                "create",
                "--slug",
                "loc-wrong",
                "--name",
                "X",
                "--time-zone",
                "Europe/Helsinki",
                "--country",
                "FI",
                "--locale",
                "xx",
            ],
            "locale",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(sqlite_backend, args, message):
    before = _counts(sqlite_backend)
    result = run_cli(*args, env=sqlite_backend.env)
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines
    assert _counts(sqlite_backend) == before


def test_duplicate_slug_is_refused(sqlite_backend, cli_tenant):
    before = _counts(sqlite_backend)
    result = run_cli(
        "tenant",
        "create",
        "--slug",
        cli_tenant,
        "--name",
        "Again",
        "--time-zone",
        "Europe/Helsinki",
        "--country",
        "FI",
        env=sqlite_backend.env,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: slug: a tenant with the slug '{cli_tenant}' already exists"
    assert _counts(sqlite_backend) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "not-an-email", "--name", "X", "--role", "reception"], "email:"),
        (["--email", "ok@example.com", "--name", "X", "--role", "wizard"], "role: unknown role"),
        (
            ["--email", "ok@example.com", "--name", "X", "--role", "reception", "--branch", "Nowhere"],
            "branch: no branch called 'Nowhere'",
        ),
    ],
)
def test_bad_staff_input(sqlite_backend, cli_tenant, args, message):
    before = _counts(sqlite_backend)
    result = run_cli("staff", "add", "-t", cli_tenant, *args, env=sqlite_backend.env)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert _counts(sqlite_backend) == before


def test_duplicate_staff_email(sqlite_backend, cli_tenant):
    env = sqlite_backend.env
    run_cli(
        "staff",
        "add",
        "-t",
        cli_tenant,
        "--email",
        "dup@example.com",
        "--name",
        "A",
        "--role",
        "privacy_officer",  # works chain-wide: needs no branch (the tenant has none yet)
        env=env,
        check=True,
    )
    before = _counts(sqlite_backend)
    result = run_cli(
        "staff",
        "add",
        "-t",
        cli_tenant,
        "--email",
        "DUP@example.com",
        "--name",
        "B",
        "--role",
        "owner",
        env=env,
    )
    assert result.returncode == 2 and "already a staff member" in result.stderr
    assert _counts(sqlite_backend) == before


def test_set_password_needs_a_terminal(sqlite_backend, cli_tenant):
    result = run_cli(
        "staff",
        "add",
        "-t",
        cli_tenant,
        "--email",
        "tty@example.com",
        "--name",
        "T",
        "--role",
        "reception",
        "--set-password",
        env=sqlite_backend.env,
    )
    assert result.returncode == 2 and "needs a terminal" in result.stderr


def test_malformed_database_url_is_reported(sqlite_backend):
    result = run_cli("tenant", "list", env={**sqlite_backend.env, "SALONKEEP_DATABASE_URL": "mysql://x/y"})
    assert result.returncode == 2
    assert "SALONKEEP_DATABASE_URL must start with sqlite:/// or postgresql://" in result.stderr


def test_worker_without_redis_says_how_to_fix_it(sqlite_backend):
    env = {k: v for k, v in sqlite_backend.env.items() if k != "SALONKEEP_REDIS_URL"}
    result = run_cli("worker", env={**env, "SALONKEEP_REDIS_URL": ""})
    assert result.returncode != 0
    assert "set SALONKEEP_REDIS_URL" in result.stderr


def test_apikey_create_list_revoke(sqlite_backend, cli_tenant):
    env = sqlite_backend.env
    run_cli("branch", "add", "-t", cli_tenant, "--name", "Desk", env=env, check=True)
    out = run_cli(
        "apikey",
        "create",
        "-t",
        cli_tenant,
        "--name",
        "POS",
        "--role",
        "reception",
        "--branch",
        "Desk",
        env=env,
        check=True,
    ).stdout
    key = out.strip().splitlines()[-1]
    assert key.startswith("sk_") and len(key) > 60
    listed = run_cli("apikey", "list", "-t", cli_tenant, env=env, check=True).stdout
    assert "POS" in listed and "reception" in listed and "active" in listed
    assert key.split("_")[-1] not in listed  # the secret is never shown again
    key_id = out.split("(")[1].split(")")[0]
    revoked = run_cli("apikey", "revoke", "-t", cli_tenant, "--id", key_id, env=env, check=True).stdout
    assert "revoked" in revoked
    assert "revoked" in run_cli("apikey", "list", "-t", cli_tenant, env=env, check=True).stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (("--name", "POS", "--role", "janitor"), "role: choose one of"),
        (("--name", "POS", "--role", "reception"), "branch:"),
        (("--name", " ", "--role", "owner"), "name: is required"),
    ],
)
def test_apikey_create_bad_input_is_one_line(sqlite_backend, cli_tenant, args, message):
    result = run_cli("apikey", "create", "-t", cli_tenant, *args, env=sqlite_backend.env)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_apikey_revoke_bad_id_is_one_line(sqlite_backend, cli_tenant):
    for key_id in ("nonsense", str(uuid.uuid4())):
        result = run_cli("apikey", "revoke", "-t", cli_tenant, "--id", key_id, env=sqlite_backend.env)
        assert result.returncode == 2 and result.stderr.startswith("error: "), result.stderr
