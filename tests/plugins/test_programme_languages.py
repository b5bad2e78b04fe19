# ruff: noqa: RUF001 - Cyrillic and typographic dashes on purpose
"""Every programme reads in the person's language: a walk over every installed programme (the
built-ins and the example plugin) and every text it shows — its title and description, its
settings' labels, help and default texts (the programmes page, through the plugins'
catalogues), the texts it writes in four languages, and the titles, scripts, tasks and
messages it plans for representative events — fails when the Chinese, Russian or Finnish
text is missing or is the English one."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from salonkeep.core.aftercare import calls
from salonkeep.core.delivery import letter, templates
from salonkeep.core.plugins.api import (
    ABNORMAL_REACTION,
    AppointmentBooked,
    ClientFacts,
    ClientRegistered,
    ComplaintCovered,
    ComplaintReceived,
    Plan,
    PlannedCall,
    PlannedMessage,
    PlannedTask,
    ProductSold,
    Programme,
    ReferralRecorded,
    ServicePerformed,
    Setting,
    TouchpointFact,
    VisitFact,
    holiday_names_in,
)
from salonkeep.core.plugins.manager import get_plugins
from salonkeep.web import i18n
from salonkeep.web.labels import setting_label

LANGUAGES = ("zh", "ru", "fi")
ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 25, 8, 0, tzinfo=UTC)
#: What may stay the same in every language: placeholders, numbers, punctuation.
_NEUTRAL = re.compile(r"\{[a-z_]+\}|[\d\s.,:;!?()\[\]/\-–—'\"“”«»]+")


def _is_english_copy(english: str, other: str) -> bool:
    """True when ``other`` is ``english`` again (and ``english`` has words to translate)."""
    return other == english and bool(_NEUTRAL.sub("", english))


def _programmes() -> list[Programme]:
    return sorted(get_plugins().programmes().values(), key=lambda p: p.name)


def _shown_texts(programme: Programme) -> Iterator[tuple[str, str, Any]]:
    """(what, English, how to render) of every text the programmes page shows for it."""
    yield "title", programme.title, i18n.gettext
    yield "description", programme.description, i18n.gettext
    for setting in programme.schema().values():
        yield f"{setting.name} label", setting.label or setting.name, lambda _s, s=setting: setting_label(s)
        yield f"{setting.name} help", setting.help, i18n.gettext


@pytest.fixture
def catalogues():
    i18n.catalog.cache_clear()
    yield
    i18n.catalog.cache_clear()


def test_the_walk_sees_every_built_in_programme_and_the_example():
    names = {p.name for p in _programmes()}
    assert {
        "first_visit_call",
        "next_appointment_reminder",
        "new_product_call",
        "visit_call",
        "follow_up_137",
        "birthday_greetings",
        "holiday_greetings",
        "medical_aftercare",
        "product_follow_up",
        "referrals",
        "service_guarantee",
        "warranty",
        "hydration",
    } <= names


@pytest.mark.parametrize("language", LANGUAGES)
def test_names_descriptions_and_settings_are_translated(language, catalogues):
    problems = []
    for programme in _programmes():
        texts = list(_shown_texts(programme))
        with i18n.language_scope("en"):
            english = [render(text) for _, text, render in texts]
        with i18n.language_scope(language):
            for (what, text, render), shown_in_english in zip(texts, english, strict=True):
                shown = render(text)
                if not shown or _is_english_copy(shown_in_english, shown):
                    problems.append(f"{programme.name} {what}: {shown!r}")
    assert not problems, f"{language}: {problems}"


def _prose(setting: Setting) -> bool:
    """A text setting whose default is words (not codes such as ``device:365``)."""
    return setting.type == "text" and " " in str(setting.default)


def test_default_texts_of_settings_are_written_in_every_language():
    problems = []
    for programme in _programmes():
        for setting in filter(_prose, programme.schema().values()):
            for language in LANGUAGES:
                shown = setting.default_in(language)
                if not shown or _is_english_copy(str(setting.default), str(shown)):
                    problems.append(f"{programme.name}.{setting.name} {language}")
            assert setting.is_default(setting.default_in("fi"))
    assert not problems


def _plugin_modules() -> list[ModuleType]:
    return [plugin for _, plugin in get_plugins().pm.list_name_plugin() if isinstance(plugin, ModuleType)]


def _language_tables(value: Any, where: str) -> Iterator[tuple[str, Mapping[str, str]]]:
    """Every ``{"en": …}`` table in ``value`` (nested dicts and tuples included)."""
    if isinstance(value, Mapping):
        if isinstance(value.get("en"), str):
            yield where, value
            return
        for key, item in value.items():
            yield from _language_tables(item, f"{where}[{key!r}]")
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from _language_tables(item, f"{where}[{index}]")


def test_every_text_table_has_the_four_languages():
    """The texts programmes (and the core's outcome and letter tasks) write with
    ``plan.text``: each table has zh, ru and fi, none an English copy, with the same
    placeholders."""
    modules = [*_plugin_modules(), calls, letter]
    tables = [
        found
        for module in modules
        for name, value in vars(module).items()
        if name.isupper()
        for found in _language_tables(value, f"{module.__name__}.{name}")
    ]
    assert len(tables) > 60
    problems = []
    for where, table in tables:
        wanted = sorted(re.findall(r"\{[a-z_]+\}", table["en"]))
        for language in LANGUAGES:
            text = table.get(language, "")
            if not text or _is_english_copy(table["en"], text):
                problems.append(f"{where} {language}")
            elif sorted(re.findall(r"\{[a-z_]+\}", text)) != wanted:
                problems.append(f"{where} {language}: placeholders differ")
    assert not problems


# ---- what the programmes plan, written for a tenant of each language --------------------------

TENANT, BRANCH, CLIENT, STAFF = (uuid.uuid4() for _ in range(4))
VISITS = [
    VisitFact("Lip filler", "medical_aesthetics", NOW - timedelta(days=1), True, ("filler",)),
]
REFERRER = ClientFacts(uuid.uuid4(), BRANCH, "Helmi", "member", None, NOW - timedelta(days=400))


def _plan(locale: str, settings: Mapping[str, Mapping[str, Any]]) -> Plan:
    client = ClientFacts(CLIENT, BRANCH, "Aino", "member", date(1990, 6, 15), NOW - timedelta(days=30))

    async def visits() -> list[VisitFact]:
        return VISITS

    async def touchpoints() -> list[TouchpointFact]:
        return []

    async def consent(_purpose: str) -> bool:
        return True

    async def referrer() -> ClientFacts:
        return REFERRER

    return Plan(
        tenant_id=TENANT,
        country="FI",
        time_zone="Europe/Helsinki",
        client=client,
        now=NOW,
        settings_by_programme=settings,
        # The warranty keeps its own tables (a database): its texts are walked above.
        enabled_programmes=frozenset(settings) - {"warranty"},
        _visits=visits,
        _touchpoints=touchpoints,
        _consent=consent,
        _referrer=referrer,
        locale=locale,
        salon_name="Aurora",
    )


def _settings(**changes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    values = {p.name: p.defaults() for p in _programmes()}
    for name, changed in changes.items():
        values[name].update(changed)
    return values


def _id(name: str) -> uuid.UUID:
    """The same id for every language (keys are compared across them)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, name)


