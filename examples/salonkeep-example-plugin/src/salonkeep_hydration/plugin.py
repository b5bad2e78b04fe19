"""The hydration reminder: a call a few days after a facial, a tip when the client agreed to
marketing e-mail, and an urgent visit when the call reports an abnormal reaction."""

from __future__ import annotations

from salonkeep.core.plugins.api import (
    ABNORMAL_REACTION,
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
    title="Hydration reminder",
    description="A call a few days after a facial.",
    settings=(Setting("days_after", "int", 2, "Days after the facial.", 1, 30),),
)


@hookimpl
def salonkeep_programmes() -> list[Programme]:
    """The hydration programme."""
    return [PROGRAMME]


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
            title="Hydration check",
            script="Is your skin comfortable? Are you drinking enough water?",
        ),
        PlannedMessage(
            programme=NAME,
            key=f"visit:{event.visit_id}:tip",
            due_at=plan.day(event.occurred_at, 1, NAME),
            title="Hydration tip",
            body="Drink a glass of water with every meal this week: your skin will thank you.",
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
            title="Visit the client (hydration call)",
            urgency="urgent",
            assigned_role="practitioner",
        )
    ]
