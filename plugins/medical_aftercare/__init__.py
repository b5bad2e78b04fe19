# ruff: noqa: RUF001 - texts in Chinese and Russian too (full-width punctuation, Cyrillic)
"""Medical aesthetics: one year of aftercare after a procedure.

After a procedure: the post-operative instructions (printable from the client page; sent as a
message only when the client consented to the processing of health information), recovery
check-in calls (day 1, 7, 30 and month 3, 6, 12 by default, editable), and the aftercare
period (one year) shown on the client page with what is free within it. A check-in still
open a week after it was due is flagged as missed (the workers' sweep), and missed
check-ups are listed on the panel: they may exclude later aftercare from being free.

The printable instructions are a printable page (template in ``templates/``, translations in
``locale/``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from salonkeep.core.plugins.api import (
    DomainEvent,
    Panel,
    Plan,
    Planned,
    PlannedCall,
    PlannedMessage,
    PrintablePage,
    Programme,
    ServicePerformed,
    Setting,
    add_months,
    hookimpl,
)

NAME = "medical_aftercare"
#: The default texts of the settings ``instructions`` and ``free_within``: while the owner
#: keeps them, they are written in the reader's (the client's, for a message) language
#: (``Setting.default_by_locale``).
INSTRUCTIONS = {
    "en": (
        "Diet: avoid alcohol, spicy food and seafood for 7 days. Habits: no sauna, swimming or hard "
        "exercise for 7 days; sleep with your head raised for the first nights. Wound care: keep "
        "the area clean and dry, do not touch or scratch it, apply only the products we gave you, "
        "protect it from the sun. Call us at once if you notice swelling, heat, pain that grows, "
        "fever or discharge."
    ),
    "zh": (
        "饮食：7天内避免饮酒，忌辛辣食物和海鲜。生活习惯：7天内不要蒸桑拿、游泳或剧烈运动；最初几晚"
        "睡觉时垫高头部。伤口护理：保持该部位清洁干燥，不要触摸或抓挠，只使用我们给您的护理产品，注意"
        "防晒。如出现肿胀、发热、疼痛加重、发烧或有分泌物，请立即致电我们。"
    ),
    "ru": (
        "Питание: 7 дней не употребляйте алкоголь, острую пищу и морепродукты. Режим: 7 дней без "
        "сауны, бассейна и интенсивных тренировок; первые ночи спите с приподнятой головой. Уход "
        "за кожей: держите зону чистой и сухой, не трогайте и не расчёсывайте её, наносите только "
        "средства, которые мы вам дали, защищайте от солнца. Сразу позвоните нам, если появятся "
        "отёк, жар, усиливающаяся боль, температура или выделения."
    ),
    "fi": (
        "Ruokavalio: vältä alkoholia, mausteisia ruokia ja äyriäisiä 7 päivän ajan. Tavat: ei "
        "saunaa, uintia eikä raskasta liikuntaa 7 päivään; nuku ensimmäiset yöt pää kohotettuna. "
        "Haavanhoito: pidä alue puhtaana ja kuivana, älä koske tai raavi sitä, käytä vain meiltä "
        "saamiasi tuotteita ja suojaa alue auringolta. Soita meille heti, jos huomaat turvotusta, "
        "kuumotusta, pahenevaa kipua, kuumetta tai eritettä."
    ),
}
DEFAULT_INSTRUCTIONS = INSTRUCTIONS["en"]
FREE_WITHIN = {
    "en": "Check-ups, wound care and corrections of this procedure",
    "zh": "本项目的复查、伤口护理和修整",
    "ru": "Осмотры, уход за кожей после процедуры и коррекции",
    "fi": "Tarkastukset, haavanhoito ja tämän toimenpiteen korjaukset",
}
INSTRUCTIONS_TITLE = {
    "en": "Aftercare instructions: {item}",
    "zh": "术后护理须知：{item}",
    "ru": "Рекомендации по уходу: {item}",
    "fi": "Jälkihoito-ohjeet: {item}",
}
CHECKIN_TITLES = {
    "day": {
        "en": "Day {n} recovery check-in: {item}",
        "zh": "术后第{n}天康复回访：{item}",
        "ru": "Контроль восстановления, день {n}: {item}",
        "fi": "Toipumisen seuranta, päivä {n}: {item}",
    },
    "month": {
        "en": "Month {n} recovery check-in: {item}",
        "zh": "术后第{n}个月康复回访：{item}",
        "ru": "Контроль восстановления, месяц {n}: {item}",
        "fi": "Toipumisen seuranta, kuukausi {n}: {item}",
    },
}
CHECKIN_SCRIPT = {
    "en": (
        "How is the healing going? Swelling, pain, redness, anything unusual? Are the care "
        "instructions followed? Give personal advice; if anything is abnormal record 'abnormal "
        "reaction'. Offer the free check-up visit."
    ),
    "zh": (
        "恢复得怎么样？有没有肿胀、疼痛、发红或其他异常？是否按照护理须知护理？给予个性化建议；如有"
        "异常，记录“异常反应”。邀请客户来店免费复查。"
    ),
    "ru": (
        "Как идёт заживление? Нет ли отёка, боли, покраснения, чего-то необычного? Соблюдаются ли "
        "рекомендации по уходу? Дайте личный совет; если что-то не так, отметьте «Нежелательная "
        "реакция». Предложите бесплатный контрольный визит."
    ),
    "fi": (
        "Miten paraneminen etenee? Onko turvotusta, kipua, punoitusta tai jotain epätavallista? "
        "Noudatetaanko hoito-ohjeita? Anna henkilökohtaisia neuvoja; jos jokin on poikkeavaa, "
        "merkitse 'Poikkeava reaktio'. Tarjoa maksutonta tarkastuskäyntiä."
    ),
}
#: The rows of the client panel (in the reader's language).
PANEL_ROWS = {
    "procedure": {"en": "Procedure", "zh": "项目", "ru": "Процедура", "fi": "Toimenpide"},
    "period": {"en": "Aftercare period", "zh": "术后护理期", "ru": "Период ухода", "fi": "Jälkihoitojakso"},
    "until": {"en": "until {day}", "zh": "至{day}", "ru": "до {day}", "fi": "{day} asti"},
    "ended": {
        "en": "until {day} (ended: aftercare may be charged)",
        "zh": "至{day}（已结束：术后护理可能收费）",
        "ru": "до {day} (закончился: уход может быть платным)",
        "fi": "{day} asti (päättynyt: jälkihoito voi olla maksullista)",
    },
    "free": {
        "en": "Free within it",
        "zh": "期内免费项目",
        "ru": "Бесплатно в этот период",
        "fi": "Maksutonta jakson aikana",
    },
    "done": {
        "en": "Check-ins done",
        "zh": "已完成回访",
        "ru": "Проведено звонков",
        "fi": "Tehdyt seurantasoitot",
    },
    "missed": {
        "en": "Missed check-ups",
        "zh": "错过的复查",
        "ru": "Пропущенные осмотры",
        "fi": "Väliin jääneet tarkastukset",
    },
    "none": {"en": "none", "zh": "无", "ru": "нет", "fi": "ei yhtään"},
}


def _(message: str) -> str:
    """Mark ``message`` for extraction into the plugin's catalogue; translated when shown."""
    return message


