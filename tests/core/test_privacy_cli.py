"""The privacy-core commands on the embedded SQLite default."""

from __future__ import annotations

import json
import sqlite3
import uuid

import pytest

from ..conftest import run_cli


@pytest.fixture
def cli_client(sqlite_backend):
    """A tenant made through the CLI and one client with health data (made in a subprocess)."""
    env = sqlite_backend.env
    slug = f"pc-{uuid.uuid4().hex[:8]}"
    run_cli(
        "tenant",
        "create",
        "--slug",
        slug,
        "--name",
        "P",
        "--time-zone",
        "Europe/Helsinki",
        "--country",
        "FI",
        env=env,
        check=True,
    )
    run_cli("branch", "add", "-t", slug, "--name", "Main", env=env, check=True)
    script = (
        "import asyncio, sys\n"
        "from salonkeep.core.cli.runner import run\n"
        "from salonkeep.core.clients.service import ClientInput, create_client\n"
        "from salonkeep.tenants.onboarding import list_branches\n"
        "async def work():\n"
        "    branch = (await list_branches())[0]\n"
        "    data = ClientInput(branch_id=branch.id, first_name='Cli', allergies='Pollen-991')\n"
        "    c = await create_client(data)\n"
        "    return c.id\n"
        f"print(run(work, tenant={slug!r}))\n"
    )
    import os
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", script], env={**os.environ, **env}, capture_output=True, text=True, check=True
    ).stdout.strip()
    return slug, out


def test_audit_verify_head_history_and_key_rotation(sqlite_backend, cli_client):
    env = sqlite_backend.env
    slug, client_id = cli_client
    assert "no signed head yet" in run_cli("audit", "verify", "-t", slug, env=env, check=True).stdout
    assert run_cli("audit", "head", "-t", slug, env=env).returncode == 2  # nothing sealed yet
    run_cli("audit", "seal", "-t", slug, env=env, check=True)
    verified = run_cli("audit", "verify", "-t", slug, env=env, check=True).stdout
    assert "verified" in verified and "extends the signed head" in verified
    head = json.loads(run_cli("audit", "head", "-t", slug, env=env, check=True).stdout)
    assert set(head) == {"format", "tenant_id", "seq", "hash", "sealed_at", "key_id", "signature"}
    history = run_cli("audit", "history", "-t", slug, "--client", client_id, env=env, check=True).stdout
    assert "create" in history and "allergies" in history and "Pollen" not in history
    rotated = run_cli("keys", "rotate", "-t", slug, env=env, check=True).stdout
    assert "2" in rotated.splitlines()[1]
    # Tamper with the chain as someone with file access would: verify names the link, exit 1.
    with sqlite3.connect(sqlite_backend.settings.sqlite_path) as conn:
        conn.execute(
            "update audit_event set reason = 'x' where seq = 1 and tenant_id = "
            "(select id from tenant where slug = ?)",
            (slug,),
        )
    broken = run_cli("audit", "verify", "-t", slug, env=env)
    assert broken.returncode == 1 and "BROKEN at link 1" in broken.stderr


def test_audit_history_refuses_a_bad_id(sqlite_backend, cli_client):
    slug, _ = cli_client
    result = run_cli("audit", "history", "-t", slug, "--client", "nope", env=sqlite_backend.env)
    assert result.returncode == 2 and result.stderr.strip() == "error: client: not a client id"


def test_policy_publish_consent_link_and_show(sqlite_backend, cli_client, tmp_path):
    env = sqlite_backend.env
    slug, client_id = cli_client
    answers = {q: f"answer to {q}" for q in ("collected", "purposes", "recipients", "choices", "complaints")}
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"en": answers, "fi": answers}))
    out = run_cli("policy", "publish", "-t", slug, "--file", str(policy), env=env, check=True).stdout
    assert "version 1 in en, fi" in out
    early = run_cli(
        "policy", "publish", "-t", slug, "--file", str(policy), "--effective", "2020-01-01", env=env
    )
    assert early.returncode == 2 and "15 days" in early.stderr
    link = run_cli("consent", "link", "-t", slug, "--client", client_id, env=env, check=True).stdout
    assert f"/t/{slug}/consent/" in link
    shown = run_cli("consent", "show", "-t", slug, "--client", client_id, env=env, check=True).stdout
    assert shown.splitlines()[0].startswith("PURPOSE")


