# ruff: noqa: RUF001 - the scripts are in Chinese too, with its full-width punctuation
"""Birthdays and holidays (marketing: planned only with the client's consent).

- ``birthday_greetings``: a card 3 days before the birthday (a printed letter: the delivery
  workers put a "print and post" task on the branch's call list), a text message on the day
  that carries the birthday-month offer ("当天给客户发短信, 告知客户在该月内可到店一次特别的
  优惠"), both with consent ``greetings``; the offer again on the first of the month (consent
  ``marketing_email``); and, with ``birthday_call`` on, the seeds' birthday call on the day;
- ``holiday_greetings``: the seeds' special days — Spring Festival, New Year, Mother's Day,
  Mid-Autumn Festival — are phone calls with the seeds' scripts (``holiday_calls``; off:
  messages), and the public holidays of the tenant's country (``holidays`` package) are
  messages; consent ``greetings`` for both (a withdrawal cancels the open calls too).

The coming twelve months are planned when the client registers, grants a consent, has a
service or the workers' yearly ``PlanningDue`` arrives (keys carry the date, so planning
again never duplicates). A withdrawal cancels
whatever is still queued at once (core), and an "opted out" call outcome withdraws these
consents.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import holidays

from salonkeep.core.plugins.api import (
    ClientRegistered,
    ConsentGranted,
    DomainEvent,
    Plan,
    Planned,
    PlannedCall,
    PlannedMessage,
    PlanningDue,
    Programme,
    ServicePerformed,
    Setting,
    hookimpl,
)

BIRTHDAY = "birthday_greetings"
HOLIDAY = "holiday_greetings"
PROGRAMMES = [
    Programme(
        name=BIRTHDAY,
        title="Birthday greetings and offer",
        description="A card before the birthday, a message on the day, a birthday-month offer.",
        settings=(
            Setting("days_before", "int", 3, "Days before the birthday for the card.", 1, 14),
            Setting(
                "offer",
                "text",
                "A birthday treat: 20% off one treatment this month.",
                "The birthday-month offer.",
            ),
            Setting(
                "birthday_call", "bool", False, "Also call the client on the birthday (the seeds' script)."
            ),
        ),
        marketing_purposes=("greetings", "marketing_email"),
    ),
    Programme(
        name=HOLIDAY,
        title="Holiday greetings",
        description="Spring Festival, New Year, Mother's Day, Mid-Autumn and the country's holidays.",
        settings=(
            Setting("country_holidays", "bool", True, "Also greet on the country's public holidays."),
            Setting(
                "holiday_calls",
                "bool",
                True,
                "Call on Spring Festival, New Year, Mother's Day and Mid-Autumn (off: a message).",
            ),
        ),
        marketing_purposes=("greetings",),
    ),
]
TRIGGERS = (ClientRegistered, ConsentGranted, ServicePerformed, PlanningDue)
#: The seeds' special-day phone scripts ("特殊电话沟通"), by the English name of the day.
CALL_SCRIPTS: dict[str, dict[str, str]] = {
    "Spring Festival": {
        "en": (
            "Hello! This is [your name], the beautician from {salon}: Happy Spring Festival! "
            "Wishing you good health, every wish come true and prosperity!"
        ),
        "zh": "您好！我是{salon}的美容师[您的名字]，给您拜年了！祝您身体健康！心想事成，财源滚滚！",
        "ru": (
            "Здравствуйте! Это [ваше имя], косметолог салона {salon}: с Праздником весны! "
            "Желаю вам здоровья, исполнения желаний и достатка!"
        ),
        "fi": (
            "Hei! Täällä [nimesi], kosmetologi salongista {salon}: hyvää kevätjuhlaa! Toivotan "
            "terveyttä, toiveiden täyttymistä ja vaurautta!"
        ),
    },
    "New Year": {
        "en": (
            "Hello! This is [your name], the beautician from {salon}. Happy New Year! May you look "
            "younger and more beautiful with every year!"
        ),
        "zh": "您好！我是{salon}的美容师[您的名字]，祝您新年快乐！愿您在新的一年越来越年轻，越来越漂亮！",
        "ru": (
            "Здравствуйте! Это [ваше имя], косметолог салона {salon}. С Новым годом! Пусть в "
            "новом году вы становитесь всё моложе и красивее!"
        ),
        "fi": (
            "Hei! Täällä [nimesi], kosmetologi salongista {salon}. Hyvää uutta vuotta! Olkoon uusi "
            "vuosi nuorentava ja kaunistava!"
        ),
    },
    "Mother's Day": {
        "en": (
            "{name}, hello! This is [your name], the beautician from {salon}. Happy Mother's Day! "
            "You work so hard: do have a good rest today, and come for a treatment when you have time."
        ),
        "zh": (
            "{name}您好！我是{salon}的美容师[您的名字]，祝您母亲节快乐！您辛苦了，今天一定要好好休"
            "息一下，有空就来美容院做护理。"
        ),
        "ru": (
            "{name}, здравствуйте! Это [ваше имя], косметолог салона {salon}. С Днём матери! Вы "
            "так много трудитесь: отдохните сегодня как следует и приходите на процедуру, когда будет время."
        ),
        "fi": (
            "{name}, hei! Täällä [nimesi], kosmetologi salongista {salon}. Hyvää äitienpäivää! Teette "
            "niin paljon töitä: levätkää tänään kunnolla ja tulkaa hoitoon, kun ehditte."
        ),
    },
    "Mid-Autumn Festival": {
        "en": (
            "{name}, hello! This is [your name], the beautician from {salon}. Wishing your whole "
            "family happiness and harmony!"
        ),
        "zh": "{name}您好！我是{salon}的美容师[您的名字]，祝您合家幸福，美满！",
        "ru": (
            "{name}, здравствуйте! Это [ваше имя], косметолог салона {salon}. Желаю счастья и "
            "благополучия всей вашей семье!"
        ),
        "fi": (
            "{name}, hei! Täällä [nimesi], kosmetologi salongista {salon}. Toivotan koko perheellenne "
            "onnea ja sopua!"
        ),
    },
}
BIRTHDAY_CALL = {
    "en": (
        "{name}, hello! This is [your name], the beautician from {salon}. Happy birthday! And "
        "some good news: in your birthday month you can come for one special treatment: {offer}"
    ),
    "zh": (
        "{name}您好！我是{salon}的美容师[您的名字]，祝您生日快乐！顺便告诉您一个好消息，生日当月可"
        "到店享受一次超值护理：{offer}，有时间过来做护理。"
    ),
    "ru": (
        "{name}, здравствуйте! Это [ваше имя], косметолог салона {salon}. С днём рождения! И "
        "хорошая новость: в месяц рождения вас ждёт особая процедура: {offer}"
    ),
    "fi": (
        "{name}, hei! Täällä [nimesi], kosmetologi salongista {salon}. Hyvää syntymäpäivää! Ja hyvä "
        "uutinen: syntymäkuukautenanne saatte yhden erityishoidon: {offer}"
    ),
}
CALL_TITLES = {
    "en": "Greeting call: {day}",
    "zh": "节日电话问候：{day}",
    "ru": "Звонок с поздравлением: {day}",
    "fi": "Tervehdyssoitto: {day}",
}
DAY_NAMES = {
    "Spring Festival": {"zh": "春节", "ru": "Праздник весны", "fi": "Kevätjuhla"},
    "New Year": {"zh": "元旦", "ru": "Новый год", "fi": "Uusivuosi"},
    "Mother's Day": {"zh": "母亲节", "ru": "День матери", "fi": "Äitienpäivä"},
    "Mid-Autumn Festival": {"zh": "中秋节", "ru": "Праздник середины осени", "fi": "Kuunjuhla"},
    "Birthday": {"zh": "生日", "ru": "День рождения", "fi": "Syntymäpäivä"},
}


@hookimpl
def salonkeep_programmes() -> list[Programme]:
    """The birthday and holiday programmes."""
    return PROGRAMMES


def _birthday_in(year: int, born: date) -> date:
    last = calendar.monthrange(year, born.month)[1]
    return date(year, born.month, min(born.day, last))  # 29 February → 28 in common years


def _birthdays(plan: Plan) -> list[Planned]:
    born = plan.client.date_of_birth
    if born is None:
        return []
    settings = plan.settings(BIRTHDAY)
    today = plan.today()
    birthday = _birthday_in(today.year, born)
    if birthday < today:
        birthday = _birthday_in(today.year + 1, born)
    name = plan.client.first_name
    first_of_month = birthday.replace(day=1)
    offer_day = max(first_of_month, today)
    items: list[tuple[str, date, str, str, str, dict[str, str]]] = [
        (
            "card",
            birthday - timedelta(days=int(settings["days_before"])),
            "Birthday card",
            f"Dear {name}, your birthday is coming: warm wishes from all of us!",
            "greetings",
            {},
        ),
        (
            "day",
            birthday,
            "Happy birthday",
            f"Happy birthday, {name}! In your birthday month: {settings['offer']}",
            "greetings",
            {"offer": str(settings["offer"])},
        ),
        (
            "offer",
            offer_day,
            "Birthday-month offer",
            f"{name}, {settings['offer']}",
            "marketing_email",
            {"offer": str(settings["offer"])},
        ),
    ]
    planned: list[Planned] = []
    for label, day, title, body, purpose, values in items:
        due = plan.at(day, BIRTHDAY)
        if due < plan.now and label != "offer":
            continue
        planned.append(
            PlannedMessage(
                programme=BIRTHDAY,
                key=f"birthday:{birthday.year}:{label}",
                due_at=max(due, plan.now),
                title=title,
                body=body,
                purpose=purpose,
                # The card is printed and posted by staff (a task on the call list); the
                # message on the day is a text message, as the seeds say.
                channel={"card": "letter", "day": "sms"}.get(label),
                template=f"{BIRTHDAY}/{label}",
                template_vars=values,
            )
        )
    if settings["birthday_call"] and plan.at(birthday, BIRTHDAY) >= plan.now:
        planned.append(
            PlannedCall(
                programme=BIRTHDAY,
                key=f"birthday:{birthday.year}:call",
                due_at=plan.at(birthday, BIRTHDAY),
                title=plan.text(CALL_TITLES, day=_day_name(plan, "Birthday")),
                script=plan.text(BIRTHDAY_CALL, name=name, offer=str(settings["offer"])),
                purpose="greetings",
            )
        )
    return planned


def _day_name(plan: Plan, english: str) -> str:
    """The name of a special day in the plan's locale."""
    return DAY_NAMES.get(english, {}).get(plan.locale, english)