FREE_WITHIN_SETTING = Setting(
    "free_within",
    "text",
    FREE_WITHIN["en"],
    _("What is free during the aftercare period."),
    label=_("Free within the aftercare period"),
    default_by_locale=FREE_WITHIN,
)
INSTRUCTIONS_SETTING = Setting(
    "instructions",
    "text",
    DEFAULT_INSTRUCTIONS,
    _("Post-operative care instructions."),
    label=_("Care instructions"),
    default_by_locale=INSTRUCTIONS,
)
PROGRAMME = Programme(
    name=NAME,
    title=_("Medical aesthetics: one-year aftercare"),
    description=_("Post-operative instructions, recovery check-ins and a free aftercare year."),
    settings=(
        Setting(
            "checkin_days",
            "int_list",
            [1, 7, 30],
            _("Check-in calls, days after the procedure."),
            1,
            365,
            label=_("Check-ins (days)"),
        ),
        Setting(
            "checkin_months",
            "int_list",
            [3, 6, 12],
            _("Check-in calls, months after the procedure."),
            1,
            24,
            label=_("Check-ins (months)"),
        ),
        Setting(
            "aftercare_months",
            "int",
            12,
            _("Length of the free aftercare period in months."),
            1,
            60,
            label=_("Aftercare period (months)"),
        ),
        FREE_WITHIN_SETTING,
        Setting(
            "missed_after_days",
            "int",
            7,
            _("A check-in still open this many days after it was due is missed."),
            1,
            60,
            label=_("Missed after (days)"),
        ),
        INSTRUCTIONS_SETTING,
    ),
)
#: The panel's title (translated from the catalogue when shown).
PANEL_TITLE = _("Medical aftercare")


def _setting_text(plan: Plan, setting: Setting, locale: str) -> str:
    """A text setting: the owner's words, or its default in ``locale``."""
    return setting.text_for(plan.settings(NAME)[setting.name], locale)


@hookimpl
def salonkeep_programmes() -> list[Programme]:
    """The medical aftercare programme."""
    return [PROGRAMME]


