# ruff: noqa: RUF001 - the scripts are in Chinese too, with its full-width punctuation
"""First visit and next appointment.

- ``first_visit_call``: a call 3 days after a client's first treatment to ask how the skin
  feels.
- ``next_appointment_reminder``: a reminder one day before a new client's next booked care
  (a message to the client: it is part of the service, so it needs no marketing consent).
  When the appointment moves the host withdraws the planned reminder (its key starts with
  ``appointment:<id>``) and this plans one for the new time; when it is cancelled the host
  withdraws it.
- ``new_product_call``: an existing client (a member: "老客户") who buys a product she never
  bought before gets a call 3 days later about how it feels and whether she uses it the
  right way, from the person who sold it.
- ``visit_call``: a call within 24 hours after each visit ("客户离店后24小时内致电"): on the
  call list of the person who did the service from the visit on, flagged missed when still
  open 24 hours (setting) after it. Off by default.

Calls go to the person who served the client (``event.staff_id``).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from salonkeep.core.plugins.api import (
    N_,
    AppointmentBooked,
    AppointmentMoved,
    DomainEvent,
    Plan,
    Planned,
    PlannedCall,
    PlannedMessage,
    ProductSold,
    Programme,
    ServicePerformed,
    Setting,
    hookimpl,
)

FIRST_VISIT = "first_visit_call"
REMINDER = "next_appointment_reminder"
NEW_PRODUCT = "new_product_call"
VISIT_CALL = "visit_call"
FIRST_VISIT_TITLE = {
    "en": "First-visit call: {item}",
    "zh": "首次到店回访：{item}",
    "ru": "Звонок после первого визита: {item}",
    "fi": "Ensikäynnin soitto: {item}",
}
FIRST_VISIT_SCRIPT = {
    "en": (
        "Ask whether it is a good time (3-5 minutes). How does your skin feel since the {item}? "
        "Any redness or discomfort? Note everything in the call log."
    ),
    "zh": (
        "先询问对方现在是否方便（3-5分钟）。做完{item}后皮肤感觉如何？有没有发红或不适？"
        "把情况都记在通话记录里。"
    ),
    "ru": (
        "Спросите, удобно ли говорить (3-5 минут). Как чувствует себя кожа после процедуры "
        "«{item}»? Нет ли покраснения или дискомфорта? Запишите всё в журнал звонков."
    ),
    "fi": (
        "Kysy, sopiiko nyt puhua (3-5 minuuttia). Miltä iho on tuntunut hoidon {item} jälkeen? "
        "Onko punoitusta tai epämukavuutta? Kirjaa kaikki puhelulokiin."
    ),
}
REMINDER_TITLE = {
    "en": "Appointment reminder",
    "zh": "预约提醒",
    "ru": "Напоминание о записи",
    "fi": "Muistutus ajanvarauksesta",
}
REMINDER_BODY = {
    "en": "Hello {name}, a reminder of your {item} on {day} at {time}. We look forward to seeing you!",
    "zh": "{name}您好，提醒您：您预约的{item}在{day} {time}。期待您的光临！",
    "ru": "Здравствуйте, {name}! Напоминаем о вашей записи: {item}, {day} в {time}. Ждём вас!",
    "fi": "Hei {name}, muistutus: {item} {day} klo {time}. Tervetuloa!",
}
NEW_PRODUCT_SCRIPT = {
    "en": (
        "Hello, this is [your name] from {salon}. Is it a good time (3-5 minutes)? How does "
        "{item} feel after these first days? Are you using it the right way?"
    ),
    "zh": (
        "您好，我是{salon}的[您的名字]。现在方便吗（3-5分钟）？{item}用了几天，感受如何？使用方法是否正确？"
    ),
    "ru": (
        "Здравствуйте, это [ваше имя] из {salon}. Удобно говорить (3-5 минут)? Как ощущения от "
        "{item} за эти дни? Правильно ли вы им пользуетесь?"
    ),
    "fi": (
        "Hei, täällä [nimesi] salongista {salon}. Sopiiko puhua (3-5 minuuttia)? Miltä {item} on "
        "tuntunut näinä päivinä? Käytättekö sitä oikein?"
    ),
}
NEW_PRODUCT_TITLE = {
    "en": "New product call: {item}",
    "zh": "新购产品回访：{item}",
    "ru": "Звонок о новом средстве: {item}",
    "fi": "Uuden tuotteen soitto: {item}",
}
VISIT_CALL_SCRIPT = {
    "en": (
        "Hello, this is [your name] from {salon}. Is it a good time? Were you satisfied with "
        "your {item}? Any discomfort, or a suggestion for us? Invite the client to our "
        "satisfaction survey."
    ),
    "zh": (
        "您好，我是{salon}的[您的名字]。现在方便吗？您对这次{item}满意吗？是否有任何不适或建议？邀"
        "请客户参加我们的满意度调查。"
    ),
    "ru": (
        "Здравствуйте, это [ваше имя] из {salon}. Удобно говорить? Вы довольны процедурой "
        "«{item}»? Есть ли дискомфорт или пожелания? Пригласите клиента пройти опрос "
        "удовлетворённости."
    ),
    "fi": (
        "Hei, täällä [nimesi] salongista {salon}. Sopiiko puhua? Olitteko tyytyväinen hoitoon "
        "{item}? Onko epämukavuutta tai ehdotuksia? Kutsu asiakas tyytyväisyyskyselyymme."
    ),
}
VISIT_CALL_TITLE = {
    "en": "Call within 24 hours: {item}",
    "zh": "24小时内回访：{item}",
    "ru": "Звонок в течение 24 часов: {item}",
    "fi": "Soitto 24 tunnin sisällä: {item}",
}
PROGRAMMES = [
    Programme(
        name=FIRST_VISIT,
        title=N_("First-visit call"),
        description=N_("A call a few days after a client's first treatment."),
        settings=(
            Setting(
                "days_after",
                "int",
                3,
                N_("Days after the first treatment."),
                1,
                30,
                label=N_("Call after (days)"),
            ),
        ),
    ),
    Programme(
        name=REMINDER,
        title=N_("Next-appointment reminder"),
        description=N_("Reminds new clients the day before their next booked care."),
        settings=(
            Setting(
                "days_before",
                "int",
                1,
                N_("Days before the appointment."),
                1,
                7,
                label=N_("Remind before (days)"),
            ),
            Setting(
                "new_clients_only",
                "bool",
                True,
                N_("Remind only new clients."),
                label=N_("New clients only"),
            ),
        ),
    ),
    Programme(
        name=NEW_PRODUCT,
        title=N_("Existing client, new product"),
        description=N_("A call a few days after a member buys a product for the first time."),
        settings=(
            Setting(
                "days_after",
                "int",
                3,
                N_("Days after the purchase."),
                1,
                30,
                label=N_("Call after (days)"),
            ),
        ),
    ),
    Programme(
        name=VISIT_CALL,
        title=N_("Call within 24 hours of a visit"),
        description=N_("A satisfaction call after each visit, due within a day."),
        settings=(
            Setting(
                "within_hours",
                "int",
                24,
                N_("Call within this many hours of the visit."),
                1,
                72,
                label=N_("Call within (hours)"),
            ),
        ),
        enabled_by_default=False,
    ),
]


@hookimpl
def salonkeep_programmes() -> list[Programme]:
    """The first-visit call and the next-appointment reminder."""
    return PROGRAMMES


@hookimpl
def salonkeep_event(event: DomainEvent, plan: Plan) -> list[Planned]:
    """Plan the first-visit call or the appointment reminder."""
    planned: list[Planned] = []
    if isinstance(event, ServicePerformed) and event.first_visit and plan.enabled(FIRST_VISIT):
        days = int(plan.settings(FIRST_VISIT)["days_after"])
        planned.append(
            PlannedCall(
                programme=FIRST_VISIT,
                key=f"visit:{event.visit_id}",
                due_at=plan.day(event.occurred_at, days, FIRST_VISIT),
                title=plan.text(FIRST_VISIT_TITLE, item=event.service),
                script=plan.text(FIRST_VISIT_SCRIPT, item=event.service),
                assigned_staff_id=event.staff_id,
            )
        )
    if isinstance(event, ServicePerformed) and plan.enabled(VISIT_CALL):
        hours = int(plan.settings(VISIT_CALL)["within_hours"])
        planned.append(
            PlannedCall(
                programme=VISIT_CALL,
                key=f"visit:{event.visit_id}",
                due_at=event.occurred_at,
                title=plan.text(VISIT_CALL_TITLE, item=event.service),
                script=plan.text(VISIT_CALL_SCRIPT, item=event.service),
                miss_after=event.occurred_at + timedelta(hours=hours),
                assigned_staff_id=event.staff_id,
            )
        )
    if (
        isinstance(event, ProductSold)
        and event.new_product
        and plan.client.kind == "member"
        and plan.enabled(NEW_PRODUCT)
    ):
        days = int(plan.settings(NEW_PRODUCT)["days_after"])
        planned.append(
            PlannedCall(
                programme=NEW_PRODUCT,
                key=f"sale:{event.sale_id}",
                due_at=plan.day(event.occurred_at, days, NEW_PRODUCT),
                title=plan.text(NEW_PRODUCT_TITLE, item=event.product),
                script=plan.text(NEW_PRODUCT_SCRIPT, item=event.product),
                assigned_staff_id=event.staff_id,
            )
        )
    if isinstance(event, AppointmentBooked | AppointmentMoved) and plan.enabled(REMINDER):
        settings = plan.settings(REMINDER)
        if settings["new_clients_only"] and plan.client.kind != "new":
            return planned
        local_start = event.starts_at.astimezone(plan.zone())
        due = plan.at(local_start.date() - timedelta(days=int(settings["days_before"])), REMINDER)
        if due > plan.now:
            planned.append(
                PlannedMessage(
                    programme=REMINDER,
                    # A new key per booking or move (the host withdraws the older ones).
                    key=f"appointment:{event.appointment_id}:{event.starts_at.isoformat()}:{event.occurred_at.isoformat()}",
                    due_at=due,
                    title=plan.client_text(REMINDER_TITLE),
                    body=plan.client_text(
                        REMINDER_BODY,
                        name=plan.client.first_name,
                        item=event.service,
                        day=plan.format_date(event.starts_at, plan.client_locale),
                        time=plan.format_time(event.starts_at, plan.client_locale),
                    ),
                    template=f"{REMINDER}/reminder",
                    template_vars={"service": event.service, "starts_at": event.starts_at},
                )
            )
    return planned


@hookimpl
def salonkeep_translation_dirs() -> list[str]:
    """The translations of the programmes' titles, descriptions and settings (``locale/``)."""
    return [str(Path(__file__).parent / "locale")]
