"""The texts of breach notification letters and data category names, in en, zh, ru and fi
(the languages clients are served in). Used by :mod:`salonkeep.core.privacy.breach`."""

from __future__ import annotations

#: Data category names per language.
CATEGORY_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "contact": "contact details (name, phone, e-mail, date of birth)",
        "needs": "beauty needs",
        "health": "health information (allergies, health and treatment notes)",
        "identity": "national ID number",
        "history": "visit and purchase history",
        "other": "other record details",
    },
    "fi": {
        "contact": "yhteystiedot (nimi, puhelin, sähköposti, syntymäaika)",
        "needs": "hoitotarpeet",
        "health": "terveystiedot (allergiat, terveys- ja hoitomerkinnät)",
        "identity": "henkilötunnus",
        "history": "käynti- ja ostohistoria",
        "other": "muut asiakastiedot",
    },
    "ru": {
        "contact": "контактные данные (имя, телефон, эл. почта, дата рождения)",
        "needs": "пожелания по уходу",
        "health": "сведения о здоровье (аллергии, заметки о здоровье и процедурах)",
        "identity": "личный идентификационный номер",
        "history": "история посещений и покупок",
        "other": "другие данные карточки клиента",
    },
    "zh": {
        "contact": "联系信息(姓名、电话、电子邮件、出生日期)",
        "needs": "美容需求",
        "health": "健康信息(过敏史、健康和治疗记录)",
        "identity": "身份证号码",
        "history": "到店和购买记录",
        "other": "其他档案信息",
    },
}
LETTERS: dict[str, tuple[str, str]] = {
    "en": (
        "Notice of a personal data breach",
        "Dear {name},\n\n"
        "We are writing to inform you of a personal data breach at {salon} that concerns your data.\n\n"
        "What happened: {summary}\n"
        "When we found it: {found_at}\n"
        "Which of your data was concerned: {categories}\n"
        "Likely consequences: {consequences}\n"
        "What we have done and are doing: {measures}\n\n"
        "If you have questions, contact our data protection contact: {contact}.\n"
        "You also have the right to lodge a complaint with the data protection authority.\n\n"
        "{salon}\n",
    ),
    "fi": (
        "Ilmoitus henkilötietojen tietoturvaloukkauksesta",
        "Hyvä {name},\n\n"
        "Kerromme tietoturvaloukkauksesta, joka koskee henkilötietojasi yrityksessä {salon}.\n\n"
        "Mitä tapahtui: {summary}\n"
        "Milloin havaitsimme sen: {found_at}\n"
        "Mitä tietojasi se koski: {categories}\n"
        "Todennäköiset seuraukset: {consequences}\n"
        "Mitä olemme tehneet ja teemme: {measures}\n\n"
        "Jos sinulla on kysyttävää, ota yhteyttä tietosuojayhteyshenkilöömme: {contact}.\n"
        "Sinulla on myös oikeus tehdä valitus tietosuojaviranomaiselle.\n\n"
        "{salon}\n",
    ),
    "ru": (
        "Уведомление об утечке персональных данных",
        "Уважаемый(ая) {name}!\n\n"
        "Сообщаем вам об инциденте с персональными данными в {salon}, который затрагивает ваши данные.\n\n"
        "Что произошло: {summary}\n"
        "Когда мы это обнаружили: {found_at}\n"
        "Какие ваши данные затронуты: {categories}\n"
        "Вероятные последствия: {consequences}\n"
        "Что мы сделали и делаем: {measures}\n\n"
        "Если у вас есть вопросы, обратитесь к нашему контактному лицу по защите данных: {contact}.\n"
        "Вы также вправе подать жалобу в надзорный орган по защите данных.\n\n"
        "{salon}\n",
    ),
    "zh": (
        "个人数据泄露通知",
        "尊敬的{name}:\n\n"
        "我们特此通知您,{salon}发生了一起涉及您个人数据的数据泄露事件。\n\n"
        "发生了什么:{summary}\n"
        "我们发现的时间:{found_at}\n"
        "涉及您的哪些数据:{categories}\n"
        "可能的后果:{consequences}\n"
        "我们已经采取和正在采取的措施:{measures}\n\n"
        "如有疑问,请联系我们的数据保护联系人:{contact}。\n"
        "您也有权向数据保护监管机构投诉。\n\n"
        "{salon}\n",
    ),
}
NOT_YET = {"en": "being assessed", "fi": "arvioidaan", "ru": "оцениваются", "zh": "正在评估"}
