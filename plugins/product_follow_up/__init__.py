# ruff: noqa: RUF001 - the scripts are in Chinese too, with its full-width punctuation
"""Follow-ups per product category (the slimming chain's rules, 倩秀 "产品售后服务规范").

- slimming products: day 2, the executive supervisor calls (the ``branch_manager`` role of
  the branch: the roles have no separate "executive supervisor") — "you bought it the day
  before yesterday; have you started using it? anything unclear?"; day 5, the person who sold
  it calls — "how does it feel after 5 days?" (abnormal: "shall I come and see you?"), offers
  to book the treatment due two days later and asks "any other needs?";
- treatment (therapeutic) products: a call on day 3, then periodically: each call, once
  closed, plans the next one ``treatment_every_days`` later, until the client opts out (or,
  when ``treatment_repeats`` is above 0, after that many periodic calls);
- brand products, fumigation and supplements, ordinary care products (and devices): a call
  within the first week, each with the seeds' questions.

Every call is assigned to the person who sold the product (``ProductSold.staff_id``), except
the slimming day-2 call. An abnormal reaction reported on any of these calls is handled at
once: besides the core's urgent task for the branch manager, this plugin asks the
practitioner to see the client.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from uuid import UUID

from salonkeep.core.plugins.api import (
    ABNORMAL_REACTION,
    N_,
    OPTED_OUT,
    DomainEvent,
    Plan,
    Planned,
    PlannedCall,
    PlannedTask,
    ProductSold,
    Programme,
    Setting,
    TouchpointFact,
    hookimpl,
)

NAME = "product_follow_up"
PROGRAMME = Programme(
    name=NAME,
    title=N_("Product follow-ups by category"),
    description=N_(
        "Slimming: day 2 and 5; treatment products: day 3 then periodically; others: within 7 days."
    ),
    settings=(
        Setting(
            "slimming_days",
            "int_list",
            [2, 5],
            N_("Days after a slimming sale to call."),
            1,
            60,
            label=N_("Slimming: call on days"),
        ),
        Setting(
            "book_treatment_after_days",
            "int",
            2,
            N_("Day-5 call offers a treatment this many days later."),
            0,
            14,
            label=N_("Offer a treatment after (days)"),
        ),
        Setting(
            "treatment_first_day",
            "int",
            3,
            N_("First call after a treatment product sale."),
            1,
            30,
            label=N_("Treatment products: first call (day)"),
        ),
        Setting(
            "treatment_every_days",
            "int",
            15,
            N_("Then call again every this many days."),
            1,
            90,
            label=N_("Treatment products: then every (days)"),
        ),
        Setting(
            "treatment_repeats",
            "int",
            0,
            N_("How many periodic calls after the first (0: no limit, until the client opts out)."),
            0,
            10_000,
            label=N_("Periodic calls at most"),
        ),
        Setting(
            "other_day",
            "int",
            7,
            N_("Other categories: call on this day (within the first week)."),
            1,
            7,
            label=N_("Other products: call on day"),
        ),
    ),
)
TREATMENT = "treatment"
SLIMMING = "slimming"
SUPERVISOR_ROLE = "branch_manager"

OPENING = {
    "en": (
        "Ask first whether it is a good time (3-5 minutes); if not, apologise and record 'Not convenient'.\n"
    ),
    "zh": "先询问对方是否方便（3-5分钟）；如不方便，有礼貌地道歉，并记录“不方便”。\n",
    "ru": "Сначала спросите, удобно ли говорить (3-5 минут); если нет — извинитесь и отметьте «Неудобно».\n",
    "fi": "Kysy ensin, sopiiko puhua (3-5 minuuttia); jos ei, pyydä anteeksi ja merkitse 'Ei sovi nyt'.\n",
}
SLIMMING_DAY2 = {
    "en": (
        "Hello, this is [your name] from {salon}. You bought {item} the day before yesterday; "
        "have you started using it? Is anything unclear? Good! I won't disturb you any longer, "
        "thank you!"
    ),
    "zh": (
        "您好，我是{salon}的[您的名字]。您在前天购买了{item}，想问一下您开始使用了吗？有没有不明白"
        "的？好！好！不打扰您了，谢谢！谢谢！"
    ),
    "ru": (
        "Здравствуйте, это [ваше имя] из {salon}. Позавчера вы купили {item}; вы уже начали им "
        "пользоваться? Что-нибудь непонятно? Хорошо! Не буду больше беспокоить, спасибо!"
    ),
    "fi": (
        "Hei, täällä [nimesi] salongista {salon}. Ostitte toissapäivänä tuotteen {item}; "
        "oletteko aloittanut sen käytön? Onko jokin epäselvää? Hyvä! En häiritse enempää, kiitos!"
    ),
}
SLIMMING_DAY5 = {
    "en": (
        'You have been using {item} for {days} days: how does it feel? Fine: "Good, then I am '
        'reassured." Something abnormal: "I understand. Shall I come and see you?" (record '
        "'Abnormal reaction': someone goes to see the client). Your treatment is due on {book_on}: "
        "shall I book it for you now? Do you have any other needs?"
    ),
    "zh": (
        "{item}您已经使用{days}天了，感觉怎么样？正常：“好，那我就放心了。”有异常：“我明白。那我去帮您看看好吗？”"
        "（记录“异常反应”：安排人员去看客户）。{book_on}您就该来做美容了，要不要我先为您预约？您还有什么需求吗？"
    ),
    "ru": (
        "Вы пользуетесь {item} уже {days} дней: как ощущения? Всё хорошо: «Отлично, я спокойна». "
        "Что-то не так: «Понимаю. Можно я приеду и посмотрю?» (отметьте «Нежелательная реакция»: к "
        "клиенту приедут). {book_on} у вас процедура: записать вас заранее? Есть ли другие пожелания?"
    ),
    "fi": (
        'Olette käyttänyt tuotetta {item} {days} päivää: miltä tuntuu? Hyvin: "Hyvä, sitten olen '
        'rauhallinen." Jotain poikkeavaa: "Ymmärrän. Saanko tulla katsomaan?" (merkitse '
        "'Poikkeava reaktio': joku käy katsomassa asiakasta). Hoitonne on {book_on}: varaanko sen "
        "valmiiksi? Onko muita toiveita?"
    ),
}
TREATMENT_SCRIPT = {
    "en": (
        "Is {item} used correctly, together with the treatment? If so, encourage the client to "
        "keep using it; if not, patiently explain the correct way and what to watch for. An "
        "abnormal reaction is handled immediately (record 'Abnormal reaction')."
    ),
    "zh": (
        "咨询其是否正确配合{item}使用，如果正确，鼓励其继续使用；如不正确，耐心告诉对方正确的使用方"
        "法，叮嘱对方应注意的方面。如出现异常反应，立即予以处理（记录“异常反应”）。"
    ),
    "ru": (
        "Правильно ли клиент применяет {item} вместе с процедурами? Если да — поддержите, пусть "
        "продолжает; если нет — терпеливо объясните правильный способ и на что обратить внимание. "
        "Нежелательная реакция — сразу меры (отметьте «Нежелательная реакция»)."
    ),
    "fi": (
        "Käytetäänkö tuotetta {item} oikein hoidon rinnalla? Jos kyllä, kannusta jatkamaan; jos "
        "ei, kerro kärsivällisesti oikea tapa ja mihin kiinnittää huomiota. Poikkeava reaktio "
        "hoidetaan heti (merkitse 'Poikkeava reaktio')."
    ),
}
BRAND_SCRIPT = {
    "en": (
        "Is {item} used the right way and on time? Encourage the client; if the way or the timing is"
        " wrong, correct it."
    ),
    "zh": "询问{item}的使用方法是否正确，是否按时使用，给予鼓励；如方法、时间不正确，及时纠正。",
    "ru": (
        "Правильно ли и вовремя используется {item}? Подбодрите клиента; если способ или время неверны,"
        " поправьте."
    ),
    "fi": (
        "Käytetäänkö tuotetta {item} oikein ja ajallaan? Kannusta; jos tapa tai ajoitus on väärä, korjaa se."
    ),
}
WELLBEING_SCRIPT = {
    "en": "Show you care about the client. Is {item} taken or applied the right way? Encourage the client.",
    "zh": "关心顾客，询问{item}的使用方法是否正确，给予鼓励。",
    "ru": "Проявите заботу о клиенте. Правильно ли принимается или применяется {item}? Подбодрите клиента.",
    "fi": "Osoita välittäväsi asiakkaasta. Käytetäänkö tuotetta {item} oikein? Kannusta asiakasta.",
}
CARE_SCRIPT = {
    "en": "How does {item} feel? Is it used the right way?",
    "zh": "询问{item}的使用感觉，方法是否正确。",
    "ru": "Как ощущения от {item}? Правильно ли он используется?",
    "fi": "Miltä {item} tuntuu? Käytetäänkö sitä oikein?",
}
SCRIPT_BY_CATEGORY = {
    "brand": BRAND_SCRIPT,
    "fumigation": WELLBEING_SCRIPT,
    "supplement": WELLBEING_SCRIPT,
}
TITLES = {
    "slimming": {
        "en": "Slimming day {day}: {item}",
        "zh": "减肥产品第{day}天：{item}",
        "ru": "Похудение, день {day}: {item}",
        "fi": "Laihdutus, päivä {day}: {item}",
    },
    "treatment": {
        "en": "Treatment product day {day}: {item}",
        "zh": "治疗性产品第{day}天：{item}",
        "ru": "Лечебное средство, день {day}: {item}",
        "fi": "Hoitotuote, päivä {day}: {item}",
    },
    "other": {
        "en": "First-week call: {item}",
        "zh": "一周内回访：{item}",
        "ru": "Звонок в первую неделю: {item}",
        "fi": "Ensimmäisen viikon soitto: {item}",
    },
}


SEE_CLIENT_TITLE = {
    "en": "Go and see the client about an abnormal reaction",
    "zh": "客户出现异常反应：请上门查看",
    "ru": "Нежелательная реакция: навестите клиента",
    "fi": "Poikkeava reaktio: käy katsomassa asiakasta",
}
SEE_CLIENT_BODY = {
    "en": "Reported on the call “{call}”.",
    "zh": "在通话“{call}”中报告。",
    "ru": "Сообщено во время звонка «{call}».",
    "fi": "Ilmoitettu puhelussa ”{call}”.",
}


def _item_of(title: str) -> str:
    """The product named in the title of a treatment call (planned in any language)."""
    for pattern in TITLES[TREATMENT].values():
        head, _, tail = pattern.partition("{item}")
        regex = re.escape(head).replace(re.escape("{day}"), r"\d+") + "(?P<item>.*)" + re.escape(tail)
        found = re.fullmatch(regex, title)
        if found:
            return found.group("item")
    return title.partition(": ")[2]


@hookimpl
def salonkeep_programmes() -> list[Programme]:
    """The per-category follow-up programme."""
    return [PROGRAMME]


def _slimming(event: ProductSold, plan: Plan) -> list[Planned]:
    settings = plan.settings(NAME)
    days = list(settings["slimming_days"])
    calls: list[Planned] = []
    for index, day in enumerate(days):
        due = plan.day(event.occurred_at, day, NAME)
        if index == 0:
            script = plan.text(SLIMMING_DAY2, item=event.product)
        else:
            book_on = plan.local_date(due) + timedelta(days=int(settings["book_treatment_after_days"]))
            script = plan.text(SLIMMING_DAY5, item=event.product, days=day, book_on=plan.format_date(book_on))
        calls.append(
            PlannedCall(
                programme=NAME,
                key=f"sale:{event.sale_id}:day{day}",
                due_at=due,
                title=plan.text(TITLES[SLIMMING], day=day, item=event.product),
                script=plan.text(OPENING) + script,
                # Day 2: the executive supervisor; later days: whoever sold the product.
                assigned_role=SUPERVISOR_ROLE if index == 0 else None,
                assigned_staff_id=None if index == 0 else event.staff_id,
            )
        )
    return calls


def _treatment_call(
    plan: Plan, sale: str, number: int, due_at: datetime, item: str, staff: UUID | None
) -> PlannedCall:
    """Periodic call ``number`` (0: the first) about the treatment product of ``sale``."""
    settings = plan.settings(NAME)
    day = int(settings["treatment_first_day"]) + int(settings["treatment_every_days"]) * number
    return PlannedCall(
        programme=NAME,
        key=f"sale:{sale}:treatment:{number}",
        due_at=due_at,
        title=plan.text(TITLES[TREATMENT], day=day, item=item),
        script=plan.text(OPENING) + plan.text(TREATMENT_SCRIPT, item=item),
        assigned_staff_id=staff,
    )


@hookimpl
def salonkeep_event(event: DomainEvent, plan: Plan) -> list[Planned]:
    """Plan the calls for a product sold, by its category."""
    if not isinstance(event, ProductSold) or not plan.enabled(NAME):
        return []
    if event.category == SLIMMING:
        return _slimming(event, plan)
    settings = plan.settings(NAME)
    if event.category == TREATMENT:
        due = plan.day(event.occurred_at, int(settings["treatment_first_day"]), NAME)
        return [_treatment_call(plan, str(event.sale_id), 0, due, event.product, event.staff_id)]
    day = int(settings["other_day"])
    script = SCRIPT_BY_CATEGORY.get(event.category, CARE_SCRIPT)
    return [
        PlannedCall(
            programme=NAME,
            key=f"sale:{event.sale_id}:day{day}",
            due_at=plan.day(event.occurred_at, day, NAME),
            title=plan.text(TITLES["other"], item=event.product),
            script=plan.text(OPENING) + plan.text(script, item=event.product),
            assigned_staff_id=event.staff_id,
        )
    ]


def _next_treatment_call(touchpoint: TouchpointFact, outcome: str, plan: Plan) -> list[Planned]:
    """A closed periodic treatment call plans the next one (the seeds' "定期回访")."""
    marker = ":treatment:"
    if marker not in touchpoint.key or touchpoint.status not in ("done", "failed") or outcome == OPTED_OUT:
        return []
    head, _, number = touchpoint.key.rpartition(marker)
    sale = head.rpartition("sale:")[2]
    settings = plan.settings(NAME)
    limit = int(settings["treatment_repeats"])
    following = int(number) + 1
    if limit and following > limit:
        return []
    item = _item_of(touchpoint.title)
    due = plan.day(plan.now, int(settings["treatment_every_days"]), NAME)
    return [_treatment_call(plan, sale, following, due, item, touchpoint.assigned_staff_id)]


@hookimpl
def salonkeep_touchpoint_outcome(touchpoint: TouchpointFact, outcome: str, plan: Plan) -> list[Planned]:
    """The next periodic treatment call; and on an abnormal reaction the practitioner goes to
    see the client, at once."""
    if touchpoint.programme != NAME:
        return []
    planned = _next_treatment_call(touchpoint, outcome, plan)
    if outcome == ABNORMAL_REACTION:
        planned.append(
            PlannedTask(
                programme=NAME,
                key=f"{touchpoint.id}:see-client",
                due_at=plan.now,
                title=plan.text(SEE_CLIENT_TITLE),
                body=plan.text(SEE_CLIENT_BODY, call=touchpoint.title),
                detail=touchpoint.note,
                urgency="urgent",
                assigned_role="practitioner",
            )
        )
    return planned


@hookimpl
def salonkeep_translation_dirs() -> list[str]:
    """The translations of the programmes' titles, descriptions and settings (``locale/``)."""
    return [str(Path(__file__).parent / "locale")]
