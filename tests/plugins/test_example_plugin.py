"""The example third-party plugin installs with pip, is discovered through its entry point
and its own tests pass with the plugin kit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "salonkeep-example-plugin"


def _run(args: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SALONKEEP_", "PYTEST_"))}
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
    )


def test_example_plugin_installs_is_discovered_and_its_tests_pass(tmp_path):
    copy = tmp_path / "salonkeep-example-plugin"
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    installed = _run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", str(copy)], cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr

    probe = (
        "import json; from importlib.metadata import entry_points; "
        "from salonkeep.core.plugins.manager import get_plugins; p = get_plugins(); "
        "print(json.dumps({'points': {e.name: e.value for e in entry_points(group='salonkeep')}, "
        "'loaded': p.names(), 'programmes': sorted(p.programmes()), "
        "'failures': [f.name for f in p.failures]}))"
    )
    found = json.loads(_run([sys.executable, "-c", probe], cwd=tmp_path).stdout)
    assert found["points"]["hydration"] == "salonkeep_hydration.plugin"
    assert "hydration" in found["loaded"] and "hydration" in found["programmes"]
    assert found["failures"] == []

    tests = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=copy)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "6 passed" in tests.stdout
