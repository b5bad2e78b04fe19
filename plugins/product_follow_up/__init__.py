"""Follow-ups per product category (the slimming chain's rules).

- slimming products: day 2 "have you started using it, anything unclear?", day 5 "how does
  it feel?" (if anything is abnormal, go and see the client) and offer to book the treatment
  due two days later;
- treatment products: a call on day 3, then every 15 days (half-month cycles);
- other categories (brand, fumigation, supplements, care, devices): a call within 7 days.

An abnormal reaction reported on any of these calls is handled at once: besides the core's
urgent task for the branch manager, this plugin asks the practitioner to see the client.
"""

from __future__ import annotations

from datetime import timedelta

from salonkeep.core.plugins.api import (
    ABNORMAL_REACTION,
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
    title="Product follow-ups by category",
    description="Slimming: day 2 and 5; treatment products: day 3 then every 15 days; others: within 7 days.",
    settings=(
        Setting("slimming_days", "int_list", [2, 5], "Days after a slimming sale to call.", 1, 60),
        Setting(
            "book_treatment_after_days",
            "int",
            2,
            "Day-5 call offers a treatment this many days later.",
            0,
            14,
        ),
        Setting("treatment_first_day", "int", 3, "First call after a treatment product sale.", 1, 30),
        Setting("treatment_every_days", "int", 15, "Then call again every this many days.", 1, 90),
        Setting("treatment_repeats", "int", 4, "How many periodic calls after the first.", 0, 24),
        Setting("other_day", "int", 7, "Other categories: call on this day (within the first week).", 1, 7),
    ),
)
TREATMENT = "treatment"
SLIMMING = "slimming"


@hookimpl
def salonkeep_programmes() -> list[Programme]:
    """The per-category follow-up programme."""
    return [PROGRAMME]


def _slimming(event: ProductSold, plan: Plan) -> list[Planned]:
    settings = plan.settings(NAME)
    days = list(settings["slimming_days"])
    calls: list[Planned] = []
    for index, day in enumerate(days):
        if index == 0:
            script = (
                f"Is it a good time (3-5 minutes)? Have you started using {event.product}? "
                "Is anything unclear about how to use it?"
            )
        else:
            book_on = plan.local_date(plan.day(event.occurred_at, day, NAME)) + timedelta(
                days=int(settings["book_treatment_after_days"])
            )
            script = (
                f"How does {event.product} feel? If anything is abnormal, record 'abnormal reaction': "
                "someone goes to see the client. Offer to book the treatment due on "
                f"{plan.format_date(book_on)}."
            )
        calls.append(
            PlannedCall(
                programme=NAME,
                key=f"sale:{event.sale_id}:day{day}",
                due_at=plan.day(event.occurred_at, day, NAME),
                title=f"Slimming day {day}: {event.product}",
                script=script,
            )
        )
    return calls


def _treatment(event: ProductSold, plan: Plan) -> list[Planned]:
    settings = plan.settings(NAME)
    first = int(settings["treatment_first_day"])
    every = int(settings["treatment_every_days"])
    days = [first + every * n for n in range(int(settings["treatment_repeats"]) + 1)]
    return [
        PlannedCall(
            programme=NAME,
            key=f"sale:{event.sale_id}:day{day}",
            due_at=plan.day(event.occurred_at, day, NAME),
            title=f"Treatment product day {day}: {event.product}",
            script=(
                f"How is {event.product} working? Any redness, itching or other abnormal reaction? "
                "An abnormal reaction is handled immediately."
            ),
        )
        for day in days
    ]


@hookimpl
def salonkeep_event(event: DomainEvent, plan: Plan) -> list[Planned]:
    """Plan the calls for a product sold, by its category."""
    if not isinstance(event, ProductSold) or not plan.enabled(NAME):
        return []
    if event.category == SLIMMING:
        return _slimming(event, plan)
    if event.category == TREATMENT:
        return _treatment(event, plan)
    day = int(plan.settings(NAME)["other_day"])
    return [
        PlannedCall(
            programme=NAME,
            key=f"sale:{event.sale_id}:day{day}",
            due_at=plan.day(event.occurred_at, day, NAME),
            title=f"First-week call: {event.product}",
            script=f"Is {event.product} working well for you? Any question about how to use it?",
        )
    ]


@hookimpl
def salonkeep_touchpoint_outcome(touchpoint: TouchpointFact, outcome: str, plan: Plan) -> list[Planned]:
    """An abnormal reaction: the practitioner goes to see the client, at once."""
    if touchpoint.programme != NAME or outcome != ABNORMAL_REACTION:
        return []
    return [
        PlannedTask(
            programme=NAME,
            key=f"{touchpoint.id}:see-client",
            due_at=plan.now,
            title="Go and see the client about an abnormal reaction",
            body=f"Reported on {touchpoint.title!r}.",
            detail=touchpoint.note,
            urgency="urgent",
            assigned_role="practitioner",
        )
    ]
