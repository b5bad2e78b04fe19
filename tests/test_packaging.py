"""One import name: the top-level folders install as salonkeep.* and nothing else."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_package_folder_is_listed_for_the_wheel():
    config = _config()
    found = set()
    for package, folder in config["package-dir"].items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder)
            found.add(".".join([package, *relative.parts]))
    assert found == set(config["packages"])


def test_folders_import_under_salonkeep_only(tmp_path):
    import salonkeep.core
    import salonkeep.web

    assert Path(salonkeep.core.__file__).parent == ROOT / "core"
    assert Path(salonkeep.web.__file__).parent == ROOT / "web"
    # From a folder outside the checkout, the installed distribution offers salonkeep.* only.
    probe = (
        "import importlib.util as u, json; "
        "print(json.dumps({n: u.find_spec(n) is not None for n in "
        "('core', 'web', 'tenants', 'workers', 'plugins', 'salonkeep.core', 'salonkeep.web')}))"
    )
    found = json.loads(
        subprocess.run(
            [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
        ).stdout
    )
    assert found == {
        "core": False,
        "web": False,
        "tenants": False,
        "workers": False,
        "plugins": False,
        "salonkeep.core": True,
        "salonkeep.web": True,
    }


def test_core_imports_neither_web_nor_workers_nor_plugins():
    offenders = []
    for path in [*(ROOT / "core").rglob("*.py"), *(ROOT / "tenants").rglob("*.py")]:
        text = path.read_text()
        for layer in ("salonkeep.web", "salonkeep.workers", "salonkeep.plugins"):
            if f"from {layer}" in text or f"import {layer}" in text:
                offenders.append(f"{path.relative_to(ROOT)} imports {layer}")
    for path in (ROOT / "tenants").rglob("*.py"):
        if "from salonkeep.core" in path.read_text():
            offenders.append(f"{path.relative_to(ROOT)} imports salonkeep.core")
    assert offenders == []


def test_built_in_plugins_use_only_the_public_plugin_api():
    """Built-in programmes are ordinary plugins: from Salonkeep they import the plugin API
    (and their own package), nothing else, like a third-party plugin would."""
    offenders = []
    for path in (ROOT / "plugins").rglob("*.py"):
        for line in path.read_text().splitlines():
            words = line.split()
            if len(words) >= 2 and words[0] in ("from", "import") and words[1].startswith("salonkeep"):
                module = words[1]
                if module != "salonkeep.core.plugins.api" and not module.startswith("salonkeep.plugins"):
                    offenders.append(f"{path.relative_to(ROOT)}: {line.strip()}")
    assert offenders == []
