"""The satisfaction survey's settings as the owner changes them on the settings page.

Two tenant settings drive the survey (:mod:`salonkeep.core.complaints.survey`):
``survey_after_hours`` (hours after the day's last visit that the invitation goes out; 0:
no surveys) and ``survey_low_score`` (a score at or below it opens a complaint; 0: never).
The questions themselves (a score from 1 to 5 and a comment) are fixed.
"""

from __future__ import annotations

from dataclasses import dataclass

from salonkeep.core.access import Action, require
from salonkeep.core.tenant_config import change_settings
from salonkeep.tenants.context import current
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.tenant_settings import DEFAULTS, INT_LIMITS, load_tenant_settings

#: The longest delay the form accepts, in hours.
MAX_HOURS = INT_LIMITS["survey_after_hours"].write[1]
#: The highest score that may open a complaint.
MAX_LOW_SCORE = INT_LIMITS["survey_low_score"].write[1]


@dataclass(frozen=True)
class SurveySettings:
    """Whether surveys go out, how long after the visit, and which scores open a complaint."""

    send: bool
    after_hours: int
    low_score: int


async def survey_settings() -> SurveySettings:
    """The current tenant's survey settings (a tenant that turned surveys off is shown the
    default delay, for when it turns them on again)."""
    settings = await load_tenant_settings(current().tenant_id)
    hours = settings.survey_after_hours
    return SurveySettings(
        send=hours > 0, after_hours=hours or DEFAULTS.survey_after_hours, low_score=settings.survey_low_score
    )


def _whole(raw: object, low: int, high: int) -> int | None:
    text = str(raw if raw is not None else "").strip()
    if not text.isdigit() or len(text) > 4:
        return None
    value = int(text)
    return value if low <= value <= high else None


async def update_survey_settings(send: bool, after_hours: object, low_score: object) -> SurveySettings:
    """Change the survey settings (owner; all or nothing, each refused value named:
    ``survey_after_hours`` 1 to 720 when surveys are sent, ``survey_low_score`` 0 to 4)."""
    ctx = current()
    require(ctx, Action.SETTINGS_MANAGE)
    errors: dict[str, str] = {}
    hours = _whole(after_hours, 1, MAX_HOURS)
    if send and hours is None:
        errors["survey_after_hours"] = "give 1 to 720 hours"
    score = _whole(low_score, 0, MAX_LOW_SCORE)
    if score is None:
        errors["survey_low_score"] = "choose a score from 0 to 4"
    if errors:
        raise ValidationFailed(errors)
    assert score is not None
    await change_settings(
        {"survey_after_hours": hours if send and hours else 0, "survey_low_score": score}, ctx
    )
    return await survey_settings()
