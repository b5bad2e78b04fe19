"""How the warranty tables appear in the client's readable export (en, zh, ru, fi)."""

from __future__ import annotations

from salonkeep.core.plugins.api import LetterSection

_PRODUCT = {"en": "Product", "zh": "产品", "ru": "Товар", "fi": "Tuote"}

WARRANTY_SECTION = LetterSection(
    title={
        "en": "Your product warranties",
        "zh": "您的产品保修",
        "ru": "Гарантии на ваши товары",
        "fi": "Tuotetakuusi",
    },
    fields={
        "product": _PRODUCT,
        "sold_on": {"en": "Bought on", "zh": "购买日期", "ru": "Куплено", "fi": "Ostettu"},
        "warranty_until": {
            "en": "Warranty until",
            "zh": "保修期至",
            "ru": "Гарантия до",
            "fi": "Takuu voimassa",
        },
        "return_until": {
            "en": "Can be returned until",
            "zh": "可退货至",
            "ru": "Можно вернуть до",
            "fi": "Palautusoikeus asti",
        },
    },
)

CLAIM_SECTION = LetterSection(
    title={
        "en": "Your warranty claims",
        "zh": "您的保修申请",
        "ru": "Ваши гарантийные обращения",
        "fi": "Takuuvaatimuksesi",
    },
    fields={
        "reported_on": {"en": "Reported on", "zh": "报修日期", "ru": "Дата обращения", "fi": "Ilmoitettu"},
        "description": {"en": "What was wrong", "zh": "问题描述", "ru": "Что случилось", "fi": "Vika"},
        "status": {"en": "Status", "zh": "状态", "ru": "Статус", "fi": "Tila"},
        "remedy": {"en": "Remedy", "zh": "处理方式", "ru": "Решение", "fi": "Korjaustapa"},
        "refund_due_on": {
            "en": "Refund due by",
            "zh": "退款截止",
            "ru": "Возврат денег до",
            "fi": "Hyvitys viimeistään",
        },
        "receipt_number": {"en": "Receipt", "zh": "回执编号", "ru": "Квитанция", "fi": "Kuitti"},
        "completed_at": {"en": "Completed", "zh": "完成时间", "ru": "Завершено", "fi": "Valmis"},
    },
    values={
        "status": {
            "reported": {"en": "Reported", "zh": "已报修", "ru": "Принято", "fi": "Ilmoitettu"},
            "in_scope": {
                "en": "Covered by the warranty",
                "zh": "在保修范围内",
                "ru": "Гарантийный случай",
                "fi": "Takuun piirissä",
            },
            "excluded": {
                "en": "Not covered",
                "zh": "不在保修范围内",
                "ru": "Не гарантийный случай",
                "fi": "Ei takuun piirissä",
            },
            "remedy_agreed": {
                "en": "Remedy agreed",
                "zh": "已商定处理方式",
                "ru": "Решение согласовано",
                "fi": "Korjaustapa sovittu",
            },
            "completed": {"en": "Completed", "zh": "已完成", "ru": "Завершено", "fi": "Valmis"},
        },
        "remedy": {
            "repair": {"en": "Repair", "zh": "维修", "ru": "Ремонт", "fi": "Korjaus"},
            "replace": {"en": "Replacement", "zh": "更换", "ru": "Замена", "fi": "Vaihto"},
            "refund": {"en": "Refund", "zh": "退款", "ru": "Возврат денег", "fi": "Hyvitys"},
            "compensation": {"en": "Compensation", "zh": "补偿", "ru": "Компенсация", "fi": "Korvaus"},
        },
    },
)