def holiday_dates(country: str, start: date, end: date, with_country: bool) -> dict[date, list[str]]:
    """Greeting days between ``start`` and ``end`` (inclusive) with their names."""
    years = range(start.year, end.year + 1)
    found: dict[date, list[str]] = {}

    def add(day: date, name: str) -> None:
        if start <= day <= end and name not in found.setdefault(day, []):
            found[day].append(name)

    chinese = holidays.country_holidays("CN", years=years)
    for year in years:
        add(date(year, 1, 1), "New Year")
        spring = sorted(d for d, n in chinese.items() if d.year == year and "Spring Festival" in n)
        if spring:
            add(spring[0], "Spring Festival")
        autumn = sorted(d for d, n in chinese.items() if d.year == year and "Mid-Autumn" in n)
        if autumn:
            add(autumn[0], "Mid-Autumn Festival")
        may_first = date(year, 5, 1)
        add(may_first + timedelta(days=(6 - may_first.weekday()) % 7 + 7), "Mother's Day")
    if with_country:
        for day, name in holidays.country_holidays(country, years=years).items():
            if "observed" not in name.lower() and "new year's day" not in name.lower():
                add(day, name)
    return found


def _holidays(plan: Plan) -> list[Planned]:
    today = plan.today()
    settings = plan.settings(HOLIDAY)
    days = holiday_dates(plan.country, today, today + timedelta(days=365), bool(settings["country_holidays"]))
    planned: list[Planned] = []
    for day, names in sorted(days.items()):
        due = plan.at(day, HOLIDAY)
        if due < plan.now:
            continue
        title = " / ".join(names)
        called = [n for n in names if n in CALL_SCRIPTS] if settings["holiday_calls"] else []
        if called:
            planned.append(
                PlannedCall(
                    programme=HOLIDAY,
                    key=f"holiday:{day.isoformat()}",
                    due_at=due,
                    title=plan.text(CALL_TITLES, day=" / ".join(_day_name(plan, n) for n in called)),
                    script="\n".join(plan.text(CALL_SCRIPTS[n], name=plan.client.first_name) for n in called),
                    purpose="greetings",
                )
            )
            continue
        planned.append(
            PlannedMessage(
                programme=HOLIDAY,
                key=f"holiday:{day.isoformat()}",
                due_at=due,
                title=title,
                body=f"Dear {plan.client.first_name}, warm wishes for {title} from all of us!",
                purpose="greetings",
                template=f"{HOLIDAY}/holiday",
                template_vars={"holiday": title},
            )
        )
    return planned


@hookimpl
def salonkeep_event(event: DomainEvent, plan: Plan) -> list[Planned]:
    """Plan the coming year's greetings (the host keeps only what the client consented to)."""
    if not isinstance(event, TRIGGERS):
        return []
    planned: list[Planned] = []
    if plan.enabled(BIRTHDAY):
        planned += _birthdays(plan)
    if plan.enabled(HOLIDAY):
        planned += _holidays(plan)
    return planned
