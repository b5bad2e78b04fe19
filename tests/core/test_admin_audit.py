"""Changes to who may do what, and to how the tenant works, are on the audit trail: staff
accounts (invited, re-roled, re-branched, deactivated) and every kind of tenant setting (the
typed settings, delivery, message templates, programmes), each with who changed what (names,
never values), committed with the change. A refused change leaves no row. SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from salonkeep.core import account, audit
from salonkeep.core import staff as staff_service
from salonkeep.core.aftercare import programmes
from salonkeep.core.apikeys import service as apikeys
from salonkeep.core.audit import chain
from salonkeep.core.audit.tables import AuditEvent
from salonkeep.core.delivery.config import update_tenant_delivery
from salonkeep.core.privacy import break_glass, retention
from salonkeep.core.tenant_config import change_section
from salonkeep.tenants import scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.onboarding import add_staff

from .privacy_helpers import owner_sql

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


async def _changes(world: Any, action: str) -> list[dict[str, Any]]:
    return [json.loads(row.changes) for row in await _rows(world, action)]


async def test_settings_and_staff_changes_keep_their_values_before_and_after(tenant_a):
    colleague = await _colleague(tenant_a)
    with tenant_scope(_owner(tenant_a)):
        await staff_service.update_security_settings(
            {"idle_lock_seconds": 600, "share_clients_chain_wide": True}
        )
        await staff_service.update_security_settings({"idle_lock_seconds": 600})  # no change: no row
        await staff_service.change_role(colleague, "reception")
        with pytest.raises(ValidationFailed):
            await staff_service.change_branches(colleague, [])  # refused: no row
    assert await _changes(tenant_a, "settings.change") == [
        [
            {"field": "idle_lock_seconds", "from": 300, "to": 600},
            {"field": "share_clients_chain_wide", "from": False, "to": True},
        ]
    ]
    assert await _changes(tenant_a, "staff.change") == [
        [{"field": "role", "from": "practitioner", "to": "reception"}]
    ]


async def test_a_secret_is_named_never_kept():
    assert audit.is_secret("delivery.smtp_password") and audit.is_secret("api_key") and audit.is_secret("pin")
    assert not audit.is_secret("idle_lock_seconds") and not audit.is_secret(
        "message_templates.greetings/birthday"
    )
    assert audit.field_change("delivery.smtp_password", "old", "new") is None
    kept = audit.changes_between(
        {"sender_name": "A", "api_token": "x"}, {"sender_name": "B", "api_token": "y"}
    )
    assert kept == [audit.FieldChange("sender_name", "A", "B")]


async def test_own_account_changes_are_audited_without_their_secrets(tenant_a):
    colleague = await _colleague(tenant_a)
    me = dataclasses.replace(tenant_a.ctx, role="practitioner", actor_id=colleague, actor_label="Pia")
    with tenant_scope(me):
        await account.set_pin("4827")
        await account.change_password("Str0ng-Passw0rd", "An0ther-Passw0rd")
        with pytest.raises(ValidationFailed):
            await account.change_password("wrong", "Y3t-An0ther-Passw0rd")
        with pytest.raises(ValidationFailed):
            await account.set_pin("1111")
        await account.set_locale("fi")
    rows = await _rows(tenant_a, "account.change")
    assert sorted(r.fields for r in rows) == ["locale", "password", "pin"]
    assert all(r.subject_id == colleague and r.actor_label == "Pia" for r in rows)
    dump = " ".join(f"{r.fields} {r.reason} {r.changes}" for r in rows)
    assert "4827" not in dump and "Passw0rd" not in dump
    (language,) = [r for r in rows if r.fields == "locale"]
    assert json.loads(language.changes) == [{"field": "locale", "from": None, "to": "fi"}]


async def test_api_keys_are_audited_when_made_and_revoked(tenant_a):
    with tenant_scope(_owner(tenant_a)):
        key, secret = await apikeys.create_api_key("Booking site", "owner")
        await apikeys.revoke_api_key(key.id)
        await apikeys.revoke_api_key(key.id)  # revoking twice changes nothing: no second row
    (made,) = await _rows(tenant_a, "api_key.create")
    (revoked,) = await _rows(tenant_a, "api_key.revoke")
    assert made.subject_id == revoked.subject_id == key.id
    assert {c["field"]: c["to"] for c in json.loads(made.changes)} == {
        "name": "Booking site",
        "role": "owner",
        "prefix": key.prefix,
    }
    assert secret.rsplit("_", 1)[-1] not in made.changes + made.reason


#: Direct SQL edits of a sealed settings-change link, as the table owner.
EDITS = {
    "value rewritten": "update audit_event set changes = replace(changes, '600', '900') "
    "where action = 'settings.change'",
    "values blanked": "update audit_event set changes = '' where action = 'settings.change'",
    "values given to a row that had none": "update audit_event set changes = "
    '\'[{"field":"role","from":null,"to":"owner"}]\' where action = \'tenant_backup\'',
}


@pytest.mark.parametrize("edit", EDITS)
async def test_the_chain_holds_these_events_and_catches_an_edit_of_one(backend, tenant_a, edit):
    colleague = await _colleague(tenant_a)
    with tenant_scope(_owner(tenant_a)):
        await audit.record("tenant_backup", subject="tenant")  # an event without values
        await staff_service.change_role(colleague, "reception")
    await chain.seal(backend.settings, tenant_a.ctx.tenant_id)
    with tenant_scope(_owner(tenant_a)):
        await staff_service.update_security_settings({"idle_lock_seconds": 600})
    report = await chain.seal(backend.settings, tenant_a.ctx.tenant_id)
    assert not report.refused
    whole = await chain.verify(backend.settings, tenant_a.ctx.tenant_id)
    assert whole.ok and whole.signed_seq == whole.rows >= 2, whole.problem
    (staff_row,) = await _rows(tenant_a, "staff.change")
    assert staff_row.seq is not None and staff_row.changes  # sealed with its values
    await owner_sql(backend, tenant_a.ctx.tenant_id, EDITS[edit])
    broken = await chain.verify(backend.settings, tenant_a.ctx.tenant_id)
    assert not broken.ok and broken.broken_seq is not None, edit
    assert "does not match its hash" in broken.problem or "differs" in broken.problem
