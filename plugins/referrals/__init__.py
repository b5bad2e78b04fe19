"""Referrals: a member refers a guest; the guest's first visit thanks the referrer with a task
for staff and, when the referrer consented to marketing e-mail, a thank-you message."""

from __future__ import annotations

from salonkeep.core.plugins.api import (
    DomainEvent,
    Plan,
    Planned,
    PlannedMessage,
    PlannedTask,
    Programme,
    ReferralRecorded,
    ServicePerformed,
    hookimpl,
)

NAME = "referrals"
PROGRAMME = Programme(
    name=NAME,
    title="Referral thanks",
    description="Thank the member whose referred guest came for a first visit.",
    marketing_purposes=("marketing_email",),
)


@hookimpl
def salonkeep_programmes() -> list[Programme]:
    """The referral programme."""
    return [PROGRAMME]


@hookimpl
async def salonkeep_event(event: DomainEvent, plan: Plan) -> list[Planned]:
    """On the guest's first visit (or when the referral is recorded after it), thank the referrer."""
    if not plan.enabled(NAME):
        return []
    if isinstance(event, ServicePerformed):
        if not event.first_visit:
            return []
    elif isinstance(event, ReferralRecorded):
        if not await plan.visits():
            return []
    else:
        return []
    referrer = await plan.referrer()
    if referrer is None:
        return []
    guest = plan.client
    return [
        PlannedTask(
            programme=NAME,
            key=f"guest:{guest.id}:thank-task",
            due_at=plan.day(event.occurred_at, 1, NAME),
            title=f"Thank {referrer.first_name} for referring {guest.first_name}",
            body="Call or greet the member in person; note the referral reward if any.",
            client_id=referrer.id,
        ),
        PlannedMessage(
            programme=NAME,
            key=f"guest:{guest.id}:thank-message",
            due_at=plan.day(event.occurred_at, 1, NAME),
            title="Thank you for your referral",
            body=f"Dear {referrer.first_name}, thank you for recommending us to {guest.first_name}!",
            purpose="marketing_email",
            client_id=referrer.id,
            template=f"{NAME}/thank_you",
            template_vars={"guest": guest.first_name},
        ),
    ]
