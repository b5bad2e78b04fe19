# ruff: noqa: RUF001 - texts in Chinese and Russian too (full-width punctuation, Cyrillic)
"""Referrals: a member refers a guest; the guest's first visit thanks the referrer with a task
for staff and, when the referrer consented to marketing e-mail, a thank-you message."""

from __future__ import annotations

from pathlib import Path

from salonkeep.core.plugins.api import (
    N_,
    DomainEvent,
    Plan,
    Planned,
    PlannedMessage,
    PlannedTask,
    Programme,
    ReferralRecorded,
    ServicePerformed,
    hookimpl,
)

NAME = "referrals"
PROGRAMME = Programme(
    name=NAME,
    title=N_("Referral thanks"),
    description=N_("Thank the member whose referred guest came for a first visit."),
    marketing_purposes=("marketing_email",),
)


TASK_TITLE = {
    "en": "Thank {referrer} for referring {guest}",
    "zh": "感谢{referrer}介绍{guest}",
    "ru": "Поблагодарите {referrer} за рекомендацию ({guest})",
    "fi": "Kiitä asiakasta {referrer} suosittelusta ({guest})",
}
TASK_BODY = {
    "en": "Call or greet the member in person; note the referral reward if any.",
    "zh": "致电或当面感谢这位会员；如有推荐奖励，请记录。",
    "ru": "Позвоните клиенту или поблагодарите лично; отметьте бонус за рекомендацию, если он есть.",
    "fi": "Soita jäsenelle tai kiitä häntä henkilökohtaisesti; kirjaa mahdollinen suosittelupalkkio.",
}
MESSAGE_TITLE = {
    "en": "Thank you for your referral",
    "zh": "感谢您的推荐",
    "ru": "Спасибо за рекомендацию",
    "fi": "Kiitos suosittelusta",
}
MESSAGE_BODY = {
    "en": "Dear {referrer}, thank you for recommending us to {guest}!",
    "zh": "亲爱的{referrer}，感谢您把我们推荐给{guest}！",
    "ru": "Здравствуйте, {referrer}! Спасибо, что порекомендовали нас: {guest}!",
    "fi": "Hyvä {referrer}, kiitos, että suosittelit meitä: {guest}!",
}


@hookimpl
def salonkeep_programmes() -> list[Programme]:
    """The referral programme."""
    return [PROGRAMME]


@hookimpl
async def salonkeep_event(event: DomainEvent, plan: Plan) -> list[Planned]:
    """On the guest's first visit (or when the referral is recorded after it), thank the referrer."""
    if not plan.enabled(NAME):
        return []
    if isinstance(event, ServicePerformed):
        if not event.first_visit:
            return []
    elif isinstance(event, ReferralRecorded):
        if not await plan.visits():
            return []
    else:
        return []
    referrer = await plan.referrer()
    if referrer is None:
        return []
    guest = plan.client
    names = {"referrer": referrer.first_name, "guest": guest.first_name}
    # The thank-you reaches the referrer: in their language, else the tenant's.
    language = referrer.preferred_locale or plan.locale
    return [
        PlannedTask(
            programme=NAME,
            key=f"guest:{guest.id}:thank-task",
            due_at=plan.day(event.occurred_at, 1, NAME),
            title=plan.text(TASK_TITLE, **names),
            body=plan.text(TASK_BODY),
            client_id=referrer.id,
        ),
        PlannedMessage(
            programme=NAME,
            key=f"guest:{guest.id}:thank-message",
            due_at=plan.day(event.occurred_at, 1, NAME),
            title=plan.text_in(language, MESSAGE_TITLE),
            body=plan.text_in(language, MESSAGE_BODY, **names),
            purpose="marketing_email",
            client_id=referrer.id,
            template=f"{NAME}/thank_you",
            template_vars={"guest": guest.first_name},
        ),
    ]


@hookimpl
def salonkeep_translation_dirs() -> list[str]:
    """The translations of the programmes' titles, descriptions and settings (``locale/``)."""
    return [str(Path(__file__).parent / "locale")]
