"""Loading plugins: entry points, per-plugin isolation, check_pending, awaited coroutines."""

from __future__ import annotations

import textwrap
from importlib.metadata import EntryPoint, entry_points

import pytest

from salonkeep.core.events import ServicePerformed
from salonkeep.core.plugins.manager import build_plugins, get_plugins, use_plugins

BUILT_INS = {
    "follow_up_137",
    "first_visit",
    "product_follow_up",
    "medical_aftercare",
    "warranty",
    "service_guarantee",
    "greetings",
    "referrals",
}

GOOD = """
from pathlib import Path
from salonkeep.core.plugins.api import PlannedTask, Programme, ServicePerformed, hookimpl

@hookimpl
def salonkeep_programmes():
    return [Programme("probe", "Probe", "A test programme")]

@hookimpl
async def salonkeep_event(event, plan):
    if isinstance(event, ServicePerformed):
        return [PlannedTask("probe", f"{event.visit_id}", plan.now, "Awaited task")]
    return []

@hookimpl
def salonkeep_template_dirs():
    return [str(Path(__file__).parent / "probe_templates")]

@hookimpl
def salonkeep_translation_dirs():
    return [str(Path(__file__).parent / "probe_locale")]
"""
MISSPELLED = """
from salonkeep.core.plugins.api import hookimpl

@hookimpl
def salonkeep_evnet(event, plan):
    return []
"""
CLASH = """
from salonkeep.core.plugins.api import Programme, hookimpl

@hookimpl
def salonkeep_programmes():
    return [Programme("probe", "Another probe", "Same name")]
"""


@pytest.fixture
def probe_modules(tmp_path, monkeypatch):
    for name, source in {"sk_probe_good": GOOD, "sk_probe_typo": MISSPELLED, "sk_probe_clash": CLASH}.items():
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
    (tmp_path / "sk_probe_broken.py").write_text("raise ImportError('missing dependency: shiny')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def _point(name: str, module: str) -> EntryPoint:
    return EntryPoint(name=name, value=module, group="salonkeep")


def test_built_ins_come_through_the_entry_point_group():
    declared = {p.name: p.value for p in entry_points(group="salonkeep")}
    assert set(declared) >= BUILT_INS
    assert all(declared[name] == f"salonkeep.plugins.{name}" for name in BUILT_INS)
    plugins = get_plugins()
    assert set(plugins.names()) >= BUILT_INS
    assert plugins.failures == []
    assert {"follow_up_137", "medical_aftercare", "birthday_greetings", "warranty"} <= set(
        plugins.programmes()
    )


def test_broken_plugins_are_reported_and_skipped(probe_modules):
    plugins = build_plugins(
        [
            _point("a_broken", "sk_probe_broken"),
            _point("b_good", "sk_probe_good"),
            _point("c_typo", "sk_probe_typo"),
            _point("d_clash", "sk_probe_clash"),
            _point("e_missing", "sk_probe_not_installed"),
        ]
    )
    assert plugins.names() == ["b_good"]
    reasons = {f.name: f.reason for f in plugins.failures}
    assert set(reasons) == {"a_broken", "c_typo", "d_clash", "e_missing"}
    assert "missing dependency: shiny" in reasons["a_broken"]
    assert "salonkeep_evnet" in reasons["c_typo"]  # check_pending: no such hook in the contract
    assert "probe" in reasons["d_clash"]
    assert "ModuleNotFoundError" in reasons["e_missing"]
    assert list(plugins.programmes()) == ["probe"]
    # salonkeep_template_dirs and salonkeep_translation_dirs are collected from every plugin.
    assert plugins.template_dirs() == [str(probe_modules / "probe_templates")]
    assert plugins.translation_dirs() == [str(probe_modules / "probe_locale")]


async def test_coroutine_hooks_are_awaited(probe_modules, salonkeep_clock, emit, planned):
    plugins = build_plugins([*entry_points(group="salonkeep"), _point("probe", "sk_probe_good")])
    use_plugins(plugins)
    try:
        await emit(ServicePerformed, service="Facial", category="facial")
        tasks = await planned(programme="probe")
    finally:
        use_plugins(None)
    assert [(t.kind, t.title, t.due_at) for t in tasks] == [("task", "Awaited task", salonkeep_clock())]
