"""The tenant's cancellation rules: the notice a client must give (hours before the start;
a later cancellation is recorded as late) and the gesture the salon offers when it cancels.

Both are tenant settings (``late_cancel_notice_hours``, ``salon_cancel_gesture``), read from
:mod:`salonkeep.tenants.tenant_settings` and changed only through
:mod:`salonkeep.core.tenant_config` (checked and audited there).
"""

from __future__ import annotations

from dataclasses import dataclass

from salonkeep.core.access import Action, require
from salonkeep.core.tenant_config import change_settings
from salonkeep.tenants.context import current
from salonkeep.tenants.tenant_settings import load_tenant_settings


@dataclass(frozen=True)
class CancellationPolicy:
    """Hours of notice a client gives (0: any cancellation is in time) and the salon's gesture."""

    notice_hours: int
    salon_gesture: str


async def cancellation_policy() -> CancellationPolicy:
    """The current tenant's cancellation rules."""
    settings = await load_tenant_settings(current().tenant_id)
    return CancellationPolicy(settings.late_cancel_notice_hours, settings.salon_cancel_gesture)


async def change_cancellation_policy(notice_hours: object, salon_gesture: object) -> CancellationPolicy:
    """Change the cancellation rules (owners: settings administration). ``ValidationFailed``
    names ``late_cancel_notice_hours`` (0 to 720) or ``salon_cancel_gesture`` (at most 300
    characters); nothing is written then."""
    ctx = current()
    require(ctx, Action.SETTINGS_MANAGE)
    saved = await change_settings(
        {"late_cancel_notice_hours": notice_hours, "salon_cancel_gesture": salon_gesture}, ctx
    )
    return CancellationPolicy(saved.late_cancel_notice_hours, saved.salon_cancel_gesture)
