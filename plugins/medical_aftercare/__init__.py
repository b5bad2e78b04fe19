"""Medical aesthetics: one year of aftercare after a procedure.

After a procedure: the post-operative instructions (printable from the client page; sent as a
message only when the client consented to the processing of health information), recovery
check-in calls (day 1, 7, 30 and month 3, 6, 12 by default, editable), and the aftercare
period (one year) shown on the client page with what is free within it. A check-in still
open a week after it was due is flagged as missed (the workers' sweep), and missed
check-ups are listed on the panel: they may exclude later aftercare from being free.

The printable instructions are a printable page (template in ``templates/``, translations in
``locale/``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from salonkeep.core.plugins.api import (
    DomainEvent,
    Panel,
    Plan,
    Planned,
    PlannedCall,
    PlannedMessage,
    PrintablePage,
    Programme,
    ServicePerformed,
    Setting,
    add_months,
    hookimpl,
)

NAME = "medical_aftercare"
DEFAULT_INSTRUCTIONS = (
    "Diet: avoid alcohol, spicy food and seafood for 7 days. Habits: no sauna, swimming or hard "
    "exercise for 7 days; sleep with your head raised for the first nights. Wound care: keep "
    "the area clean and dry, do not touch or scratch it, apply only the products we gave you, "
    "protect it from the sun. Call us at once if you notice swelling, heat, pain that grows, "
    "fever or discharge."
)
PROGRAMME = Programme(
    name=NAME,
    title="Medical aesthetics: one-year aftercare",
    description="Post-operative instructions, recovery check-ins and a free aftercare year.",
    settings=(
        Setting("checkin_days", "int_list", [1, 7, 30], "Check-in calls, days after the procedure.", 1, 365),
        Setting(
            "checkin_months", "int_list", [3, 6, 12], "Check-in calls, months after the procedure.", 1, 24
        ),
        Setting("aftercare_months", "int", 12, "Length of the free aftercare period in months.", 1, 60),
        Setting(
            "free_within",
            "text",
            "Check-ups, wound care and corrections of this procedure",
            "What is free during the aftercare period.",
        ),
        Setting(
            "missed_after_days",
            "int",
            7,
            "A check-in still open this many days after it was due is missed.",
            1,
            60,
        ),
        Setting("instructions", "text", DEFAULT_INSTRUCTIONS, "Post-operative care instructions."),
    ),
)


@hookimpl
def salonkeep_programmes() -> list[Programme]:
    """The medical aftercare programme."""
    return [PROGRAMME]


@hookimpl
def salonkeep_event(event: DomainEvent, plan: Plan) -> list[Planned]:
    """Plan the instructions message and the check-in calls after a procedure."""
    if not isinstance(event, ServicePerformed) or not event.is_procedure or not plan.enabled(NAME):
        return []
    settings = plan.settings(NAME)
    grace = timedelta(days=int(settings["missed_after_days"]))
    source = f"visit:{event.visit_id}"
    planned: list[Planned] = [
        PlannedMessage(
            programme=NAME,
            key=f"{source}:instructions",
            due_at=plan.now,
            title=f"Aftercare instructions: {event.service}",
            body=str(settings["instructions"]),
            purpose="health_data",
            template=f"{NAME}/instructions",
            template_vars={"service": event.service, "instructions": str(settings["instructions"])},
        )
    ]
    moments = [
        (f"day{d}", f"Day {d}", plan.day(event.occurred_at, d, NAME)) for d in settings["checkin_days"]
    ]
    moments += [
        (f"month{m}", f"Month {m}", plan.month(event.occurred_at, m, NAME))
        for m in settings["checkin_months"]
    ]
    for label, title, due in sorted(moments, key=lambda m: m[2]):
        planned.append(
            PlannedCall(
                programme=NAME,
                key=f"{source}:{label}",
                due_at=due,
                title=f"{title} recovery check-in: {event.service}",
                script=(
                    "How is the healing going? Swelling, pain, redness, anything unusual? Are the "
                    "care instructions followed? Give personal advice; if anything is abnormal "
                    "record 'abnormal reaction'. Offer the free check-up visit."
                ),
                miss_after=due + grace,
            )
        )
    return planned


@hookimpl
async def salonkeep_client_panels(plan: Plan) -> list[Panel]:
    """The aftercare period of the latest procedure, what is free, missed check-ups."""
    procedures = [v for v in await plan.visits() if v.is_procedure]
    if not procedures:
        return []
    settings = plan.settings(NAME)
    latest = procedures[-1]
    performed = plan.local_date(latest.performed_at)
    until = add_months(performed, int(settings["aftercare_months"]))
    active = plan.today() <= until
    touchpoints = [t for t in await plan.touchpoints() if t.programme == NAME]
    missed = [t for t in touchpoints if t.missed]
    rows = (
        ("Procedure", f"{latest.service}, {plan.format_date(performed)}"),
        (
            "Aftercare period",
            f"until {plan.format_date(until)}" + ("" if active else " (ended: aftercare may be charged)"),
        ),
        ("Free within it", str(settings["free_within"])),
        ("Check-ins done", str(sum(1 for t in touchpoints if t.kind == "call" and t.status == "done"))),
        ("Missed check-ups", ", ".join(t.title for t in missed) if missed else "none"),
    )
    instructions = str(settings["instructions"])
    return [
        Panel(
            programme=NAME,
            title="Medical aftercare",
            rows=rows,
            context={"active": active, "until": until, "instructions": instructions},
            printables=(INSTRUCTIONS_PAGE,) if instructions else (),
        )
    ]


#: The printable post-operative instructions, at /app/clients/<id>/aftercare/instructions.
INSTRUCTIONS_PAGE = "instructions"


def _(message: str) -> str:
    """Mark ``message`` for extraction into the plugin's catalogue; translated when shown."""
    return message


async def instructions_sheet(plan: Plan) -> Mapping[str, Any] | None:
    """What the printable instructions show: the latest procedure, the aftercare period and
    the instructions (nothing to print without a procedure or instructions)."""
    procedures = [v for v in await plan.visits() if v.is_procedure]
    settings = plan.settings(NAME)
    if not procedures or not str(settings["instructions"]):
        return None
    latest = procedures[-1]
    performed = plan.local_date(latest.performed_at)
    return {
        "procedure": f"{latest.service}, {plan.format_date(performed)}",
        "until": add_months(performed, int(settings["aftercare_months"])),
        "instructions": str(settings["instructions"]),
        "free_within": str(settings["free_within"]),
    }


@hookimpl
def salonkeep_translation_dirs() -> list[str]:
    """The translations of the printable instructions."""
    return [str(Path(__file__).parent / "locale")]


@hookimpl
def salonkeep_printable_pages() -> list[PrintablePage]:
    """The post-operative instructions, to print and give to the client."""
    return [
        PrintablePage(
            NAME,
            INSTRUCTIONS_PAGE,
            _("Print post-operative instructions"),
            "medical_aftercare/print_instructions.html",
            instructions_sheet,
        )
    ]
