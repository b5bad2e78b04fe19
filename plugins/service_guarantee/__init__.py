"""Service guarantee: a client dissatisfied with a service may report it within 3 days
(setting; some salons give 7) for a free correction. The report opens a task; so does staff
deciding that a complaint is covered by the guarantee (the free correction, once).
"""

from __future__ import annotations

from datetime import timedelta

from salonkeep.core.plugins.api import (
    ComplaintCovered,
    ComplaintReceived,
    DomainEvent,
    Plan,
    Planned,
    PlannedTask,
    Programme,
    Setting,
    hookimpl,
)

NAME = "service_guarantee"
PROGRAMME = Programme(
    name=NAME,
    title="Service guarantee",
    description="Dissatisfaction reported within a few days of a service: a free correction.",
    settings=(
        Setting("report_within_days", "int", 3, "Days after the service a report is accepted.", 1, 30),
    ),
)


@hookimpl
def salonkeep_programmes() -> list[Programme]:
    """The service guarantee programme."""
    return [PROGRAMME]


@hookimpl
async def salonkeep_event(event: DomainEvent, plan: Plan) -> list[Planned]:
    """A complaint within the guarantee period of the latest service opens a correction task;
    a later one a task to explain the terms."""
    if isinstance(event, ComplaintCovered):
        return await _covered(event, plan)
    if not isinstance(event, ComplaintReceived) or not plan.enabled(NAME):
        return []
    window = int(plan.settings(NAME)["report_within_days"])
    services = [v for v in await plan.visits() if plan.local_date(v.performed_at) <= event.received_on]
    if not services:
        return []
    latest = services[-1]
    done_on = plan.local_date(latest.performed_at)
    within = event.received_on - done_on <= timedelta(days=window)
    if within:
        title = f"Free correction of {latest.service} ({plan.format_date(done_on)})"
        body = f"Reported via {event.channel}: {event.reason}. Book the correction free of charge."
    else:
        title = f"Complaint about {latest.service} outside the {window}-day guarantee"
        body = (
            f"Reported via {event.channel}: {event.reason}. "
            "Explain the terms patiently; follow the complaint process."
        )
    return [
        PlannedTask(
            programme=NAME,
            key=f"complaint:{event.complaint_id}",
            due_at=plan.now,
            title=title,
            body=body,
            urgency="urgent" if within else "normal",
            assigned_role="branch_manager",
        )
    ]


async def _covered(event: ComplaintCovered, plan: Plan) -> list[Planned]:
    """Staff decided the complaint is covered by the guarantee: the free correction. Within
    the window it is the task the complaint already opened (same key: planned once); outside
    it, staff chose to honour it anyway, so a correction task of its own."""
    if event.programme != NAME or not plan.enabled(NAME):
        return []
    window = int(plan.settings(NAME)["report_within_days"])
    services = [v for v in await plan.visits() if plan.local_date(v.performed_at) <= event.received_on]
    latest = services[-1] if services else None
    done_on = plan.local_date(latest.performed_at) if latest else None
    within = done_on is not None and event.received_on - done_on <= timedelta(days=window)
    what = f"{latest.service} ({plan.format_date(done_on)})" if latest and done_on else event.reason
    return [
        PlannedTask(
            programme=NAME,
            key=f"complaint:{event.complaint_id}" if within else f"complaint:{event.complaint_id}:covered",
            due_at=plan.now,
            title=f"Free correction of {what}",
            body=f"Covered by the service guarantee: {event.reason}. Book the correction free of charge.",
            urgency="urgent",
            assigned_role="branch_manager",
        )
    ]
