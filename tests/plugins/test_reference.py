"""docs/plugin-api.md is generated from the docstrings of the plugin API and the hooks: it
must be current, and every hook and public class or function must have a docstring."""

from __future__ import annotations

from pathlib import Path

from salonkeep.core.plugins import api, hookspecs, reference

PAGE = Path(__file__).resolve().parents[2] / "docs" / "plugin-api.md"


def test_every_hook_and_public_name_has_a_docstring():
    assert reference.undocumented() == []


def test_the_reference_page_is_current():
    assert PAGE.read_text(encoding="utf-8") == reference.render(), (
        "run: python -m salonkeep.core.plugins.reference > docs/plugin-api.md"
    )


def test_the_page_names_every_hook_and_public_name():
    page = PAGE.read_text(encoding="utf-8")
    for name in [*hookspecs.hook_names(), *api.__all__]:
        assert f"`{name}" in page, name


def test_an_undocumented_hook_is_reported(monkeypatch):
    def salonkeep_nothing() -> None:
        pass

    monkeypatch.setattr(hookspecs, "salonkeep_nothing", salonkeep_nothing, raising=False)
    assert reference.undocumented() == ["salonkeep_nothing"]


def test_a_hook_without_an_example_is_reported(monkeypatch):
    def salonkeep_no_example() -> list[str]:
        """Called never. Returns nothing, and shows no example of an implementation."""
        return []

    monkeypatch.setattr(hookspecs, "salonkeep_no_example", salonkeep_no_example, raising=False)
    assert reference.undocumented() == ["salonkeep_no_example"]
