"""The typed tenant settings: one reading of the tenant row's JSON (defaults, limits, bad stored
values), checked changes (every refused key named, nothing half-written), and no other module
reading that JSON by hand."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from salonkeep.tenants import scoped
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.tables import Tenant
from salonkeep.tenants.tenant_settings import (
    TenantSettings,
    load_tenant_settings,
    parse_settings,
    update_tenant_settings,
    validate_changes,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("raw", [None, "", "{}", "not json", "[1, 2]", {}])
def test_missing_or_unreadable_settings_read_as_the_defaults(raw):
    assert parse_settings(raw) == TenantSettings()
    assert parse_settings(raw).share_clients_chain_wide is False


def test_stored_values_are_read_with_their_types():
    stored = {
        "share_clients_chain_wide": True,
        "idle_lock_seconds": 2,  # below the form's 30: tests and demos set it in the row
        "require_totp_for_managers": "true",
        "retention_inactive_years": 0,
        "retention_auto_apply": False,
        "some_future_key": {"kept": True},
    }
    assert parse_settings(json.dumps(stored)) == TenantSettings(
        share_clients_chain_wide=True,
        idle_lock_seconds=2,
        require_totp_for_managers=True,
        retention_inactive_years=0,
        retention_auto_apply=False,
    )


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        ("share_clients_chain_wide", "sometimes"),
        ("share_clients_chain_wide", 1),
        ("share_clients_chain_wide", None),
        ("idle_lock_seconds", "soon"),
        ("idle_lock_seconds", 0),
        ("idle_lock_seconds", True),
        ("idle_lock_seconds", 1.5),
        ("retention_inactive_years", 500),
        ("retention_inactive_years", -1),
        ("require_totp_for_managers", [True]),
    ],
)
def test_a_bad_stored_value_reads_as_its_default(name, bad):
    """A hand-edited row never takes the tenant's pages down; a doubtful chain-wide sharing
    reads as off (the branch scope stays)."""
    assert getattr(parse_settings({name: bad}), name) == getattr(TenantSettings(), name)


def test_changes_are_checked_and_every_refused_key_is_named():
    assert validate_changes(
        {"idle_lock_seconds": "120", "share_clients_chain_wide": "on", "retention_auto_apply": False}
    ) == {"idle_lock_seconds": 120, "share_clients_chain_wide": True, "retention_auto_apply": False}
    with pytest.raises(ValidationFailed) as refused:
        validate_changes(
            {
                "idle_lock_seconds": "5",
                "share_clients_chain_wide": "perhaps",
                "retention_inactive_years": 101,
                "colour": "blue",
            }
        )
    assert set(refused.value.errors) == {
        "idle_lock_seconds",
        "share_clients_chain_wide",
        "retention_inactive_years",
        "colour",
    }
    assert "30" in refused.value.errors["idle_lock_seconds"]


async def test_update_merges_keeps_unknown_keys_and_writes_nothing_on_error(backend, tenant_a):
    tenant_id = tenant_a.ctx.tenant_id
    async with unit_of_work(tenant_a.ctx):  # the directory row is written as its own tenant
        await scoped.update_tenant({Tenant.settings: json.dumps({"some_future_key": 7})})
    changes = {"share_clients_chain_wide": True, "idle_lock_seconds": 90}
    saved = await update_tenant_settings(tenant_id, changes)
    assert saved == await load_tenant_settings(tenant_id)
    assert (saved.share_clients_chain_wide, saved.idle_lock_seconds) == (True, 90)
    with pytest.raises(ValidationFailed) as refused:
        await update_tenant_settings(tenant_id, {"idle_lock_seconds": 60, "retention_inactive_years": "x"})
    assert set(refused.value.errors) == {"retention_inactive_years"}
    row = await get_tenant(tenant_id)
    stored = row.settings if isinstance(row.settings, dict) else json.loads(row.settings)
    assert stored == {"some_future_key": 7, "share_clients_chain_wide": True, "idle_lock_seconds": 90}


def _sources() -> list[Path]:
    return [
        path
        for folder in ("core", "web", "plugins", "tenants", "workers")
        for path in (ROOT / folder).rglob("*.py")
        if "piccolo_migrations" not in path.parts
    ]


def test_only_the_typed_settings_read_the_tenant_settings_json():
    """One reading: no module but tenants/tenant_settings.py touches ``tenant.settings``."""
    owner = ROOT / "tenants" / "tenant_settings.py"
    by_hand = re.compile(r"(?<!`)\b[Tt]enant\.settings\b")  # (``tenant.settings`` in prose is fine)
    offenders = [
        str(path.relative_to(ROOT))
        for path in _sources()
        if path not in (owner, ROOT / "tenants" / "tables.py") and by_hand.search(path.read_text())
    ]
    assert offenders == []


def test_the_privacy_settings_are_typed_too():
    """Break-glass, alert thresholds, working hours and the re-consent mode: read with their
    types, a bad stored value reads as the default, a bad change is refused by name."""
    stored = {
        "break_glass_minutes": "15",
        "break_glass_disabled_roles": ["reception", "practitioner", "reception"],
        "reconsent_mode": "pause_marketing",
        "working_hours": "08:30-18:00",
        "alert_view_factor": "2.5",
        "alert_failed_sign_ins": 9,
    }
    settings = parse_settings(stored)
    assert (settings.break_glass_minutes, settings.break_glass_disabled_roles) == (
        15,
        ("practitioner", "reception"),
    )
    assert (settings.reconsent_mode, settings.alert_view_factor, settings.alert_failed_sign_ins) == (
        "pause_marketing",
        2.5,
        9,
    )
    assert (str(settings.working_from), str(settings.working_to)) == ("08:30:00", "18:00:00")
    bad = {
        "break_glass_minutes": 0,
        "break_glass_disabled_roles": ["janitor"],
        "reconsent_mode": "ask",
        "working_hours": "21:00-07:00",
        "alert_view_factor": 0.5,
        "alert_view_minimum": True,
        "alert_break_glass_count": "many",
        "alert_failed_sign_ins": None,
    }
    for name, value in bad.items():
        assert getattr(parse_settings({name: value}), name) == getattr(TenantSettings(), name), name
    with pytest.raises(ValidationFailed) as refused:
        validate_changes(bad)
    assert set(refused.value.errors) == set(bad)
    assert validate_changes({"break_glass_minutes": "240", "working_hours": "07:00-21:30"}) == {
        "break_glass_minutes": 240,
        "working_hours": "07:00-21:30",
    }
