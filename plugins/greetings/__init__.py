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
from pathlib import Path

import holidays

from salonkeep.core.plugins.api import (
    N_,
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
    holiday_names_in,
    hookimpl,
)

BIRTHDAY = "birthday_greetings"
HOLIDAY = "holiday_greetings"
#: The default birthday-month offer; while the owner keeps it, it is written in the client's
#: language.
DEFAULT_OFFER = "A birthday treat: 20% off one treatment this month."
OFFER = {
    "en": DEFAULT_OFFER,
    "zh": "生日礼遇：本月任选一项护理享八折优惠。",
    "ru": "Подарок ко дню рождения: скидка 20% на одну процедуру в этом месяце.",
    "fi": "Syntymäpäiväetu: -20 % yhdestä hoidosta tässä kuussa.",
}
OFFER_SETTING = Setting(
    "offer",
    "text",
    DEFAULT_OFFER,
    N_("The birthday-month offer."),
    label=N_("Birthday offer"),
    default_by_locale=OFFER,
)
PROGRAMMES = [
    Programme(
        name=BIRTHDAY,
        title=N_("Birthday greetings and offer"),
        description=N_("A card before the birthday, a message on the day, a birthday-month offer."),
        settings=(
            Setting(
                "days_before",
                "int",
                3,
                N_("Days before the birthday for the card."),
                1,
                14,
                label=N_("Card before (days)"),
            ),
            OFFER_SETTING,
            Setting(
                "birthday_call",
                "bool",
                False,
                N_("Also call the client on the birthday (the seeds' script)."),
                label=N_("Birthday call"),
            ),
        ),
        marketing_purposes=("greetings", "marketing_email"),
    ),
    Programme(
        name=HOLIDAY,
        title=N_("Holiday greetings"),
        description=N_("Spring Festival, New Year, Mother's Day, Mid-Autumn and the country's holidays."),
        settings=(
            Setting(
                "country_holidays",
                "bool",
                True,
                N_("Also greet on the country's public holidays."),
                label=N_("Public holidays"),
            ),
            Setting(
                "holiday_calls",
                "bool",
                True,
                N_("Call on Spring Festival, New Year, Mother's Day and Mid-Autumn (off: a message)."),
                label=N_("Holiday calls"),
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
#: The messages of the birthday programme (to the client, in their language).
BIRTHDAY_MESSAGES = {
    "card": (
        {
            "en": "Birthday card",
            "zh": "生日贺卡",
            "ru": "Открытка ко дню рождения",
            "fi": "Syntymäpäiväkortti",
        },
        {
            "en": "Dear {name}, your birthday is coming: warm wishes from all of us!",
            "zh": "亲爱的{name}，您的生日即将到来，我们全体员工向您致以温馨的祝福！",
            "ru": "Здравствуйте, {name}! Скоро ваш день рождения: тёплые пожелания от всех нас!",
            "fi": "Hyvä {name}, syntymäpäiväsi lähestyy: lämpimät onnittelut meiltä kaikilta!",
        },
    ),
    "day": (
        {
            "en": "Happy birthday",
            "zh": "生日快乐",
            "ru": "С днём рождения",
            "fi": "Hyvää syntymäpäivää",
        },
        {
            "en": "Happy birthday, {name}! In your birthday month: {offer}",
            "zh": "{name}，祝您生日快乐！生日当月：{offer}",
            "ru": "С днём рождения, {name}! В месяц рождения: {offer}",
            "fi": "Hyvää syntymäpäivää, {name}! Syntymäkuukautenasi: {offer}",
        },
    ),
    "offer": (
        {
            "en": "Birthday-month offer",
            "zh": "生日月专属优惠",
            "ru": "Предложение в месяц рождения",
            "fi": "Syntymäkuukauden etu",
        },
        {
            "en": "{name}, {offer}",
            "zh": "{name}，{offer}",
            "ru": "{name}, {offer}",
            "fi": "{name}, {offer}",
        },
    ),
}
HOLIDAY_BODY = {
    "en": "Dear {name}, warm wishes for {holiday} from all of us!",
    "zh": "亲爱的{name}，我们全体员工祝您{holiday}快乐！",
    "ru": "Здравствуйте, {name}! Тёплые поздравления с праздником «{holiday}» от всех нас!",
    "fi": "Hyvä {name}, lämpimät toivotukset juhlapäivänä ({holiday}) meiltä kaikilta!",
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
    offer = _offer(plan, plan.client_locale)
    items: list[tuple[str, date, str, dict[str, str]]] = [
        ("card", birthday - timedelta(days=int(settings["days_before"])), "greetings", {}),
        ("day", birthday, "greetings", {"offer": offer}),
        ("offer", offer_day, "marketing_email", {"offer": offer}),
    ]
    planned: list[Planned] = []
    for label, day, purpose, values in items:
        title, body = BIRTHDAY_MESSAGES[label]
        due = plan.at(day, BIRTHDAY)
        if due < plan.now and label != "offer":
            continue
        planned.append(
            PlannedMessage(
                programme=BIRTHDAY,
                key=f"birthday:{birthday.year}:{label}",
                due_at=max(due, plan.now),
                title=plan.client_text(title),
                body=plan.client_text(body, name=name, offer=offer),
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
                script=plan.text(BIRTHDAY_CALL, name=name, offer=_offer(plan, plan.locale)),
                purpose="greetings",
            )
        )
    return planned


def _offer(plan: Plan, locale: str) -> str:
    """The birthday-month offer: the owner's text, or the default in ``locale``."""
    return OFFER_SETTING.text_for(plan.settings(BIRTHDAY)["offer"], locale)


def _day_name(plan: Plan, english: str, locale: str | None = None) -> str:
    """The name of a special day in ``locale`` (default: the plan's)."""
    return DAY_NAMES.get(english, {}).get(locale or plan.locale, english)


def _local_names(names: list[str], day: date, locale: str, local: dict[date, str] | None) -> list[str]:
    """``names`` of ``day`` in ``locale``: ours from :data:`DAY_NAMES`, the country's from the
    ``holidays`` package in that language when it has it (else as the package names them)."""
    shown = []
    for english in names:
        if english in DAY_NAMES:
            shown.append(DAY_NAMES[english].get(locale, english))
        else:
            shown.append((local or {}).get(day, english))
    return shown


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
    end = today + timedelta(days=365)
    days = holiday_dates(plan.country, today, end, bool(settings["country_holidays"]))
    locale = plan.client_locale
    local = holiday_names_in(plan.country, range(today.year, end.year + 1), locale) if days else None
    planned: list[Planned] = []
    for day, names in sorted(days.items()):
        due = plan.at(day, HOLIDAY)
        if due < plan.now:
            continue
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
        title = " / ".join(_local_names(names, day, locale, local))
        planned.append(
            PlannedMessage(
                programme=HOLIDAY,
                key=f"holiday:{day.isoformat()}",
                due_at=due,
                title=title,
                body=plan.client_text(HOLIDAY_BODY, name=plan.client.first_name, holiday=title),
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


@hookimpl
def salonkeep_translation_dirs() -> list[str]:
    """The translations of the programmes' titles, descriptions and settings (``locale/``)."""
    return [str(Path(__file__).parent / "locale")]
