"""Every hook of the contract is documented (docstring with an example, a section in
docs/plugins.md) and tested (its name appears in a test other than this one)."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from salonkeep.core.plugins import hookspecs

ROOT = Path(__file__).resolve().parents[2]
HOOKS = hookspecs.hook_names()


def test_the_contract_has_the_hooks_of_the_issue():
    assert set(HOOKS) == {
        "salonkeep_programmes",
        "salonkeep_piccolo_apps",
        "salonkeep_template_dirs",
        "salonkeep_translation_dirs",
        "salonkeep_event",
        "salonkeep_touchpoint_outcome",
        "salonkeep_client_panels",
        "salonkeep_delivery_channels",
        "salonkeep_web_routes",
        "salonkeep_navigation",
        "salonkeep_profile_panels",
        "salonkeep_printable_pages",
    }


@pytest.mark.parametrize("name", HOOKS)
def test_hook_has_a_docstring_with_when_returns_and_an_example(name):
    doc = inspect.getdoc(getattr(hookspecs, name)) or ""
    assert "Called" in doc, f"{name}: say when it is called"
    assert "Return" in doc, f"{name}: say what it returns"
    assert "Example::" in doc, f"{name}: give an example"
    assert inspect.signature(getattr(hookspecs, name)).return_annotation != inspect.Signature.empty


@pytest.mark.parametrize("name", HOOKS)
def test_hook_has_a_section_in_the_plugin_guide(name):
    guide = (ROOT / "docs" / "plugins.md").read_text()
    assert f"### `{name}`" in guide, f"docs/plugins.md needs a section for {name}"
    section = guide.split(f"### `{name}`", 1)[1].split("\n### ", 1)[0]
    assert "**When:**" in section and "**Returns:**" in section and "```python" in section


@pytest.mark.parametrize("name", HOOKS)
def test_hook_is_exercised_by_a_test(name):
    this = Path(__file__).resolve()
    tests = [p for p in (ROOT / "tests").rglob("test_*.py") if p.resolve() != this]
    assert any(name in p.read_text() for p in tests), f"no test mentions {name}"
