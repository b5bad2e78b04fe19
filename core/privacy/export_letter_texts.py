"""The texts of the readable export (:mod:`salonkeep.core.privacy.export_letter`) in en, zh,
ru and fi, and how the core's tables appear in it (:data:`CORE_SECTIONS`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: A text in each language: ``{"en": …, "zh": …, "ru": …, "fi": …}``.
Labels = Mapping[str, str]
LANGUAGES = ("en", "zh", "ru", "fi")


@dataclass(frozen=True)
class LetterSection:
    """How the readable export shows the rows of one table.

    ``fields``: the columns shown, in order, each with its label; ``values``: words for the
    codes of a column (``{"status": {"done": {"en": "Done", …}}}``; booleans are ``"true"`` and
    ``"false"``); ``money``: integer columns holding cents; ``summary``: instead of the rows,
    one sentence with ``%(count)s``, ``%(first)s`` and ``%(last)s`` (the first and last date of
    the first moment column)."""

    title: Labels
    fields: Mapping[str, Labels] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, Labels]] = field(default_factory=dict)
    money: frozenset[str] = frozenset()
    summary: Labels | None = None


def text(labels: Labels, language: str) -> str:
    """``labels`` in ``language`` (English when it has none)."""
    return labels.get(language) or labels.get("en", "")


def _l(en: str, zh: str, ru: str, fi: str) -> Labels:
    return {"en": en, "zh": zh, "ru": ru, "fi": fi}


#: The fixed texts of the letter.
TEXTS: dict[str, Labels] = {
    "title": _l(
        "Your data at %(salon)s", "您在 %(salon)s 的个人数据", "Ваши данные в %(salon)s", "Tietosi: %(salon)s"
    ),
    "greeting": _l("Dear %(name)s,", "尊敬的 %(name)s:", "Уважаемый(ая) %(name)s!", "Hyvä %(name)s,"),
    "intro": _l(
        "this letter lists everything %(salon)s holds about you, as of %(when)s.",
        "本函列出截至 %(when)s %(salon)s 保存的您的全部个人数据。",
        "в этом письме перечислено всё, что %(salon)s хранит о вас, по состоянию на %(when)s.",
        "tässä kirjeessä on kaikki, mitä %(salon)s säilyttää sinusta, tilanne %(when)s.",
    ),
    "zone": _l(
        "Times are in the %(zone)s time zone.",
        "时间均为 %(zone)s 时区。",
        "Время указано в часовом поясе %(zone)s.",
        "Ajat ovat aikavyöhykkeellä %(zone)s.",
    ),
    "client": _l("Your details", "您的基本信息", "Ваши данные", "Perustietosi"),
    "nothing": _l("Nothing recorded.", "无记录。", "Записей нет.", "Ei merkintöjä."),
    "other": _l(
        "Other records held about you: %(count)s. They are in the complete copy.",
        "其他与您有关的记录:%(count)s 条,见完整副本。",
        "Другие записи о вас: %(count)s. Они есть в полной копии.",
        "Muita sinua koskevia merkintöjä: %(count)s. Ne ovat täydellisessä kopiossa.",
    ),
    "closing": _l(
        "You may ask us to correct or delete your data, to stop using it, or for a complete copy "
        "in a machine-readable form (JSON).",
        "您可以要求我们更正或删除您的数据、停止使用您的数据,或索取机器可读格式(JSON)的完整副本。",
        "Вы можете попросить нас исправить или удалить ваши данные, прекратить их использование "
        "или выдать полную копию в машиночитаемом виде (JSON).",
        "Voit pyytää meitä korjaamaan tai poistamaan tietosi, lopettamaan niiden käytön tai "
        "antamaan täydellisen kopion koneluettavassa muodossa (JSON).",
    ),
    "regards": _l("Kind regards,", "此致敬礼", "С уважением,", "Ystävällisin terveisin"),
    "yes": _l("Yes", "是", "Да", "Kyllä"),
    "no": _l("No", "否", "Нет", "Ei"),
}

#: Labels of the client record's fields (in the order shown).
CLIENT_FIELDS: dict[str, Labels] = {
    "first_name": _l("First name", "名", "Имя", "Etunimi"),
    "last_name": _l("Last name", "姓", "Фамилия", "Sukunimi"),
    "date_of_birth": _l("Date of birth", "出生日期", "Дата рождения", "Syntymäaika"),
    "phone": _l("Phone", "电话", "Телефон", "Puhelin"),
    "email": _l("E-mail", "电子邮件", "Эл. почта", "Sähköposti"),
    "preferred_locale": _l("Language", "语言", "Язык", "Kieli"),
    "needs": _l("Beauty needs", "美容需求", "Пожелания по уходу", "Hoitotarpeet"),
    "allergies": _l("Allergies", "过敏史", "Аллергии", "Allergiat"),
    "health_notes": _l("Health notes", "健康记录", "Заметки о здоровье", "Terveysmerkinnät"),
    "id_number": _l("National ID number", "身份证号码", "Личный идентификационный номер", "Henkilötunnus"),
    "treatment_notes": _l("Treatment notes", "治疗记录", "Заметки о процедурах", "Hoitomerkinnät"),
    "created_at": _l("Client since", "建档时间", "Клиент с", "Asiakkaana alkaen"),
}
LANGUAGE_NAMES: dict[str, Labels] = {
    code: _l(name, name, name, name)
    for code, name in {"en": "English", "zh": "中文", "ru": "Русский", "fi": "Suomi"}.items()
}

_WHEN = _l("When", "时间", "Когда", "Milloin")
_NOTES = _l("Notes", "备注", "Заметки", "Merkinnät")
_STATUS = _l("Status", "状态", "Статус", "Tila")
_PURPOSES = {
    "health_data": _l("Keeping health information", "保存健康信息", "Хранение сведений о здоровье", "Terveystietojen säilyttäminen"),
    "marketing_email": _l("News and offers by e-mail", "电子邮件资讯和优惠", "Новости и предложения по эл. почте", "Uutiset ja tarjoukset sähköpostilla"),
    "marketing_sms": _l("News and offers by text message", "短信资讯和优惠", "Новости и предложения по SMS", "Uutiset ja tarjoukset tekstiviestillä"),
    "greetings": _l("Birthday and holiday greetings", "生日和节日问候", "Поздравления с днём рождения и праздниками", "Syntymäpäivä- ja juhlatervehdykset"),
    "third_party_sharing": _l("Sharing with partners", "与合作伙伴共享", "Передача партнёрам", "Tietojen luovutus kumppaneille"),
    "photos": _l("Photos", "照片", "Фотографии", "Valokuvat"),
}  # fmt: skip
_CHANNELS = {
    "in_store_tablet": _l("On the tablet in the salon", "在店内平板上", "На планшете в салоне", "Tabletilla liikkeessä"),
    "online_form": _l("Online form", "在线表单", "Онлайн-форма", "Verkkolomake"),
    "paper_scanned": _l("On paper", "纸质表格", "На бумаге", "Paperilla"),
    "phone_call": _l("By phone", "电话", "По телефону", "Puhelimessa"),
    "imported": _l("Carried over from our earlier system", "从原系统迁入", "Перенесено из прежней системы", "Siirretty aiemmasta järjestelmästä"),
}  # fmt: skip

#: The core's tables in the letter (a plugin's tables carry their own ``export_letter``).
CORE_SECTIONS: dict[str, LetterSection] = {
    "visit": LetterSection(
        title=_l("Services you received", "您接受的服务", "Полученные услуги", "Saamasi palvelut"),
        fields={
            "performed_at": _WHEN,
            "service": _l("Service", "服务", "Услуга", "Palvelu"),
            "notes": _NOTES,
        },
    ),
    "sale": LetterSection(
        title=_l("Products you bought", "您购买的产品", "Купленные товары", "Ostamasi tuotteet"),
        fields={
            "sold_at": _WHEN,
            "product": _l("Product", "产品", "Товар", "Tuote"),
            "quantity": _l("Quantity", "数量", "Количество", "Määrä"),
            "price_cents": _l("Price", "价格", "Цена", "Hinta"),
        },
        money=frozenset({"price_cents"}),
    ),
    "appointment": LetterSection(
        title=_l("Appointments", "预约", "Записи на приём", "Ajanvaraukset"),
        fields={
            "starts_at": _WHEN,
            "service": _l("Service", "服务", "Услуга", "Palvelu"),
            "status": _STATUS,
        },
        values={
            "status": {
                "booked": _l("Booked", "已预约", "Записан(а)", "Varattu"),
                "cancelled": _l("Cancelled", "已取消", "Отменено", "Peruttu"),
                "done": _l("Done", "已完成", "Состоялось", "Toteutunut"),
                "no_show": _l("Missed", "未到", "Не состоялось", "Ei saapunut"),
            }
        },
    ),
    "consent_event": LetterSection(
        title=_l("Your consents", "您的同意记录", "Ваши согласия", "Suostumuksesi"),
        fields={
            "occurred_at": _WHEN,
            "purpose": _l("For", "用途", "Цель", "Mihin"),
            "granted": _l("Your answer", "您的选择", "Ваш ответ", "Vastauksesi"),
            "channel": _l("Given", "方式", "Как дано", "Miten annettu"),
            "wording": _l("The text you agreed to", "您同意的文字", "Текст, с которым вы согласились", "Teksti, johon vastasit"),
        },
        values={
            "purpose": _PURPOSES,
            "channel": _CHANNELS,
            "granted": {
                "true": _l("Yes, given", "同意", "Согласие дано", "Annettu"),
                "false": _l("Withdrawn", "撤回", "Отозвано", "Peruttu"),
            },
        },
    ),
    "privacy_request": LetterSection(
        title=_l("Your requests about your data", "您关于个人数据的请求", "Ваши запросы о данных", "Tietopyyntösi"),
        fields={
            "received_at": _l("Received", "收到时间", "Получен", "Vastaanotettu"),
            "kind": _l("Request", "请求", "Запрос", "Pyyntö"),
            "status": _STATUS,
            "closed_at": _l("Answered", "答复时间", "Отвечен", "Vastattu"),
        },
        values={
            "kind": {
                "access": _l("To see your data", "查阅数据", "Доступ к данным", "Tietojen tarkastus"),
                "export": _l("A copy of your data", "数据副本", "Копия данных", "Kopio tiedoista"),
                "rectification": _l("Correction", "更正", "Исправление", "Korjaus"),
                "erasure": _l("Deletion", "删除", "Удаление", "Poisto"),
                "restriction": _l("Restriction of use", "限制使用", "Ограничение обработки", "Käsittelyn rajoitus"),
                "objection": _l("Objection", "反对", "Возражение", "Vastustus"),
            },
            "status": {
                "open": _l("In progress", "处理中", "В работе", "Käsittelyssä"),
                "done": _l("Done", "已完成", "Выполнен", "Tehty"),
                "refused": _l("Refused", "已拒绝", "Отклонён", "Hylätty"),
            },
        },
    ),
    "disclosure": LetterSection(
        title=_l("Data given to partners", "提供给合作伙伴的数据", "Данные, переданные партнёрам", "Kumppaneille luovutetut tiedot"),
        fields={
            "disclosed_at": _WHEN,
            "purpose": _l("Why", "用途", "Зачем", "Miksi"),
        },
    ),
    "break_glass_grant": LetterSection(
        title=_l(
            "Emergency access to your health information",
            "紧急查阅您的健康信息",
            "Экстренный доступ к сведениям о вашем здоровье",
            "Terveystietojesi hätäkäyttö",
        ),
        fields={
            "opened_at": _l("From", "开始", "С", "Alkaen"),
            "expires_at": _l("Until", "结束", "До", "Asti"),
        },
    ),
    "touchpoint": LetterSection(
        title=_l("Calls and messages about your care", "关于护理的电话和消息", "Звонки и сообщения об уходе", "Hoitoon liittyvät puhelut ja viestit"),
        fields={
            "due_at": _WHEN,
            "title": _l("About", "内容", "Тема", "Aihe"),
            "status": _STATUS,
        },
        values={
            "status": {
                "planned": _l("Planned", "已计划", "Запланировано", "Suunniteltu"),
                "queued": _l("Being sent", "发送中", "Отправляется", "Lähetetään"),
                "sending": _l("Being sent", "发送中", "Отправляется", "Lähetetään"),
                "sent": _l("Sent", "已发送", "Отправлено", "Lähetetty"),
                "suppressed": _l("Not sent", "未发送", "Не отправлено", "Ei lähetetty"),
                "done": _l("Done", "已完成", "Выполнено", "Tehty"),
                "cancelled": _l("Cancelled", "已取消", "Отменено", "Peruttu"),
                "failed": _l("Not delivered", "未送达", "Не доставлено", "Ei toimitettu"),
            }
        },
    ),
    "call_log": LetterSection(
        title=_l("Our calls to you", "我们给您的电话", "Наши звонки вам", "Soittomme sinulle"),
        fields={
            "recorded_at": _WHEN,
            "outcome": _l("Outcome", "结果", "Результат", "Tulos"),
            "note": _NOTES,
        },
        values={
            "outcome": {
                "reached": _l("We spoke", "已通话", "Поговорили", "Tavoitettiin"),
                "no_answer": _l("No answer", "无人接听", "Нет ответа", "Ei vastausta"),
                "abnormal_reaction": _l("You told us of a reaction", "您反映了不良反应", "Вы сообщили о реакции", "Kerroit reaktiosta"),
                "wants_appointment": _l("You wanted an appointment", "您希望预约", "Вы хотели записаться", "Halusit varata ajan"),
                "opted_out": _l("You asked for no more calls", "您要求不再来电", "Вы попросили больше не звонить", "Pyysit, ettei enää soiteta"),
            }
        },
    ),
    "call_preference": LetterSection(
        title=_l("When you like to be called", "您希望的来电时间", "Когда вам удобно принимать звонки", "Milloin sinulle saa soittaa"),
        fields={
            "preferred_time": _l("Time of day", "时间", "Время", "Kellonaika"),
            "channels": _l(
                "Channel by kind of message", "各类消息的联系渠道", "Канал для каждого вида сообщений", "Kanava viestin lajin mukaan"
            ),
        },
    ),
    "audit_event": LetterSection(
        title=_l("Who handled your record", "谁处理过您的档案", "Кто работал с вашей карточкой", "Kuka käsitteli tietojasi"),
        summary=_l(
            "Our staff opened or changed your record %(count)s times between %(first)s and %(last)s. "
            "You may ask for the full list of who did what and when.",
            "在 %(first)s 至 %(last)s 期间,我们的员工查看或修改您的档案共 %(count)s 次。您可以索取完整的操作记录。",
            "С %(first)s по %(last)s наши сотрудники открывали или изменяли вашу карточку %(count)s раз. "
            "Вы можете запросить полный список: кто, что и когда.",
            "Henkilökuntamme avasi tai muutti tietojasi %(count)s kertaa aikavälillä %(first)s – %(last)s. "
            "Voit pyytää täydellisen luettelon siitä, kuka teki mitä ja milloin.",
        ),
    ),
}  # fmt: skip
