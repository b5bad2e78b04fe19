"""Rules the host applies to what plugins plan: an ``assigned_role`` must be a staff role
(``STAFF_ROLES``), else the event's unit of work fails and nothing is half-written."""

from __future__ import annotations

import textwrap
from importlib.metadata import EntryPoint, entry_points

import pytest

from salonkeep.core.plugins.api import STAFF_ROLES, ServicePerformed
from salonkeep.core.plugins.manager import build_plugins, use_plugins

ROLE_PROBE = """
from salonkeep.core.plugins.api import PlannedCall, PlannedTask, Programme, ServicePerformed, hookimpl

@hookimpl
def salonkeep_programmes():
    return [Programme("role_probe", "Role probe", "Tasks for a role")]

@hookimpl
def salonkeep_event(event, plan):
    if not isinstance(event, ServicePerformed):
        return []
    return [PlannedTask("role_probe", f"{event.visit_id}:task", plan.now, "For a role",
                        assigned_role=event.service)]
"""


@pytest.fixture
def role_probe(tmp_path, monkeypatch):
    (tmp_path / "sk_role_probe.py").write_text(textwrap.dedent(ROLE_PROBE))
    monkeypatch.syspath_prepend(str(tmp_path))
    point = EntryPoint(name="role_probe", value="sk_role_probe", group="salonkeep")
    use_plugins(build_plugins([*entry_points(group="salonkeep"), point]))
    yield
    use_plugins(None)


def test_the_staff_roles_are_the_tenant_roles():
    assert {"owner", "branch_manager", "practitioner", "reception", "privacy_officer"} <= set(STAFF_ROLES)
    assert "boss" not in STAFF_ROLES


async def test_a_staff_role_is_kept_and_an_unknown_one_refused(role_probe, salonkeep_clock, emit, planned):
    await emit(ServicePerformed, service="practitioner", category="facial")
    assert [t.assigned_role for t in await planned(programme="role_probe")] == ["practitioner"]
    with pytest.raises(ValueError, match="unknown assigned_role 'boss'"):
        await emit(ServicePerformed, service="boss", category="facial")
    # Nothing of the refused event was written.
    assert [t.assigned_role for t in await planned(programme="role_probe")] == ["practitioner"]
