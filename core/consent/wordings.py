"""The consent tick-box texts in the languages clients are served in (en, zh, ru, fi).

Whatever text was shown is recorded verbatim with each ledger event; a grant whose text is no
longer one of these (the wording changed since) is "to confirm" (see
:func:`salonkeep.core.consent.service.needs_confirmation`).
"""

from __future__ import annotations

#: Purpose value → text, per language.
WORDINGS: dict[str, dict[str, str]] = {
    "en": {
        "health_data": "I agree that the salon keeps my allergies and health information to make my treatments safe.",
        "marketing_email": "I want salon news and exclusive offers by e-mail.",
        "marketing_sms": "I want salon news and exclusive offers by text message.",
        "greetings": "I want birthday and holiday greetings.",
        "third_party_sharing": "I agree that the salon shares my data with the partners named in its privacy policy.",
        "photos": "I agree that before/after photos of my treatments are taken and kept.",
    },
    "fi": {
        "health_data": "Hyväksyn, että salonki säilyttää allergia- ja terveystietoni hoitojeni turvallisuuden vuoksi.",
        "marketing_email": "Haluan salongin uutisia ja etuja sähköpostilla.",
        "marketing_sms": "Haluan salongin uutisia ja etuja tekstiviestillä.",
        "greetings": "Haluan syntymäpäivä- ja juhlapyhätervehdyksiä.",
        "third_party_sharing": "Hyväksyn, että salonki jakaa tietojani tietosuojaselosteessa nimetyille kumppaneille.",
        "photos": "Hyväksyn, että hoidoistani otetaan ja säilytetään ennen/jälkeen-kuvia.",
    },
    "ru": {
        "health_data": "Я согласен(на), что салон хранит сведения о моих аллергиях и здоровье для безопасности процедур.",
        "marketing_email": "Я хочу получать новости и специальные предложения салона по электронной почте.",
        "marketing_sms": "Я хочу получать новости и специальные предложения салона в SMS.",
        "greetings": "Я хочу получать поздравления с днём рождения и праздниками.",
        "third_party_sharing": "Я согласен(на), что салон передаёт мои данные партнёрам, названным в политике конфиденциальности.",
        "photos": "Я согласен(на) на съёмку и хранение фотографий до и после процедур.",
    },
    "zh": {
        "health_data": "我同意美容院保存我的过敏史和健康信息,以确保护理安全。",
        "marketing_email": "我希望通过电子邮件接收美容院新闻和专属优惠。",
        "marketing_sms": "我希望通过短信接收美容院新闻和专属优惠。",
        "greetings": "我希望收到生日和节日祝福。",
        "third_party_sharing": "我同意美容院将我的数据提供给其隐私政策中列明的合作伙伴。",
        "photos": "我同意拍摄并保存我的护理前后对比照片。",
    },
}
