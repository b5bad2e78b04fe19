"""The 1-3-7 follow-up: calls on day 1, 3 and 7 after a product purchase or a course.

Day 1: is the client using it, do they know how. Day 3: how does it feel, correct usage,
more guidance. Day 7: results, any problem or new need; offer to book the next treatment and
ask for referrals. Off by default: chains choose it or the per-category follow-ups.
"""

from __future__ import annotations

from salonkeep.core.plugins.api import (
    DomainEvent,
    Plan,
    Planned,
    PlannedCall,
    ProductSold,
    Programme,
    ServicePerformed,
    Setting,
    hookimpl,
)

NAME = "follow_up_137"
SCRIPTS = {
    1: "Have you started using {item}? Do you know how to use it? Anything unclear?",
    3: "How does {item} feel so far? Check the client uses it correctly and give more guidance.",
    7: (
        "How are the results with {item}? Any problem or new need? Offer to book the next "
        "treatment, and ask whether a friend might like to come too (referral)."
    ),
}
PROGRAMME = Programme(
    name=NAME,
    title="1-3-7 follow-up",
    description="Calls on day 1, 3 and 7 after a product purchase or a course of treatments.",
    settings=(
        Setting("days", "int_list", [1, 3, 7], "Days after the purchase on which to call.", 1, 60),
        Setting(
            "course_categories",
            "text",
            "body,slimming",
            "Service categories treated as a course (comma-separated); products always count.",
        ),
    ),
    enabled_by_default=False,
)


@hookimpl
def salonkeep_programmes() -> list[Programme]:
    """The 1-3-7 programme."""
    return [PROGRAMME]


def _script(day: int, item: str, days: list[int]) -> str:
    if day in SCRIPTS:
        return SCRIPTS[day].format(item=item)
    return SCRIPTS[7 if day == days[-1] else 3].format(item=item)


@hookimpl
def salonkeep_event(event: DomainEvent, plan: Plan) -> list[Planned]:
    """Plan the calls for a product sold or a course service performed."""
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
    return [
        PlannedCall(
            programme=NAME,
            key=f"{source}:day{day}",
            due_at=plan.day(event.occurred_at, day, NAME),
            title=f"Day {day} follow-up: {item}",
            script=_script(day, item, days),
        )
        for day in days
    ]
