"""Changes to who may do what, and to how the tenant works, are on the audit trail: staff
accounts (invited, re-roled, re-branched, deactivated) and every kind of tenant setting (the
typed settings, delivery, message templates, programmes), each with who changed what (names,
never values), committed with the change. A refused change leaves no row. SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from salonkeep.core import staff as staff_service
from salonkeep.core.aftercare import programmes
from salonkeep.core.audit.tables import AuditEvent
from salonkeep.core.delivery.config import update_tenant_delivery
from salonkeep.core.privacy import break_glass, retention
from salonkeep.core.tenant_config import change_section
from salonkeep.tenants import scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.onboarding import add_staff

ROOT = Path(__file__).resolve().parents[2]
#: Only these may write a tenant's settings; everything else goes through core.tenant_config.
SETTINGS_WRITERS = {"core/tenant_config.py", "tenants/tenant_settings.py"}


def _owner(world: Any) -> Any:
    return dataclasses.replace(world.ctx, role="owner", actor_id=world.owner_id, actor_label="the owner")


async def _colleague(world: Any) -> Any:
    with tenant_scope(world.ctx):
        member, _ = await add_staff(
            email=f"pia@{world.slug}.example",
            name="Pia",
            role="practitioner",
            branch_names=["Main street"],
            password="Str0ng-Passw0rd",
        )
    return member.id


Change = Callable[[Any, Any], Awaitable[Any]]
#: (name, the change, the audit action, the subject, a field it must name)
CHANGES: list[tuple[str, Change, str, str, str]] = [
    (
        "invite",
        lambda world, _: staff_service.invite("new@example.com", "New", "reception", ["Main street"]),
        "staff.change",
        "staff",
        "invited",
    ),
    (
        "change_role",
        lambda _, who: staff_service.change_role(who, "reception"),
        "staff.change",
        "staff",
        "role",
    ),
    (
        "change_branches",
        lambda _, who: staff_service.change_branches(who, ["Main street"]),
        "staff.change",
        "staff",
        "branches",
    ),
    ("deactivate", lambda _, who: staff_service.set_active(who, False), "staff.change", "staff", "active"),
    (
        "security_settings",
        lambda *_: staff_service.update_security_settings({"idle_lock_seconds": 600}),
        "settings.change",
        "tenant_settings",
        "idle_lock_seconds",
    ),
    (
        "break_glass",
        lambda *_: break_glass.update_break_glass_settings(20, ["reception"]),
        "settings.change",
        "tenant_settings",
        "break_glass_minutes",
    ),
    (
        "retention",
        lambda *_: retention.set_retention_policy(7),
        "settings.change",
        "tenant_settings",
        "retention_inactive_years",
    ),
    (
        "delivery",
        lambda world, _: update_tenant_delivery(world.ctx.tenant_id, {"sms_per_minute": 5}),
        "settings.change",
        "tenant_settings",
        "delivery.sms_per_minute",
    ),
    (
        "message_template",
        lambda *_: change_section(
            "message_templates", lambda own: {**own, "greetings/birthday": {"en": "Hi"}}
        ),
        "settings.change",
        "tenant_settings",
        "message_templates.greetings/birthday",
    ),
    (
        "programme",
        lambda *_: programmes.set_enabled("follow_up_137", False),
        "settings.change",
        "programme_settings",
        "follow_up_137.enabled",
    ),
]


async def _rows(world: Any, action: str) -> list[AuditEvent]:
    async with unit_of_work(world.ctx):
        return await scoped.objects(AuditEvent).where(AuditEvent.action == action)


@pytest.mark.parametrize(
    ("name", "change", "action", "subject", "field"), CHANGES, ids=[c[0] for c in CHANGES]
)
async def test_every_administrative_change_is_audited(tenant_a, name, change, action, subject, field):
    colleague = await _colleague(tenant_a)
    before = len(await _rows(tenant_a, action))
    with tenant_scope(_owner(tenant_a)):
        await change(tenant_a, colleague)
    rows = await _rows(tenant_a, action)
    assert len(rows) == before + 1, name
    (row,) = [r for r in rows if r.actor_id == tenant_a.owner_id]
    assert (row.subject, row.actor_label, row.role) == (subject, "the owner", "owner")
    assert field in row.fields.split(",")
    if subject == "staff" and name != "invite":
        assert row.subject_id == colleague


async def test_a_refused_change_leaves_no_audit_row(tenant_a):
    with tenant_scope(_owner(tenant_a)), pytest.raises(ValidationFailed):
        await staff_service.update_security_settings(
            {"idle_lock_seconds": 600, "share_clients_chain_wide": "maybe"}
        )
    assert await _rows(tenant_a, "settings.change") == []


def test_only_the_settings_module_writes_tenant_settings():
    """The class of "a settings change nobody audited": a writer outside core.tenant_config."""
    writer = re.compile(r"\b(update_tenant_settings|store_raw_settings)\(")
    found = []
    for folder in ("core", "web", "workers", "plugins", "tenants"):
        for path in (ROOT / folder).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative in SETTINGS_WRITERS:
                continue
            if any(
                writer.search(line) and not line.lstrip().startswith("def ")
                for line in path.read_text().splitlines()
            ):
                found.append(relative)
    assert found == []
