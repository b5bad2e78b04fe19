"""Per-tenant programme enablement and settings (validated against each programme's schema)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from salonkeep.core import audit
from salonkeep.core.access import Action, require
from salonkeep.core.aftercare.tables import ProgrammeSetting
from salonkeep.core.plugins.api import Programme, SettingRefused
from salonkeep.core.plugins.manager import get_plugins
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.tenants.messages import code, codes, field_message


@dataclass(frozen=True)
class ProgrammeState:
    """A programme as a tenant runs it."""

    programme: Programme
    enabled: bool
    settings: dict[str, Any]


def _loads(raw: Any) -> dict[str, Any]:
    if isinstance(raw, str):
        return dict(json.loads(raw or "{}"))
    return dict(raw or {})


async def _rows() -> dict[str, ProgrammeSetting]:
    rows = await scoped.fetch(ProgrammeSetting)
    return {row.programme: row for row in rows}


def _merged(programme: Programme, stored: dict[str, Any]) -> dict[str, Any]:
    values = programme.defaults()
    schema = programme.schema()
    for key, value in stored.items():
        if key in schema:
            try:
                values[key] = schema[key].check(value)
            except ValueError:
                continue  # a setting the programme no longer accepts falls back to its default
    return values


async def tenant_programmes() -> list[ProgrammeState]:
    """Every installed programme with the current tenant's choice (call inside a unit of work)."""
    rows = await _rows()
    states = []
    for name, programme in sorted(get_plugins().programmes().items()):
        row = rows.get(name)
        enabled = row.enabled if row is not None else programme.enabled_by_default
        states.append(
            ProgrammeState(programme, enabled, _merged(programme, _loads(row.settings) if row else {}))
        )
    return states


async def enabled_settings() -> dict[str, dict[str, Any]]:
    """Settings of the current tenant's enabled programmes, by programme (inside a unit of work)."""
    return {s.programme.name: s.settings for s in await tenant_programmes() if s.enabled}


async def list_programmes() -> list[ProgrammeState]:
    """The current tenant's programmes."""
    ctx = current()
    require(ctx, Action.PROGRAMMES_MANAGE)
    async with unit_of_work(ctx):
        return await tenant_programmes()


def _programme(name: str) -> Programme:
    programme = get_plugins().programmes().get(name)
    if programme is None:
        raise NotFound(f"no programme called {name!r}")
    return programme


async def _save(name: str, enabled: bool | None, settings: dict[str, Any] | None) -> ProgrammeState:
    ctx = current()
    require(ctx, Action.PROGRAMMES_MANAGE)
    programme = _programme(name)
    async with unit_of_work(ctx):
        row = (await _rows()).get(name)
        if row is None:
            row = scoped.new(
                ProgrammeSetting, programme=name, enabled=programme.enabled_by_default, settings="{}"
            )
        was = {"enabled": row.enabled, **_merged(programme, _loads(row.settings))}
        if enabled is not None:
            row.enabled = enabled
        stored = _loads(row.settings)
        if settings is not None:
            stored.update(settings)
        row.settings = json.dumps(stored)
        row.updated_at = clock.now()
        await row.save()
        now = {"enabled": row.enabled, **_merged(programme, stored)}
        named = (["enabled"] if enabled is not None else []) + list(settings or {})
        await audit.record(
            audit.AuditAction.SETTINGS_CHANGE,
            subject="programme_settings",
            fields=[f"{name}.{key}" for key in named],
            changes=audit.changes_between(
                {k: was.get(k) for k in named}, {k: now.get(k) for k in named}, f"{name}."
            ),
        )
    return ProgrammeState(programme, row.enabled, _merged(programme, stored))


async def set_enabled(name: str, enabled: bool) -> ProgrammeState:
    """Switch a programme on or off for the current tenant (a disabled one plans nothing)."""
    return await _save(name, enabled, None)


async def set_setting(name: str, key: str, raw: str | Any) -> ProgrammeState:
    """Change one setting; ``raw`` text is parsed by the setting's type. ValidationFailed
    names the setting when the key is unknown or the value out of range."""
    programme = _programme(name)
    setting = programme.schema().get(key)
    if setting is None:
        raise ValidationFailed(
            {
                key: field_message(
                    "not a setting of {programme}; choose one of {choices}",
                    programme=code(name, "programme"),
                    choices=codes(programme.schema(), "setting"),
                )
            }
        )
    try:
        value = setting.parse(raw) if isinstance(raw, str) else setting.check(raw)
    except ValueError as exc:
        raise ValidationFailed(
            {key: exc.message if isinstance(exc, SettingRefused) else "is not valid"}
        ) from None
    return await _save(name, None, {key: value})