def _events() -> list[Any]:
    common = {"tenant_id": TENANT, "client_id": CLIENT, "branch_id": BRANCH, "occurred_at": NOW}
    sold = [
        ProductSold(**common, sale_id=_id(c), product="Serum", category=c, quantity=1, staff_id=STAFF)
        for c in ("slimming", "treatment", "brand", "supplement", "care")
    ]
    return [
        ClientRegistered(**common),
        ServicePerformed(
            **common,
            visit_id=_id("filler"),
            service="Lip filler",
            category="medical_aesthetics",
            first_visit=True,
            is_procedure=True,
        ),
        ServicePerformed(
            **common,
            visit_id=_id("wrap"),
            service="Wrap",
            category="body",
            first_visit=False,
            is_procedure=False,
        ),
        ServicePerformed(
            **common,
            visit_id=_id("facial"),
            service="Facial",
            category="facial",
            first_visit=False,
            is_procedure=False,
        ),
        *sold,
        AppointmentBooked(
            **common, appointment_id=_id("appointment"), service="Facial", starts_at=NOW + timedelta(days=5)
        ),
        ComplaintReceived(
            **common,
            complaint_id=_id("complaint-1"),
            channel="phone",
            reason="uneven",
            received_on=date(2026, 3, 25),
        ),
        ComplaintReceived(
            **common,
            complaint_id=_id("complaint-2"),
            channel="email",
            reason="uneven",
            received_on=date(2026, 4, 25),
        ),
        ComplaintCovered(
            **common,
            complaint_id=_id("complaint-3"),
            programme="service_guarantee",
            reason="uneven",
            received_on=date(2026, 4, 25),
        ),
        ReferralRecorded(**common, referrer_id=REFERRER.id),
    ]


def _outcomes() -> list[tuple[TouchpointFact, str]]:
    """Calls closed by staff: an abnormal reaction on each programme that reacts to one, and
    a periodic treatment call (which plans the next)."""

    def call(programme: str, key: str, title: str, outcome: str) -> tuple[TouchpointFact, str]:
        fact = TouchpointFact(
            uuid.uuid5(uuid.NAMESPACE_URL, key),
            CLIENT,
            BRANCH,
            programme,
            "call",
            key,
            title,
            NOW,
            "done",
            outcome,
            "",
            1,
            False,
            STAFF,
        )
        return fact, outcome

    return [
        call("product_follow_up", "sale:1:day7", "First-week call: Serum", ABNORMAL_REACTION),
        call("product_follow_up", "sale:2:treatment:0", "Treatment product day 3: Serum", "reached"),
        call("hydration", "visit:1", "Hydration check", ABNORMAL_REACTION),
    ]