@hookimpl
def salonkeep_event(event: DomainEvent, plan: Plan) -> list[Planned]:
    """Plan the instructions message and the check-in calls after a procedure."""
    if not isinstance(event, ServicePerformed) or not event.is_procedure or not plan.enabled(NAME):
        return []
    settings = plan.settings(NAME)
    grace = timedelta(days=int(settings["missed_after_days"]))
    source = f"visit:{event.visit_id}"
    instructions = _setting_text(plan, INSTRUCTIONS_SETTING, plan.client_locale)
    planned: list[Planned] = [
        PlannedMessage(
            programme=NAME,
            key=f"{source}:instructions",
            due_at=plan.now,
            title=plan.client_text(INSTRUCTIONS_TITLE, item=event.service),
            body=instructions,
            purpose="health_data",
            template=f"{NAME}/instructions",
            template_vars={"service": event.service, "instructions": instructions},
        )
    ]
    moments = [("day", d, plan.day(event.occurred_at, d, NAME)) for d in settings["checkin_days"]]
    moments += [("month", m, plan.month(event.occurred_at, m, NAME)) for m in settings["checkin_months"]]
    for unit, number, due in sorted(moments, key=lambda m: m[2]):
        planned.append(
            PlannedCall(
                programme=NAME,
                key=f"{source}:{unit}{number}",
                due_at=due,
                title=plan.text(CHECKIN_TITLES[unit], n=number, item=event.service),
                script=plan.text(CHECKIN_SCRIPT),
                miss_after=due + grace,
            )
        )
    return planned


@hookimpl
async def salonkeep_client_panels(plan: Plan) -> list[Panel]:
    """The aftercare period of the latest procedure, what is free, missed check-ups."""
    procedures = [v for v in await plan.visits() if v.is_procedure]
    if not procedures:
        return []
    settings = plan.settings(NAME)
    latest = procedures[-1]
    performed = plan.local_date(latest.performed_at)
    until = add_months(performed, int(settings["aftercare_months"]))
    active = plan.today() <= until
    touchpoints = [t for t in await plan.touchpoints() if t.programme == NAME]
    missed = [t for t in touchpoints if t.missed]
    period = PANEL_ROWS["until"] if active else PANEL_ROWS["ended"]
    rows = (
        (plan.text(PANEL_ROWS["procedure"]), f"{latest.service}, {plan.format_date(performed)}"),
        (plan.text(PANEL_ROWS["period"]), plan.text(period, day=plan.format_date(until))),
        (plan.text(PANEL_ROWS["free"]), _setting_text(plan, FREE_WITHIN_SETTING, plan.locale)),
        (
            plan.text(PANEL_ROWS["done"]),
            str(sum(1 for t in touchpoints if t.kind == "call" and t.status == "done")),
        ),
        (
            plan.text(PANEL_ROWS["missed"]),
            ", ".join(t.title for t in missed) if missed else plan.text(PANEL_ROWS["none"]),
        ),
    )
    instructions = _setting_text(plan, INSTRUCTIONS_SETTING, plan.locale)
    return [
        Panel(
            programme=NAME,
            title=PANEL_TITLE,
            rows=rows,
            context={"active": active, "until": until, "instructions": instructions},
            printables=(INSTRUCTIONS_PAGE,) if instructions else (),
        )
    ]


#: The printable post-operative instructions, at /app/clients/<id>/aftercare/instructions.
INSTRUCTIONS_PAGE = "instructions"


async def instructions_sheet(plan: Plan) -> Mapping[str, Any] | None:
    """What the printable instructions show: the latest procedure, the aftercare period and
    the instructions (nothing to print without a procedure or instructions)."""
    procedures = [v for v in await plan.visits() if v.is_procedure]
    settings = plan.settings(NAME)
    if not procedures or not str(settings["instructions"]):
        return None
    latest = procedures[-1]
    performed = plan.local_date(latest.performed_at)
    return {
        "procedure": f"{latest.service}, {plan.format_date(performed)}",
        "until": add_months(performed, int(settings["aftercare_months"])),
        "instructions": _setting_text(plan, INSTRUCTIONS_SETTING, plan.locale),
        "free_within": _setting_text(plan, FREE_WITHIN_SETTING, plan.locale),
    }


@hookimpl
def salonkeep_translation_dirs() -> list[str]:
    """The translations of the printable instructions."""
    return [str(Path(__file__).parent / "locale")]


@hookimpl
def salonkeep_printable_pages() -> list[PrintablePage]:
    """The post-operative instructions, to print and give to the client."""
    return [
        PrintablePage(
            NAME,
            INSTRUCTIONS_PAGE,
            _("Print post-operative instructions"),
            "medical_aftercare/print_instructions.html",
            instructions_sheet,
        )
    ]
