"""First visit and next appointment.

- ``first_visit_call``: a call 3 days after a client's first treatment to ask how the skin
  feels.
- ``next_appointment_reminder``: a reminder one day before a new client's next booked care
  (a message to the client: it is part of the service, so it needs no marketing consent).
"""

from __future__ import annotations

from datetime import timedelta

from salonkeep.core.plugins.api import (
    AppointmentBooked,
    DomainEvent,
    Plan,
    Planned,
    PlannedCall,
    PlannedMessage,
    Programme,
    ServicePerformed,
    Setting,
    hookimpl,
)

FIRST_VISIT = "first_visit_call"
REMINDER = "next_appointment_reminder"
PROGRAMMES = [
    Programme(
        name=FIRST_VISIT,
        title="First-visit call",
        description="A call a few days after a client's first treatment.",
        settings=(Setting("days_after", "int", 3, "Days after the first treatment.", 1, 30),),
    ),
    Programme(
        name=REMINDER,
        title="Next-appointment reminder",
        description="Reminds new clients the day before their next booked care.",
        settings=(
            Setting("days_before", "int", 1, "Days before the appointment.", 1, 7),
            Setting("new_clients_only", "bool", True, "Remind only clients of the kind 'new'."),
        ),
    ),
]


@hookimpl
def salonkeep_programmes() -> list[Programme]:
    """The first-visit call and the next-appointment reminder."""
    return PROGRAMMES


@hookimpl
def salonkeep_event(event: DomainEvent, plan: Plan) -> list[Planned]:
    """Plan the first-visit call or the appointment reminder."""
    planned: list[Planned] = []
    if isinstance(event, ServicePerformed) and event.first_visit and plan.enabled(FIRST_VISIT):
        days = int(plan.settings(FIRST_VISIT)["days_after"])
        planned.append(
            PlannedCall(
                programme=FIRST_VISIT,
                key=f"visit:{event.visit_id}",
                due_at=plan.day(event.occurred_at, days, FIRST_VISIT),
                title=f"First-visit call: {event.service}",
                script=(
                    f"Ask whether it is a good time (3-5 minutes). How does your skin feel since "
                    f"the {event.service}? Any redness or discomfort? Note everything in the call log."
                ),
            )
        )
    if isinstance(event, AppointmentBooked) and plan.enabled(REMINDER):
        settings = plan.settings(REMINDER)
        if settings["new_clients_only"] and plan.client.kind != "new":
            return planned
        local_start = event.starts_at.astimezone(plan.zone())
        due = plan.at(local_start.date() - timedelta(days=int(settings["days_before"])), REMINDER)
        if due > plan.now:
            planned.append(
                PlannedMessage(
                    programme=REMINDER,
                    key=f"appointment:{event.appointment_id}",
                    due_at=due,
                    title="Appointment reminder",
                    body=(
                        f"Hello {plan.client.first_name}, a reminder of your {event.service} on "
                        f"{plan.format_date(event.starts_at)} at {plan.format_time(event.starts_at)}. "
                        "We look forward to seeing you!"
                    ),
                    template=f"{REMINDER}/reminder",
                    template_vars={"service": event.service, "starts_at": event.starts_at},
                )
            )
    return planned
