"""One import name: the top-level folders install as salonkeep.* and nothing else."""

from __future__ import annotations

import ast
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


#: The import name of each top-level folder.
PACKAGES = {
    "core": "salonkeep.core",
    "tenants": "salonkeep.tenants",
    "web": "salonkeep.web",
    "workers": "salonkeep.workers",
    "plugins": "salonkeep.plugins",
}


def module_name(path: Path) -> str:
    """The dotted name ``path`` (a file under one of the top-level folders) imports as."""
    relative = path.relative_to(ROOT)
    parts = [PACKAGES[relative.parts[0]], *relative.with_suffix("").parts[1:]]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module ``source`` (the text of ``module``) imports, relative imports resolved,
    including the names imported from a package (``from salonkeep import plugins`` gives
    ``salonkeep.plugins``) and string arguments of ``import_module`` / ``__import__``."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join([*base, *([node.module] if node.module else [])])
            else:
                origin = node.module or ""
            found.add(origin)
            found.update(f"{origin}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return found


def imports_of(path: Path) -> set[str]:
    """The modules the file at ``path`` imports."""
    return imported_modules(path.read_text(), module_name(path), path.name == "__init__.py")


def _within(module: str, layer: str) -> bool:
    return module == layer or module.startswith(layer + ".")


def layer_offenders(folders: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    """``file imports module`` for every file under ``folders`` importing a ``forbidden`` layer."""
    offenders = []
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for module in sorted(imports_of(path)):
                if any(_within(module, layer) for layer in forbidden):
                    offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    return offenders


def test_the_import_reader_sees_relative_and_dynamic_imports():
    """The checks below read imports with ``ast``: relative imports, ``from salonkeep import
    plugins`` and ``import_module("salonkeep.plugins…")`` count, text in strings does not."""
    source = (
        "from ...plugins import warranty\n"
        "from salonkeep import plugins\n"
        "import salonkeep.plugins.greetings as g\n"
        "importlib.import_module('salonkeep.plugins.referrals')\n"
        "from . import calls\n"
        "text = 'from salonkeep.plugins import nothing'\n"
    )
    found = imported_modules(source, "salonkeep.web.aftercare.client")
    assert {
        "salonkeep.plugins.warranty",
        "salonkeep.plugins",
        "salonkeep.plugins.greetings",
        "salonkeep.plugins.referrals",
        "salonkeep.web.aftercare.calls",
    } <= found
    assert "salonkeep.plugins.nothing" not in found
    assert imported_modules("from .. import api", "salonkeep.core.plugins", is_package=True) == {
        "salonkeep.core",
        "salonkeep.core.api",
    }


def test_nothing_but_the_plugins_imports_the_built_in_programmes():
    """Built-ins go through the same door as third-party plugins (entry points): no file of
    the web, the workers, the core or the tenants imports ``salonkeep.plugins``."""
    assert layer_offenders(("web", "workers", "core", "tenants"), ("salonkeep.plugins",)) == []


def test_core_imports_neither_web_nor_workers():
    assert layer_offenders(("core", "tenants"), ("salonkeep.web", "salonkeep.workers")) == []
    assert layer_offenders(("tenants",), ("salonkeep.core",)) == []


def test_built_in_plugins_use_only_the_public_plugin_api():
    """Built-in programmes are ordinary plugins: from Salonkeep they import the plugin API
    (and their own package), nothing else, like a third-party plugin would."""
    offenders = []
    for path in sorted((ROOT / "plugins").rglob("*.py")):
        for module in sorted(imports_of(path)):
            allowed = (
                _within(module, "salonkeep.core.plugins.api")
                or _within(module, "salonkeep.plugins")
                or module == "salonkeep.core.plugins"  # from salonkeep.core.plugins import api
            )
            if _within(module, "salonkeep") and module != "salonkeep" and not allowed:
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_the_example_plugin_imports_only_the_plugin_api():
    """What the guide says of third-party plugins holds for the example: its code and its
    tests import nothing of Salonkeep but the plugin API (the kit's fixtures need no import)."""
    example = ROOT / "examples" / "salonkeep-example-plugin"
    offenders = []
    for path in sorted(example.rglob("*.py")):
        for module in sorted(imported_modules(path.read_text(), "salonkeep_hydration.module")):
            api = _within(module, "salonkeep.core.plugins.api") or module == "salonkeep.core.plugins"
            if _within(module, "salonkeep") and module != "salonkeep" and not api:
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(group)

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_the_plugin_machinery_is_in_no_import_cycle():
    """The plugin API, contract, manager, host and test kit (one home: core/plugins) import
    the core's services, never the other way round in a loop (imports inside functions
    count too)."""
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [{"a", "b"}]  # the finder finds
    imports = {
        module_name(path): imports_of(path)
        for folder in ("core", "tenants")
        for path in (ROOT / folder).rglob("*.py")
        if "piccolo_migrations" not in path.parts
    }
    graph = {name: {m for m in found if m in imports and m != name} for name, found in imports.items()}
    through_plugins = [sorted(group) for group in _cycles(graph) if any("core.plugins" in m for m in group)]
    assert through_plugins == []


def test_a_generated_plugin_imports_only_the_plugin_api(tmp_path):
    """``salonkeep plugin new`` writes a package that keeps the rule it teaches."""
    from salonkeep.core.cli.scaffold import write_package

    package = write_package("rule_probe", tmp_path)
    offenders = []
    for path in sorted(package.rglob("*.py")):
        for module in sorted(imported_modules(path.read_text(), "rule_probe.module")):
            api = _within(module, "salonkeep.core.plugins.api") or module == "salonkeep.core.plugins"
            if _within(module, "salonkeep") and module != "salonkeep" and not api:
                offenders.append(f"{path.name} imports {module}")
    assert offenders == []
    assert len(list(package.rglob("*.py"))) >= 3
