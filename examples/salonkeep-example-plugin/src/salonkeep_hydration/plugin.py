# ruff: noqa: RUF001 - the texts are in Chinese too, with its full-width punctuation
"""The hydration reminder: a call a few days after a facial, a tip when the client agreed to
marketing e-mail, and an urgent visit when the call reports an abnormal reaction.

Texts in four languages: what the programme plans is written with ``plan.text`` (the
tenant's language: what staff read) or ``plan.client_text`` (the client's language: a
message); the programme's title, description and setting texts are English message ids
(``N_``) translated from the catalogue in ``locale/`` (``salonkeep_translation_dirs``).
"""

from __future__ import annotations

from pathlib import Path

from salonkeep.core.plugins.api import (
    ABNORMAL_REACTION,
    N_,
    DomainEvent,
    Plan,
    Planned,
    PlannedCall,
    PlannedMessage,
    PlannedTask,
    Programme,
    ServicePerformed,
    Setting,
    TouchpointFact,
    hookimpl,
)

NAME = "hydration"
PROGRAMME = Programme(
    name=NAME,
    title=N_("Hydration reminder"),
    description=N_("A call a few days after a facial."),
    settings=(
        Setting("days_after", "int", 2, N_("Days after the facial."), 1, 30, label=N_("Call after (days)")),
    ),
)
CALL_TITLE = {
    "en": "Hydration check",
    "zh": "补水回访",
    "ru": "Проверка увлажнения",
    "fi": "Kosteutuksen tarkistus",
}
CALL_SCRIPT = {
    "en": "Is your skin comfortable? Are you drinking enough water?",
    "zh": "皮肤感觉舒服吗？平时喝水够吗？",
    "ru": "Комфортно ли коже? Достаточно ли вы пьёте воды?",
    "fi": "Tuntuuko iho mukavalta? Juotteko tarpeeksi vettä?",
}
TIP_TITLE = {
    "en": "Hydration tip",
    "zh": "补水小贴士",
    "ru": "Совет по увлажнению",
    "fi": "Kosteutusvinkki",
}
TIP_BODY = {
    "en": "Drink a glass of water with every meal this week: your skin will thank you.",
    "zh": "这周每餐都喝一杯水，您的皮肤会感谢您。",
    "ru": "На этой неделе выпивайте стакан воды за каждым приёмом пищи: кожа скажет вам спасибо.",
    "fi": "Juo tällä viikolla lasi vettä jokaisen aterian kanssa: ihosi kiittää.",
}
VISIT_TITLE = {
    "en": "Visit the client (hydration call)",
    "zh": "上门看望客户（补水回访）",
    "ru": "Навестите клиента (звонок об увлажнении)",
    "fi": "Käy asiakkaan luona (kosteutussoitto)",
}


@hookimpl
def salonkeep_programmes() -> list[Programme]:
    """The hydration programme."""
    return [PROGRAMME]


@hookimpl
def salonkeep_translation_dirs() -> list[str]:
    """The translations of the programme's title, description and setting."""
    return [str(Path(__file__).parent / "locale")]


@hookimpl
def salonkeep_event(event: DomainEvent, plan: Plan) -> list[Planned]:
    """After a facial: the call, and a tip message (sent only with marketing consent)."""
    if not isinstance(event, ServicePerformed) or event.category != "facial":
        return []
    days = int(plan.settings(NAME)["days_after"])
    return [
        PlannedCall(
            programme=NAME,
            key=f"visit:{event.visit_id}",
            due_at=plan.day(event.occurred_at, days, NAME),
            title=plan.text(CALL_TITLE),
            script=plan.text(CALL_SCRIPT),
        ),
        PlannedMessage(
            programme=NAME,
            key=f"visit:{event.visit_id}:tip",
            due_at=plan.day(event.occurred_at, 1, NAME),
            title=plan.client_text(TIP_TITLE),
            body=plan.client_text(TIP_BODY),
            purpose="marketing_email",
        ),
    ]


@hookimpl
def salonkeep_touchpoint_outcome(touchpoint: TouchpointFact, outcome: str, plan: Plan) -> list[Planned]:
    """An abnormal reaction on the hydration call: the practitioner visits the client."""
    if touchpoint.programme != NAME or outcome != ABNORMAL_REACTION:
        return []
    return [
        PlannedTask(
            programme=NAME,
            key=f"{touchpoint.id}:visit",
            due_at=plan.now,
            title=plan.text(VISIT_TITLE),
            urgency="urgent",
            assigned_role="practitioner",
        )
    ]
