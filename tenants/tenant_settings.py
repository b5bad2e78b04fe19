"""The tenant's own settings (the ``settings`` JSON of its row in the tenant directory), typed.

:class:`TenantSettings` is the one reading of that JSON: every key with its type, default and
limits. Read it with :func:`settings_of` (a tenant row) or :func:`load_tenant_settings` (an
id); change it with :func:`update_tenant_settings`, which checks every value first and raises
:class:`ValidationFailed` naming each refused key (the admin form shows these as a 422).

Reading never fails: a stored value of the wrong type or out of its limits (written by hand,
or by an older version) reads as the default, so a bad row cannot take a tenant's pages down,
and a doubtful ``share_clients_chain_wide`` reads as ``False`` (branch scope kept: fail closed).
Keys unknown to this version are kept as they are when the settings are written.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import time
from typing import Any
from uuid import UUID

from salonkeep.tenants import scoped
from salonkeep.tenants.context import TenantContext
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.messages import codes, field_message
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.tables import ROLES, Tenant

_TRUE = frozenset({"true", "1", "on", "yes"})
_FALSE = frozenset({"false", "0", "off", "no", ""})


@dataclass(frozen=True)
class Limits:
    """What a whole-number setting accepts: ``read`` when stored, ``write`` when changed."""

    read: tuple[int, int]
    write: tuple[int, int]


#: Bounds of the whole-number settings. The stored idle-lock time may be below the form's 30
#: seconds (tests and demos set a few seconds straight in the row).
INT_LIMITS: dict[str, Limits] = {
    "idle_lock_seconds": Limits(read=(1, 86_400), write=(30, 3600)),
    "retention_inactive_years": Limits(read=(0, 100), write=(0, 100)),
    "break_glass_minutes": Limits(read=(1, 240), write=(1, 240)),
    "alert_view_minimum": Limits(read=(1, 100_000), write=(1, 100_000)),
    "alert_break_glass_count": Limits(read=(1, 1000), write=(1, 1000)),
    "alert_failed_sign_ins": Limits(read=(1, 1000), write=(1, 1000)),
    "reminder_days": Limits(read=(1, 365), write=(1, 365)),
    "complaint_first_contact_hours": Limits(read=(1, 720), write=(1, 720)),
    "complaint_reminder_hours": Limits(read=(0, 720), write=(0, 720)),
    "complaint_owner_hours": Limits(read=(1, 8760), write=(1, 8760)),
    "late_cancel_notice_hours": Limits(read=(0, 720), write=(0, 720)),
    "survey_after_hours": Limits(read=(0, 720), write=(0, 720)),
    "survey_low_score": Limits(read=(0, 4), write=(0, 4)),
}
#: Bounds of the decimal settings (read and written alike).
FLOAT_LIMITS: dict[str, tuple[float, float]] = {
    "alert_view_factor": (1.0, 100.0),
}
#: What the ``reconsent_mode`` setting accepts.
RECONSENT_MODES = ("keep", "pause_marketing")


@dataclass(frozen=True)
class TenantSettings:
    """A tenant's settings, each with its default."""

    #: Branch-scoped roles see every branch's clients (else only their own branches').
    share_clients_chain_wide: bool = False
    #: Seconds of inactivity before a staff screen locks.
    idle_lock_seconds: int = 300
    #: Owners and branch managers must use a second factor (TOTP).
    require_totp_for_managers: bool = False
    #: Clients inactive this many years are erased by the retention run (0: never).
    retention_inactive_years: int = 6
    #: The retention run erases on its own (else it only reports).
    retention_auto_apply: bool = False
    #: Minutes a break-glass access to a client's health fields lasts.
    break_glass_minutes: int = 30
    #: Roles that may not break the glass at all (the owner's off switch per role).
    break_glass_disabled_roles: tuple[str, ...] = ()
    #: What the consent gate does with a grant given under a wording changed since:
    #: ``keep`` (it holds until confirmed) or ``pause_marketing``.
    reconsent_mode: str = "keep"
    #: The daily worker job sends the re-consent request to every client with a grant to
    #: confirm (else only the privacy officer sends it, from their screen).
    reconsent_auto_request: bool = False
    #: The confidentiality agreement's current version: staff who have not signed it (this or
    #: any version) see no client data until they sign.
    confidentiality_version: str = "1"
    #: Days before a privacy training's renewal date, or a partner's review date, that the
    #: reminder goes out.
    reminder_days: int = 30
    #: The tenant's working hours (``HH:MM-HH:MM``, its time zone): bulk reads outside raise
    #: an unusual-access alert.
    working_hours: str = "07:00-21:00"
    #: A person viewing more than this many times their own daily baseline raises an alert...
    alert_view_factor: float = 3.0
    #: ... when it is also at least this many clients.
    alert_view_minimum: int = 30
    #: Break-glass openings by one person within 7 days that raise an alert.
    alert_break_glass_count: int = 3
    #: Failed sign-ins for one account within a day that raise an alert.
    alert_failed_sign_ins: int = 5
    #: Hours within which a complaint's client is first contacted (the first-contact deadline).
    complaint_first_contact_hours: int = 24
    #: Hours before that deadline the assignee (or the branch) is reminded.
    complaint_reminder_hours: int = 4
    #: Hours a complaint may stay open before the owner hears of it.
    complaint_owner_hours: int = 72
    #: A cancellation by the client fewer than this many hours before the appointment is late
    #: (recorded and shown; 0: never late).
    late_cancel_notice_hours: int = 24
    #: What the salon offers the client when it cancels (e.g. "15 % off the next visit"),
    #: recorded on the appointment and shown to staff; empty: nothing.
    salon_cancel_gesture: str = ""
    #: Hours after a visit that the satisfaction survey goes out (0: no surveys).
    survey_after_hours: int = 2
    #: A survey score at or below this opens a complaint for the branch manager (0: never).
    survey_low_score: int = 2

    @property
    def working_from(self) -> time:
        """Start of the working hours."""
        return time.fromisoformat(self.working_hours.split("-")[0])

    @property
    def working_to(self) -> time:
        """End of the working hours."""
        return time.fromisoformat(self.working_hours.split("-")[1])


