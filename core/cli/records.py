"""``salonkeep client …`` and ``salonkeep outcome``: record a service, a sale or a referral,
list one client's touchpoints, and record a call's outcome, from the command line (the same
core services as the web and the API: validated, audited, planned by the programmes)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import typer

from salonkeep.core.aftercare import calls, contact, referrals
from salonkeep.core.cli.runner import echo_rows, fail, run
from salonkeep.core.formatting import format_datetime
from salonkeep.core.visits import service as visits
from salonkeep.tenants.onboarding import find_tenant

client_app = typer.Typer(
    help="What happens to one client: services, sales, referrals, touchpoints.", no_args_is_help=True
)
TenantOption = typer.Option(..., "--tenant", "-t", help="The tenant's slug.")
StaffOption = typer.Option(None, "--staff", help="Id of the staff member who served the client.")


def _uuid(raw: str, field: str) -> UUID:
    try:
        return UUID(raw)
    except ValueError:
        fail(f"{field}: not a valid id")


def _moment(raw: str | None, field: str) -> datetime | None:
    if raw is None:
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        fail(f"{field}: use an ISO date and time with its offset, e.g. 2026-03-25T10:00+02:00")


@client_app.command("service")
def record_service(
    tenant: str = TenantOption,
    client: str = typer.Argument(..., help="The client's id."),
    service: str = typer.Option(..., "--service", help="The service done, e.g. 'Hydrating facial'."),
    category: str = typer.Option(..., "--category", help="Service category, e.g. facial."),
    at: str | None = typer.Option(None, "--at", help="When it was done (ISO, with offset); default now."),
    staff: str | None = StaffOption,
) -> None:
    """Record a service performed (the programmes plan their calls)."""
    client_id, staff_id = _uuid(client, "client"), _uuid(staff, "staff") if staff else None
    when = _moment(at, "at")
    visit = run(
        lambda: visits.record_service(
            client_id, service=service, category=category, performed_at=when, staff_id=staff_id
        ),
        tenant=tenant,
    )
    typer.echo(f"service recorded: {visit.id}")


@client_app.command("sale")
def record_sale(
    tenant: str = TenantOption,
    client: str = typer.Argument(..., help="The client's id."),
    product: str = typer.Option(..., "--product", help="The product sold."),
    category: str = typer.Option(..., "--category", help="Product category, e.g. slimming."),
    quantity: int = typer.Option(1, "--quantity"),
    price_cents: int = typer.Option(0, "--price-cents", help="What the client paid, in cents."),
    at: str | None = typer.Option(None, "--at", help="When it was sold (ISO, with offset); default now."),
    staff: str | None = StaffOption,
) -> None:
    """Record a product sold (the programmes plan their calls)."""
    client_id, staff_id = _uuid(client, "client"), _uuid(staff, "staff") if staff else None
    when = _moment(at, "at")
    sale = run(
        lambda: visits.record_sale(
            client_id,
            product=product,
            category=category,
            quantity=quantity,
            price_cents=price_cents,
            sold_at=when,
            staff_id=staff_id,
        ),
        tenant=tenant,
    )
    typer.echo(f"sale recorded: {sale.id}")


@client_app.command("referral")
def record_referral(
    tenant: str = TenantOption,
    guest: str = typer.Argument(..., help="The referred client's (the guest's) id."),
    referrer: str = typer.Argument(..., help="The referring member's id."),
) -> None:
    """Record which member referred a guest (the referrer is thanked on the first visit)."""
    guest_id, referrer_id = _uuid(guest, "guest"), _uuid(referrer, "referrer")
    run(lambda: referrals.record_referral(guest_id, referrer_id), tenant=tenant)
    typer.echo("referral recorded")


@client_app.command("channel")
def set_channel(
    tenant: str = TenantOption,
    client: str = typer.Argument(..., help="The client's id."),
    purpose: str = typer.Argument(..., help="Kind of message: service, greetings, marketing_sms…"),
    channel: str = typer.Argument(..., help="email, sms, letter or call; none to forget the preference."),
) -> None:
    """Record the channel the client prefers for one kind of message (a programme's message
    without a channel then goes that way; ``call`` puts it on the call list)."""
    client_id = _uuid(client, "client")
    chosen = "" if channel == "none" else channel
    preferences = run(lambda: contact.set_preferred_channel(client_id, purpose, chosen), tenant=tenant)
    shown = ", ".join(f"{name}: {value}" for name, value in sorted(preferences.items()))
    typer.echo(f"preferred channels: {shown or 'none'}")


@client_app.command("touchpoints")
def list_touchpoints(
    tenant: str = TenantOption, client: str = typer.Argument(..., help="The client's id.")
) -> None:
    """List one client's planned calls, messages and tasks, by due time (tenant's zone)."""
    client_id = _uuid(client, "client")

    async def work() -> tuple[list[calls.TouchpointView], str]:
        return await calls.client_touchpoints(client_id), (await find_tenant(tenant)).time_zone

    found, zone = run(work, tenant=tenant)
    if not found:
        typer.echo("no touchpoints")
        return
    echo_rows(
        [
            (
                format_datetime(t.due_at, zone, width="short"),
                t.kind,
                t.programme,
                t.status,
                t.outcome or "",
                str(t.assigned_staff_id or t.assigned_role or ""),
                t.title,
                str(t.id),
            )
            for t in found
        ],
        ("DUE", "KIND", "PROGRAMME", "STATUS", "OUTCOME", "FOR", "TITLE", "ID"),
    )


def outcome_command(
    tenant: str = TenantOption,
    touchpoint: str = typer.Argument(..., help="The call's or task's id (see `client touchpoints`)."),
    outcome: str = typer.Argument(
        ..., help="reached, no_answer, not_convenient, abnormal_reaction, wants_appointment or opted_out."
    ),
    note: str = typer.Option("", "--note", help="What the client said (stored encrypted)."),
) -> None:
    """Record the outcome of a call or task, as staff do on the call list."""
    touchpoint_id = _uuid(touchpoint, "touchpoint")
    view = run(lambda: calls.record_outcome(touchpoint_id, outcome, note), tenant=tenant)
    typer.echo(f"{view.title}: {view.outcome}, {view.status}")


__all__ = ["client_app", "outcome_command"]
