# ruff: noqa: RUF001 - texts in Chinese and Russian too (full-width punctuation, Cyrillic)
"""Service guarantee: a client dissatisfied with a service may report it within 3 days
(setting; some salons give 7) for a free correction. The report opens a task; so does staff
deciding that a complaint is covered by the guarantee (the free correction, once).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from salonkeep.core.plugins.api import (
    N_,
    ComplaintCovered,
    ComplaintReceived,
    DomainEvent,
    Plan,
    Planned,
    PlannedTask,
    Programme,
    Setting,
    hookimpl,
)

NAME = "service_guarantee"
PROGRAMME = Programme(
    name=NAME,
    title=N_("Service guarantee"),
    description=N_("Dissatisfaction reported within a few days of a service: a free correction."),
    settings=(
        Setting(
            "report_within_days",
            "int",
            3,
            N_("Days after the service a report is accepted."),
            1,
            30,
            label=N_("Report within (days)"),
        ),
    ),
)
#: The complaint channels (codes of the complaint form) as staff read them.
CHANNELS = {
    "in_store": {"en": "in the salon", "zh": "到店", "ru": "в салоне", "fi": "salongissa"},
    "phone": {"en": "phone", "zh": "电话", "ru": "по телефону", "fi": "puhelimitse"},
    "email": {"en": "e-mail", "zh": "电子邮件", "ru": "по электронной почте", "fi": "sähköpostitse"},
    "social_media": {"en": "social media", "zh": "社交媒体", "ru": "в соцсетях", "fi": "somessa"},
    "website": {"en": "the website", "zh": "网站", "ru": "через сайт", "fi": "verkkosivuilla"},
}
CORRECTION_TITLE = {
    "en": "Free correction of {what}",
    "zh": "免费修整：{what}",
    "ru": "Бесплатная коррекция: {what}",
    "fi": "Maksuton korjaus: {what}",
}
CORRECTION_BODY = {
    "en": "Reported via {channel}: {reason}. Book the correction free of charge.",
    "zh": "反馈渠道：{channel}；原因：{reason}。请为客户免费预约修整。",
    "ru": "Сообщено ({channel}): {reason}. Запишите клиента на бесплатную коррекцию.",
    "fi": "Ilmoitettu ({channel}): {reason}. Varaa korjaus maksutta.",
}
OUTSIDE_TITLE = {
    "en": "Complaint about {item} outside the {days}-day guarantee",
    "zh": "关于{item}的投诉已超出{days}天保障期",
    "ru": "Жалоба на «{item}» после {days}-дневной гарантии",
    "fi": "Valitus hoidosta {item} {days} päivän takuun jälkeen",
}
OUTSIDE_BODY = {
    "en": "Reported via {channel}: {reason}. Explain the terms patiently; follow the complaint process.",
    "zh": "反馈渠道：{channel}；原因：{reason}。耐心解释保障条款，并按投诉流程处理。",
    "ru": (
        "Сообщено ({channel}): {reason}. Терпеливо объясните условия; действуйте по порядку "
        "работы с жалобами."
    ),
    "fi": (
        "Ilmoitettu ({channel}): {reason}. Kerro ehdot kärsivällisesti ja toimi valitusten "
        "käsittelyohjeen mukaan."
    ),
}
COVERED_BODY = {
    "en": "Covered by the service guarantee: {reason}. Book the correction free of charge.",
    "zh": "属于服务保障范围：{reason}。请为客户免费预约修整。",
    "ru": "Покрывается гарантией на услуги: {reason}. Запишите клиента на бесплатную коррекцию.",
    "fi": "Palvelutakuu kattaa: {reason}. Varaa korjaus maksutta.",
}


def _channel(plan: Plan, code: str) -> str:
    """A complaint channel in the plan's language (an unknown one as it is)."""
    return plan.text(CHANNELS[code]) if code in CHANNELS else code


@hookimpl
def salonkeep_programmes() -> list[Programme]:
    """The service guarantee programme."""
    return [PROGRAMME]


@hookimpl
async def salonkeep_event(event: DomainEvent, plan: Plan) -> list[Planned]:
    """A complaint within the guarantee period of the latest service opens a correction task;
    a later one a task to explain the terms."""
    if isinstance(event, ComplaintCovered):
        return await _covered(event, plan)
    if not isinstance(event, ComplaintReceived) or not plan.enabled(NAME):
        return []
    window = int(plan.settings(NAME)["report_within_days"])
    services = [v for v in await plan.visits() if plan.local_date(v.performed_at) <= event.received_on]
    if not services:
        return []
    latest = services[-1]
    done_on = plan.local_date(latest.performed_at)
    within = event.received_on - done_on <= timedelta(days=window)
    channel = _channel(plan, event.channel)
    if within:
        title = plan.text(CORRECTION_TITLE, what=f"{latest.service} ({plan.format_date(done_on)})")
        body = plan.text(CORRECTION_BODY, channel=channel, reason=event.reason)
    else:
        title = plan.text(OUTSIDE_TITLE, item=latest.service, days=window)
        body = plan.text(OUTSIDE_BODY, channel=channel, reason=event.reason)
    return [
        PlannedTask(
            programme=NAME,
            key=f"complaint:{event.complaint_id}",
            due_at=plan.now,
            title=title,
            body=body,
            urgency="urgent" if within else "normal",
            assigned_role="branch_manager",
        )
    ]


async def _covered(event: ComplaintCovered, plan: Plan) -> list[Planned]:
    """Staff decided the complaint is covered by the guarantee: the free correction. Within
    the window it is the task the complaint already opened (same key: planned once); outside
    it, staff chose to honour it anyway, so a correction task of its own."""
    if event.programme != NAME or not plan.enabled(NAME):
        return []
    window = int(plan.settings(NAME)["report_within_days"])
    services = [v for v in await plan.visits() if plan.local_date(v.performed_at) <= event.received_on]
    latest = services[-1] if services else None
    done_on = plan.local_date(latest.performed_at) if latest else None
    within = done_on is not None and event.received_on - done_on <= timedelta(days=window)
    what = f"{latest.service} ({plan.format_date(done_on)})" if latest and done_on else event.reason
    return [
        PlannedTask(
            programme=NAME,
            key=f"complaint:{event.complaint_id}" if within else f"complaint:{event.complaint_id}:covered",
            due_at=plan.now,
            title=plan.text(CORRECTION_TITLE, what=what),
            body=plan.text(COVERED_BODY, reason=event.reason),
            urgency="urgent",
            assigned_role="branch_manager",
        )
    ]


@hookimpl
def salonkeep_translation_dirs() -> list[str]:
    """The translations of the programmes' titles, descriptions and settings (``locale/``)."""
    return [str(Path(__file__).parent / "locale")]