DEFAULTS = TenantSettings()
#: Every key of the settings JSON this version knows, with its type.
FIELDS: dict[str, type] = {
    f.name: type(getattr(DEFAULTS, f.name)) for f in dataclasses.fields(TenantSettings)
}


def _as_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    return None


def _as_int(value: object, bounds: tuple[int, int]) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and bounds[0] <= value <= bounds[1]:
        return value
    return None


def _as_float(value: object, bounds: tuple[float, float]) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if isinstance(value, int | float) and bounds[0] <= value <= bounds[1]:
        return float(value)
    return None


def _as_roles(value: object) -> tuple[str, ...] | None:
    if not isinstance(value, list | tuple):
        return None
    if not all(isinstance(role, str) and role in ROLES for role in value):
        return None
    return tuple(sorted(set(value)))


def _as_reconsent_mode(value: object) -> str | None:
    return value if isinstance(value, str) and value in RECONSENT_MODES else None


def _as_version(value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not 1 <= len(value.strip()) <= 32:
        return None
    return value.strip()


def _as_gesture(value: object) -> str | None:
    if not isinstance(value, str) or len(value.strip()) > 300:
        return None
    return value.strip()


def _as_working_hours(value: object) -> str | None:
    if not isinstance(value, str) or value.count("-") != 1:
        return None
    start, end = (part.strip() for part in value.split("-"))
    try:
        opens, closes = time.fromisoformat(start), time.fromisoformat(end)
    except ValueError:
        return None
    if len(start) != 5 or len(end) != 5 or opens >= closes:
        return None
    return f"{start}-{end}"


#: The text and list settings: each one's reader (``None`` when refused) and its message.
CHECKERS: dict[str, tuple[Callable[[object], object | None], str]] = {
    "break_glass_disabled_roles": (
        _as_roles,
        field_message("choose among {choices}", choices=codes(ROLES, "role")),
    ),
    "reconsent_mode": (
        _as_reconsent_mode,
        field_message("choose one of {choices}", choices=codes(RECONSENT_MODES, "reconsent_mode")),
    ),
    "working_hours": (_as_working_hours, "use HH:MM-HH:MM, the start before the end"),
    "confidentiality_version": (_as_version, "give a version of 1 to 32 characters"),
    "salon_cancel_gesture": (_as_gesture, "use at most 300 characters"),
}


def _checked(name: str, value: object, *, writing: bool) -> object | None:
    """``value`` as setting ``name`` holds it, or ``None`` when refused."""
    if name in CHECKERS:
        return CHECKERS[name][0](value)
    if FIELDS[name] is bool:
        return _as_bool(value)
    if FIELDS[name] is float:
        return _as_float(value, FLOAT_LIMITS[name])
    limits = INT_LIMITS[name]
    return _as_int(value, limits.write if writing else limits.read)


def _message(name: str) -> str:
    if name in CHECKERS:
        return CHECKERS[name][1]
    if FIELDS[name] is bool:
        return "must be true or false"
    if FIELDS[name] is float:
        low_f, high_f = FLOAT_LIMITS[name]
        return field_message("use a number from {low} to {high}", low=f"{low_f:g}", high=f"{high_f:g}")
    low, high = INT_LIMITS[name].write
    return field_message("use a whole number from {low} to {high}", low=low, high=high)


def _raw(settings_json: object) -> dict[str, Any]:
    if isinstance(settings_json, Mapping):
        return dict(settings_json)
    try:
        loaded = json.loads(str(settings_json or "{}"))
    except ValueError:
        return {}
    return dict(loaded) if isinstance(loaded, dict) else {}


@functools.lru_cache(maxsize=1024)
def _parse_text(text: str) -> TenantSettings:
    raw = _raw(text)
    values: dict[str, Any] = {}
    for name in FIELDS:
        if name in raw:
            checked = _checked(name, raw[name], writing=False)
            if checked is not None:
                values[name] = checked
    return TenantSettings(**values)


def parse_settings(settings_json: object) -> TenantSettings:
    """The typed settings of a tenant row's ``settings`` value (JSON text or a dict)."""
    if isinstance(settings_json, Mapping):
        settings_json = json.dumps(settings_json, sort_keys=True, default=str)
    return _parse_text(str(settings_json or "{}"))


def settings_of(tenant: Tenant) -> TenantSettings:
    """The typed settings of ``tenant``."""
    return parse_settings(tenant.settings)


async def load_tenant_settings(tenant_id: UUID) -> TenantSettings:
    """The typed settings of the tenant ``tenant_id`` (its row read once per read request)."""
    return settings_of(await get_tenant(tenant_id))


def validate_changes(changes: Mapping[str, object]) -> dict[str, object]:
    """``changes`` as stored values; raises ValidationFailed naming every refused key."""
    errors: dict[str, str] = {}
    clean: dict[str, object] = {}
    for name, value in changes.items():
        if name not in FIELDS:
            errors[name] = "is not a tenant setting"
            continue
        checked = _checked(name, value, writing=True)
        if checked is None:
            errors[name] = _message(name)
        else:
            clean[name] = checked
    if errors:
        raise ValidationFailed(errors)
    return clean


async def update_tenant_settings(tenant_id: UUID, changes: Mapping[str, object]) -> TenantSettings:
    """Check ``changes`` (all or nothing) and merge them into the tenant's settings JSON, in a
    unit of work of that tenant (the directory row is under row-level security)."""
    clean = validate_changes(changes)
    async with unit_of_work(TenantContext(tenant_id=tenant_id, actor_label="tenant settings")):
        row = await Tenant.select(Tenant.settings).where(Tenant.id == scoped.tenant_id()).first()
        merged = {**_raw(row["settings"] if row else None), **clean}
        await store_raw_settings(merged)
    return parse_settings(merged)


def raw_settings(tenant: Tenant) -> dict[str, Any]:
    """The whole settings JSON as a dict, for the sections that have parsers of their own
    (``delivery``, ``message_templates``); the keys of :class:`TenantSettings` are read with
    :func:`settings_of` only."""
    return _raw(tenant.settings)


async def store_raw_settings(settings: Mapping[str, Any]) -> None:
    """Write the whole settings JSON back to the current tenant's directory row (a section
    changed by its own parser, which checked it), through :func:`scoped.update_tenant`: call it
    inside that tenant's unit of work."""
    await scoped.update_tenant({Tenant.settings: json.dumps(dict(settings))})
