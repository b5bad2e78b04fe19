"""``salonkeep plugin new NAME``: write a ready plugin package to start from.

The package has a ``pyproject.toml`` with the ``salonkeep`` entry point, one programme (a
call two days after a facial, by the person who did it, off by default as a third-party
programme on a shared host should be), its tests written with the plugin kit, a
``tests/conftest.py`` and a README. Its tests pass as generated (a test of the suite
installs a generated package and runs them).
"""

from __future__ import annotations

import re
from pathlib import Path

from salonkeep.tenants.errors import ValidationFailed

NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]{1,39}")

PYPROJECT = """\
[build-system]
requires = ["setuptools>=69", "wheel"]
build-backend = "setuptools.build_meta"

[project]
name = "{dist}"
version = "0.1.0"
description = "A Salonkeep aftercare plugin: {name}"
requires-python = ">=3.11"
dependencies = ["salonkeep"]

[project.optional-dependencies]
test = ["pytest>=8", "pytest-asyncio>=1.0"]

# The door every Salonkeep plugin goes through: the entry-point group "salonkeep".
[project.entry-points.salonkeep]
{name} = "{name}.plugin"

[tool.setuptools.packages.find]
where = ["src"]

[tool.pytest.ini_options]
testpaths = ["tests"]
asyncio_mode = "auto"
asyncio_default_fixture_loop_scope = "session"
asyncio_default_test_loop_scope = "session"
"""

PLUGIN = '''\
"""{title}: a call a few days after a facial, by the person who did it.

Imports only the public plugin API (``salonkeep.core.plugins.api``).
"""

from __future__ import annotations

from salonkeep.core.plugins.api import (
    N_,
    DomainEvent,
    Plan,
    Planned,
    PlannedCall,
    Programme,
    ServicePerformed,
    Setting,
    hookimpl,
)

NAME = "{name}"
# Texts people read: the programme's are message ids (N_) translated from a catalogue of
# yours; what you plan is written with plan.text({{"en": …, "zh": …, "ru": …, "fi": …}}).
# See "Texts in four languages" in Salonkeep's docs/plugins.md.
PROGRAMME = Programme(
    name=NAME,
    title=N_("{title}"),
    description=N_("A call a few days after a facial."),
    settings=(Setting("days_after", "int", 2, N_("Days after the facial."), 1, 30),),
    # Off until a tenant's owner switches it on (a third-party programme on a shared host).
    enabled_by_default=False,
)


@hookimpl
def salonkeep_programmes() -> list[Programme]:
    """The programmes of this plugin."""
    return [PROGRAMME]


@hookimpl
def salonkeep_event(event: DomainEvent, plan: Plan) -> list[Planned]:
    """After a facial: a call ``days_after`` days later, at the programme's call time."""
    if not isinstance(event, ServicePerformed) or event.category != "facial":
        return []
    days = int(plan.settings(NAME)["days_after"])
    return [
        PlannedCall(
            programme=NAME,
            key=f"visit:{{event.visit_id}}",
            due_at=plan.day(event.occurred_at, days, NAME),
            title=f"{title}: {{event.service}}",
            script="Is it a good time (3-5 minutes)? How does your skin feel since the facial?",
            assigned_staff_id=event.staff_id,
        )
    ]
'''

CONFTEST = '''\
"""The Salonkeep plugin kit (fixtures ``emit``, ``planned``, ``salonkeep_clock``,
``salonkeep_configure``, ``salonkeep_outcome``, …) is a pytest plugin that Salonkeep installs
(entry point ``pytest11``): nothing to import here. Install this package first
(``pip install -e .``) so the kit finds the plugin through its entry point."""
'''

TESTS = '''\
"""{title}, tested with the Salonkeep plugin kit on a throw-away embedded database."""

from __future__ import annotations

from datetime import UTC, datetime

from salonkeep.core.plugins.api import ServicePerformed


async def test_off_until_the_tenant_switches_it_on(salonkeep_clock, emit, planned):
    await emit(ServicePerformed, service="Facial", category="facial")
    assert await planned(programme="{name}") == []


async def test_a_call_two_days_after_a_facial(salonkeep_clock, salonkeep_configure, emit, planned):
    await salonkeep_configure("{name}", enabled=True)
    await emit(ServicePerformed, service="Hydrating facial", category="facial")
    await emit(ServicePerformed, service="Haircut", category="hair")
    calls = await planned(programme="{name}")
    # The kit's clock: Wednesday 25 March 2026, 10:00 in Helsinki (UTC+2); + 2 days at 10:00.
    assert [(c.kind, c.title, c.due_at) for c in calls] == [
        ("call", "{title}: Hydrating facial", datetime(2026, 3, 27, 8, 0, tzinfo=UTC))
    ]


async def test_the_days_are_a_setting(salonkeep_clock, salonkeep_configure, emit, planned):
    await salonkeep_configure("{name}", enabled=True, days_after=5)
    await emit(ServicePerformed, service="Facial", category="facial")
    # 30 March is after the spring DST change: 10:00 in Helsinki is 07:00 UTC.
    assert [c.due_at for c in await planned(programme="{name}")] == [datetime(2026, 3, 30, 7, 0, tzinfo=UTC)]
'''

README = """\
# {dist}

A Salonkeep aftercare plugin: the programme `{name}` ({title}), a call two days after a facial
by the person who did it. Start from here: see Salonkeep's docs/plugins.md for every hook.

    pip install -e '.[test]'   # in the environment where Salonkeep is installed
    pytest                     # the plugin kit gives a throw-away database

Then `salonkeep programme list -t SLUG` shows it, `salonkeep programme enable -t SLUG {name}`
switches it on for a tenant, and `salonkeep programme preview -t SLUG {name} --event service`
shows what it would plan.
"""


def check_name(name: str) -> str:
    """``name`` if it can be a plugin's package and programme name; ValidationFailed names it."""
    if not NAME_PATTERN.fullmatch(name):
        raise ValidationFailed(
            {"name": "use 2 to 40 lower-case letters, digits and underscores, starting with a letter"}
        )
    return name


def write_package(name: str, directory: Path) -> Path:
    """Write the package for plugin ``name`` into ``directory / name``; returns that folder.
    ValidationFailed when the name is not usable or the folder exists and is not empty."""
    check_name(name)
    root = directory / name
    if root.exists() and any(root.iterdir()):
        raise ValidationFailed({"dir": f"{root} exists and is not empty"})
    values = {
        "name": name,
        "dist": "salonkeep-" + name.replace("_", "-"),
        "title": name.replace("_", " ").capitalize(),
    }
    files = {
        "pyproject.toml": PYPROJECT,
        f"src/{name}/__init__.py": '"""{title}: a Salonkeep plugin."""\n',
        f"src/{name}/plugin.py": PLUGIN,
        "tests/conftest.py": CONFTEST,
        f"tests/test_{name}.py": TESTS,
        "README.md": README,
    }
    for relative, template in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**values), encoding="utf-8")
    return root