def test_export_request_board_restrict_and_erase(sqlite_backend, cli_client):
    env = sqlite_backend.env
    slug, client_id = cli_client
    data = json.loads(
        run_cli("privacy", "export", "-t", slug, "--client", client_id, env=env, check=True).stdout
    )
    assert data["client"]["allergies"] == "Pollen-991" and "audit_event" in data["tables"]
    html = run_cli("privacy", "export", "-t", slug, "--client", client_id, "--format", "html", env=env).stdout
    assert "Pollen-991" in html and "<dl>" in html and "Your details" in html
    out = run_cli(
        "privacy", "request", "-t", slug, "--client", client_id, "--kind", "erasure", env=env, check=True
    )
    assert "logged erasure request" in out.stdout
    board = run_cli("privacy", "requests", "-t", slug, env=env, check=True).stdout
    assert "erasure" in board and "open" in board
    assert "restricted" in run_cli("privacy", "restrict", "-t", slug, "--client", client_id, env=env).stdout
    refused = run_cli("privacy", "erase", "-t", slug, "--client", client_id, env=env)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    erased = run_cli(
        "privacy", "erase", "-t", slug, "--client", client_id, "--yes", env=env, check=True
    ).stdout
    assert "key shredded: True" in erased
    again = run_cli("privacy", "erase", "-t", slug, "--client", client_id, "--yes", env=env)
    assert again.returncode == 2 and "already erased" in again.stderr
    with sqlite3.connect(sqlite_backend.settings.sqlite_path) as conn:
        assert "Pollen-991" not in "\n".join(conn.iterdump())
    assert "verified" in run_cli("audit", "verify", "-t", slug, env=env, check=True).stdout


def test_partner_register_commands(sqlite_backend, cli_client):
    env = sqlite_backend.env
    slug, _ = cli_client
    out = run_cli(
        "privacy",
        "partner-add",
        "-t",
        slug,
        "--name",
        "Lab",
        "--contract",
        "DPA-9",
        "--purpose",
        "tests",
        env=env,
        check=True,
    ).stdout
    assert "registered partner 'Lab'" in out
    assert "DPA-9" in run_cli("privacy", "partners", "-t", slug, env=env, check=True).stdout
    assert run_cli("privacy", "disclosures", "-t", slug, env=env, check=True).stdout.startswith("WHEN")


def test_retention_command_reports_before_it_erases(sqlite_backend, cli_client):
    env = sqlite_backend.env
    slug, _ = cli_client
    dry = run_cli("privacy", "retention", "-t", slug, env=env, check=True).stdout
    assert "inactive for 6 years" in dry and "dry run: 0 clients" in dry
    off = run_cli("privacy", "retention", "-t", slug, "--set-years", "0", env=env, check=True).stdout
    assert "retention is off" in off


def test_master_key_change_without_downtime(tmp_path):
    """New key in place, old one as previous: everything stays readable, rotate-master
    re-wraps, and afterwards the old key is no longer needed."""
    import base64
    import os as _os

    data = tmp_path / "data"
    env = {"SALONKEEP_DATA_DIR": str(data), "SALONKEEP_DATABASE_URL": f"sqlite:///{data / 'db.sqlite3'}"}
    run_cli("migrate", env=env, check=True)
    slug = "mk-salon"
    run_cli(
        "tenant",
        "create",
        "--slug",
        slug,
        "--name",
        "M",
        "--time-zone",
        "Europe/Helsinki",
        "--country",
        "FI",
        env=env,
        check=True,
    )
    run_cli("branch", "add", "-t", slug, "--name", "Main", env=env, check=True)
    script = (
        "from salonkeep.core.cli.runner import run\n"
        "from salonkeep.core.clients.service import ClientInput, create_client\n"
        "from salonkeep.tenants.onboarding import list_branches\n"
        "async def work():\n"
        "    b = (await list_branches())[0]\n"
        "    data = ClientInput(branch_id=b.id, first_name='M', allergies='Mint-55')\n"
        "    return (await create_client(data)).id\n"
        f"print(run(work, tenant={slug!r}))\n"
    )
    import subprocess
    import sys

    client_id = subprocess.run(
        [sys.executable, "-c", script], env={**_os.environ, **env}, capture_output=True, text=True, check=True
    ).stdout.strip()
    new_key = tmp_path / "new.key"
    new_key.write_text(base64.b64encode(_os.urandom(32)).decode())
    only_new = {**env, "SALONKEEP_MASTER_KEY_FILE": str(new_key)}
    both = {**only_new, "SALONKEEP_PREVIOUS_MASTER_KEY_FILE": str(data / "master.key")}
    assert run_cli("privacy", "export", "-t", slug, "--client", client_id, env=only_new).returncode == 2
    assert (
        "Mint-55"
        in run_cli("privacy", "export", "-t", slug, "--client", client_id, env=both, check=True).stdout
    )
    out = run_cli("keys", "rotate-master", env=both, check=True).stdout
    assert "re-wrapped 1 tenant keys" in out
    assert (
        "Mint-55"
        in run_cli("privacy", "export", "-t", slug, "--client", client_id, env=only_new, check=True).stdout
    )
    assert "verified" in run_cli("audit", "verify", "-t", slug, env=only_new, check=True).stdout
