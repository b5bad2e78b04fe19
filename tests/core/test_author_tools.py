"""Tools for plugin authors: ``salonkeep plugin new`` writes a package whose tests pass as
generated, and ``salonkeep programme preview`` prints what a programme would plan without
writing anything."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from salonkeep.core.aftercare import calls
from salonkeep.core.apps import all_tables
from salonkeep.core.cli.main import app
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.visits.service import client_history
from salonkeep.tenants import db
from salonkeep.tenants.context import tenant_scope


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SALONKEEP_", "PYTEST_"))}
    return subprocess.run(
        args,
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=900,
        stdin=subprocess.DEVNULL,
    )


def test_plugin_new_writes_a_package_whose_tests_pass(tmp_path):
    made = CliRunner().invoke(app, ["plugin", "new", "demo_plugin", "--dir", str(tmp_path)])
    assert made.exit_code == 0, made.output
    root = tmp_path / "demo_plugin"
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) == [
        "README.md",
        "pyproject.toml",
        "src/demo_plugin/__init__.py",
        "src/demo_plugin/plugin.py",
        "tests/conftest.py",
        "tests/test_demo_plugin.py",
    ]
    assert (
        '[project.entry-points.salonkeep]\ndemo_plugin = "demo_plugin.plugin"'
        in (root / "pyproject.toml").read_text()
    )
    # The generated plugin imports only the public plugin API.
    imports = [
        line for line in (root / "src/demo_plugin/plugin.py").read_text().splitlines() if "import" in line
    ]
    assert all("salonkeep" not in line or "salonkeep.core.plugins.api" in line for line in imports)

    # Installed (into a folder of its own, not this environment), found through its entry
    # point by the kit, and its tests pass.
    site = tmp_path / "site"
    installed = _run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(root)],
        tmp_path,
        {},
    )
    assert installed.returncode == 0, installed.stderr
    tests = _run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        root,
        {"PYTHONPATH": str(site)},
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "3 passed" in tests.stdout


def test_plugin_new_refuses_a_bad_name_and_a_used_folder(tmp_path):
    bad = CliRunner().invoke(app, ["plugin", "new", "Demo-Plugin", "--dir", str(tmp_path)])
    assert bad.exit_code == 2 and bad.output.startswith("error: name: use 2 to 40 lower-case letters")
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "keep.txt").write_text("mine")
    used = CliRunner().invoke(app, ["plugin", "new", "taken", "--dir", str(tmp_path)])
    assert used.exit_code == 2 and "error: dir:" in used.output and "is not empty" in used.output
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["keep.txt"]


def _cli(backend, monkeypatch, *args: str):
    for name, value in backend.env.items():
        monkeypatch.setenv(name, value)
    engine = db.get_engine()
    try:
        return CliRunner().invoke(app, list(args))
    finally:
        db.bind(engine, all_tables())


async def test_preview_prints_what_would_be_planned_and_writes_nothing(
    backend, tenant_a, frozen_clock, monkeypatch
):
    with tenant_scope(tenant_a.ctx):
        helmi = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Helmi"))

    async def cli(*args: str):
        return await asyncio.to_thread(_cli, backend, monkeypatch, *args)

    t = ("-t", tenant_a.slug)
    shown = await cli(
        "programme", "preview", *t, "product_follow_up", "--event", "sale", "--client", str(helmi.id),
        "--category", "slimming", "--item", "Slim gel", "--at", "2026-03-25T10:00:00+02:00",
    )  # fmt: skip
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[0].split() == ["DUE", "KIND", "PURPOSE", "FOR", "TITLE"]
    # Day 2 and day 5 at 10:00 in the tenant's zone (Helsinki), the day-2 call for the manager.
    assert "Slimming day 2: Slim gel" in lines[1] and "branch_manager" in lines[1] and "call" in lines[1]
    assert "Slimming day 5: Slim gel" in lines[2]
    assert any("You bought Slim gel the day before yesterday" in line for line in lines)
    with tenant_scope(tenant_a.ctx):
        assert await calls.client_touchpoints(helmi.id) == []
        assert (await client_history(helmi.id)).sales == []

    off = await cli("programme", "preview", *t, "follow_up_137", "--event", "sale", "--category", "care")
    assert off.exit_code == 0, off.output
    assert off.output.startswith("note: follow_up_137 is disabled for this tenant")
    assert off.output.count("follow-up: Sample") >= 3
    with tenant_scope(tenant_a.ctx):
        from salonkeep.core.clients.service import search_clients

        assert [c.first_name for c in await search_clients("Sample")] == []  # the sample client too

    none = await cli("programme", "preview", *t, "first_visit_call", "--event", "sale", "--category", "care")
    assert none.exit_code == 0 and none.output.strip() == "nothing would be planned"
    wrong = await cli("programme", "preview", *t, "product_follow_up", "--event", "party")
    assert wrong.exit_code == 2 and wrong.output.startswith("error: event: choose one of")
    missing = await cli("programme", "preview", *t, "nope", "--event", "sale")
    assert missing.exit_code == 2 and "no programme called 'nope'" in missing.output
