# ruff: noqa: RUF001 - the scripts are in Chinese too, with its full-width punctuation
"""The 1-3-7 follow-up: calls on day 1, 3 and 7 after a product purchase or a course.

The seeds' rule ("电话1,3,7法则"), with their scripts: day 1 the beautician introduces
herself, asks whether the client has started using the product and knows how, and says the
client may call the salon any time; day 3 asks whether it is used daily as instructed, how
often and how, follows up the skin problem in detail and encourages the client; day 7 follows
up the results, invites the client to bring a friend to try, and books the next treatment.

Each call is assigned to the person who served the client (``event.staff_id``: who sold the
product or did the service), so it is on their call list with their name. Day 1 may be a text
message instead of a call (setting ``day1_sms``), as the seeds allow ("或发短信").
Off by default: chains choose it or the per-category follow-ups.
"""

from __future__ import annotations

from pathlib import Path

from salonkeep.core.plugins.api import (
    N_,
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

NAME = "follow_up_137"

#: Asked on every call first (the seeds' notes on calls).
OPENING = {
    "en": (
        "Hello, this is [your name], the beautician from {salon}. Sorry to disturb you. "
        "Is it a good time (3-5 minutes)? If not: apologise, say you will call another day, and "
        "record 'Not convenient'."
    ),
    "zh": (
        "您好，我是{salon}的美容师[您的名字]，打扰您了。现在方便吗（3-5分钟）？如不方便，有礼貌地道"
        "歉，改天再打，并记录“不方便”。"
    ),
    "ru": (
        "Здравствуйте, это [ваше имя], косметолог салона {salon}. Извините за беспокойство. "
        "Вам удобно говорить (3-5 минут)? Если нет — извинитесь, скажите, что позвоните в другой "
        "день, и отметьте «Неудобно»."
    ),
    "fi": (
        "Hei, täällä [nimesi], kosmetologi salongista {salon}. Anteeksi että häiritsen. "
        "Sopiiko nyt puhua (3-5 minuuttia)? Jos ei: pyydä anteeksi, lupaa soittaa toisena päivänä "
        "ja merkitse 'Ei sovi nyt'."
    ),
}
SCRIPTS = {
    1: {
        "en": (
            "Have you started using {item}? Do you know how to use it? Tell the client that "
            "whenever she needs help while using it, she can call the salon any time."
        ),
        "zh": (
            "您开始使用{item}了吗？掌握使用方法了吗？告诉客户在以后的使用过程中如需帮助，可随时拨打"
            "美容院电话。"
        ),
        "ru": (
            "Вы начали пользоваться {item}? Знаете, как им пользоваться? Скажите клиенту, что если "
            "понадобится помощь, можно в любое время позвонить в салон."
        ),
        "fi": (
            "Oletteko aloittanut tuotteen {item} käytön? Tiedättekö, miten sitä käytetään? Kerro, "
            "että jos apua tarvitaan, salonkiin voi soittaa milloin tahansa."
        ),
    },
    3: {
        "en": (
            "Is {item} used every day as instructed? How often and how? Follow up the results on "
            "the client's skin problem and ask about specific, detailed changes. Encourage the "
            "client and build her confidence."
        ),
        "zh": (
            "了解客户是否按照使用指引每天使用{item}，使用的次数与方法是否规范；根据客户的皮肤问题跟进使用效果，"
            "注意询问具体、细节的改变；并且鼓励客户，树立客户的信心。"
        ),
        "ru": (
            "Пользуется ли клиент {item} каждый день по инструкции? Как часто и как? Узнайте о "
            "результатах по проблеме кожи, спросите о конкретных, подробных изменениях. "
            "Подбодрите клиента, укрепите её уверенность."
        ),
        "fi": (
            "Käytetäänkö tuotetta {item} päivittäin ohjeen mukaan? Kuinka usein ja miten? Seuraa "
            "tuloksia ihon ongelmassa ja kysy tarkkoja, yksityiskohtaisia muutoksia. Kannusta "
            "asiakasta ja vahvista hänen luottamustaan."
        ),
    },
    7: {
        "en": (
            "How are the results with {item}? Any problem, any new need? Confirm the results, "
            "invite the client to bring a friend to try it (referral), and book the next "
            "treatment."
        ),
        "zh": (
            "继续跟进{item}的使用效果，是否遇到问题，是否有新需要；确认效果，邀约客户介绍朋友来进行"
            "试用，跟客户预约护理时间。"
        ),
        "ru": (
            "Каковы результаты {item}? Есть ли проблемы, новые потребности? Подтвердите результат, "
            "пригласите клиента привести подругу попробовать (рекомендация) и запишите на "
            "следующую процедуру."
        ),
        "fi": (
            "Millaisia tuloksia {item} on antanut? Onko ongelmia tai uusia tarpeita? Vahvista "
            "tulos, pyydä asiakasta tuomaan ystävä kokeilemaan (suosittelu) ja varaa seuraava hoito."
        ),
    },
}
DAY1_SMS = {
    "en": "Hello, this is {salon}. How is {item} going? If you need help using it, call us any time.",
    "zh": "您好，这里是{salon}。{item}用得怎么样？使用中如需帮助，可随时致电我们。",
    "ru": "Здравствуйте, это {salon}. Как вам {item}? Если нужна помощь, звоните нам в любое время.",
    "fi": "Hei, täällä {salon}. Miten {item} on sopinut? Jos tarvitset apua, soita meille milloin vain.",
}
TITLES = {
    "en": "Day {day} follow-up: {item}",
    "zh": "第{day}天回访：{item}",
    "ru": "Звонок на {day}-й день: {item}",
    "fi": "Päivän {day} seuranta: {item}",
}
PROGRAMME = Programme(
    name=NAME,
    title=N_("1-3-7 follow-up"),
    description=N_("Calls on day 1, 3 and 7 after a product purchase or a course of treatments."),
    settings=(
        Setting(
            "days",
            "int_list",
            [1, 3, 7],
            N_("Days after the purchase on which to call."),
            1,
            60,
            label=N_("Call on days"),
        ),
        Setting(
            "course_categories",
            "text",
            "body,slimming",
            N_("Service categories treated as a course (comma-separated); products always count."),
            label=N_("Course categories"),
        ),
        Setting(
            "day1_sms",
            "bool",
            False,
            N_("Send a text message on the first day instead of calling (a service message)."),
            label=N_("Text message on day 1"),
        ),
    ),
    enabled_by_default=False,
)


@hookimpl
def salonkeep_programmes() -> list[Programme]:
    """The 1-3-7 programme."""
    return [PROGRAMME]


def _script(plan: Plan, day: int, item: str, days: list[int]) -> str:
    step = day if day in SCRIPTS else (7 if day == days[-1] else 3)
    return plan.text(OPENING) + "\n" + plan.text(SCRIPTS[step], item=item)


@hookimpl
def salonkeep_event(event: DomainEvent, plan: Plan) -> list[Planned]:
    """Plan the calls for a product sold or a course service performed, for whoever served
    the client."""
    if not plan.enabled(NAME):
        return []
    settings = plan.settings(NAME)
    if isinstance(event, ProductSold):
        source, item = f"sale:{event.sale_id}", event.product
    elif isinstance(event, ServicePerformed):
        courses = {c.strip() for c in str(settings["course_categories"]).split(",") if c.strip()}
        if event.category not in courses:
            return []
        source, item = f"visit:{event.visit_id}", event.service
    else:
        return []
    days = list(settings["days"])
    planned: list[Planned] = []
    for index, day in enumerate(days):
        due = plan.day(event.occurred_at, day, NAME)
        title = plan.text(TITLES, day=day, item=item)
        if index == 0 and day == 1 and settings["day1_sms"]:
            planned.append(
                PlannedMessage(
                    programme=NAME,
                    key=f"{source}:day{day}",
                    due_at=due,
                    title=plan.client_text(TITLES, day=day, item=item),
                    body=plan.client_text(DAY1_SMS, item=item),
                    channel="sms",
                    template=f"{NAME}/day1",
                    template_vars={"item": item},
                )
            )
            continue
        planned.append(
            PlannedCall(
                programme=NAME,
                key=f"{source}:day{day}",
                due_at=due,
                title=title,
                script=_script(plan, day, item, days),
                assigned_staff_id=event.staff_id,
            )
        )
    return planned


@hookimpl
def salonkeep_translation_dirs() -> list[str]:
    """The translations of the programmes' titles, descriptions and settings (``locale/``)."""
    return [str(Path(__file__).parent / "locale")]