async def _planned(locale: str, settings: Mapping[str, Mapping[str, Any]]) -> dict[tuple[str, str], Any]:
    """What every programme plans, by (programme, key), for a tenant writing ``locale``."""
    plan = _plan(locale, settings)
    found: list[Any] = []
    for event in _events():
        found += await get_plugins().event(event, plan)
    for fact, outcome in _outcomes():
        title = fact.title
        if locale != "en":  # the call was planned in the tenant's language
            title = next((i.title for i in found if isinstance(i, PlannedCall) and i.key == fact.key), title)
        found += await get_plugins().touchpoint_outcome(replace(fact, title=title), outcome, plan)
    return {(item.programme, item.key): item for item in found}


def _texts(item: Any) -> dict[str, str]:
    if isinstance(item, PlannedCall):
        return {"title": item.title, "script": item.script}
    if isinstance(item, PlannedMessage | PlannedTask):
        return {"title": item.title, "body": item.body}
    return {}


VARIANTS = {
    "calls and texts": _settings(
        birthday_greetings={"birthday_call": True},
        holiday_greetings={"country_holidays": False},
        next_appointment_reminder={"new_clients_only": False},
    ),
    "messages instead of calls": _settings(
        follow_up_137={"day1_sms": True},
        holiday_greetings={"country_holidays": False, "holiday_calls": False},
        next_appointment_reminder={"new_clients_only": False},
    ),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
async def test_what_the_programmes_plan_is_written_in_the_tenants_language(variant):
    settings = VARIANTS[variant]
    english = await _planned("en", settings)
    programmes = {programme for programme, _ in english}
    assert programmes >= {
        "first_visit_call",
        "next_appointment_reminder",
        "new_product_call",
        "follow_up_137",
        "birthday_greetings",
        "holiday_greetings",
        "medical_aftercare",
        "product_follow_up",
        "referrals",
        "service_guarantee",
        "hydration",
    }, programmes
    problems = []
    for language in LANGUAGES:
        written = await _planned(language, settings)
        assert written.keys() == english.keys(), language
        for key, item in english.items():
            for field, text in _texts(item).items():
                if not text:
                    continue
                other = _texts(written[key])[field]
                if not other or _is_english_copy(text, other):
                    problems.append(f"{language} {key} {field}: {other!r}")
    assert not problems


async def test_a_message_is_written_in_the_clients_language():
    """A Finnish tenant's client who reads Russian gets the reminder, the birthday messages
    and the post-operative instructions in Russian; staff's call scripts stay Finnish."""
    plan = _plan("fi", VARIANTS["calls and texts"])
    plan = replace(plan, client=replace(plan.client, preferred_locale="ru"))
    found = []
    for event in _events():
        found += await get_plugins().event(event, plan)
    messages = [m for m in found if isinstance(m, PlannedMessage) and m.programme != "referrals"]
    assert messages
    for message in messages:
        assert re.search("[а-яё]", message.body + message.title, re.I), message
    instructions = next(m for m in messages if m.programme == "medical_aftercare")
    assert instructions.template_vars["instructions"].startswith("Питание")
    scripts = [c.script for c in found if isinstance(c, PlannedCall)]
    assert scripts and not any(re.search("[а-яё]", s, re.I) for s in scripts)


def test_country_holidays_are_named_in_the_clients_language_when_known():
    names = holiday_names_in("FI", range(2026, 2027), "fi")
    assert names is not None and names[date(2026, 12, 6)] == "Itsenäisyyspäivä"
    assert holiday_names_in("RU", range(2026, 2027), "ru")[date(2026, 6, 12)] == "День России"
    assert holiday_names_in("FI", range(2026, 2027), "zh") is None  # English, as the package has it


_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


def _words_of(template: str) -> tuple[str, str]:
    """The subject and body of a template without its values and tags (what is translated)."""
    subject, _, body = _JINJA.sub("", template).partition("\n")
    return _NEUTRAL.sub("", subject.removeprefix("Subject:")), _NEUTRAL.sub("", body)


def test_every_message_template_is_written_in_each_language():
    """The message templates (built-in, and those plugins ship): the zh, ru and fi subject and
    body are not the English ones (a part made only of values, ``{{ holiday }}``, aside)."""
    folders = [templates.FOLDER, *(Path(folder) for folder in get_plugins().template_dirs())]
    names = sorted({p.relative_to(f).as_posix().split(".")[0] for f in folders for p in f.glob("*/*.en.txt")})
    assert set(templates.built_in_names()) <= set(names)
    problems = []
    for name in names:
        folder = next(f for f in folders if (f / f"{name}.en.txt").exists())
        english = _words_of((folder / f"{name}.en.txt").read_text())
        for language in LANGUAGES:
            path = folder / f"{name}.{language}.txt"
            if not path.exists():
                problems.append(f"{name} {language}: missing")
                continue
            templates.validate(path.read_text())  # renders
            for part, words, original in zip(
                ("subject", "body"), _words_of(path.read_text()), english, strict=True
            ):
                if original and words == original:
                    problems.append(f"{name} {language} {part}")
    assert not problems
