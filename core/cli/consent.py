"""``salonkeep consent …`` and ``salonkeep policy …``: self-service links, consent state, policies."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path
from uuid import UUID
from zoneinfo import ZoneInfo

import typer

from salonkeep.core import consent
from salonkeep.core.cli.runner import echo_rows, fail, run, settings_or_fail
from salonkeep.core.consent import links
from salonkeep.core.consent.policy import QUESTIONS, PolicyText, publish_policy
from salonkeep.core.formatting import display, format_datetime
from salonkeep.tenants.context import current

consent_app = typer.Typer(help="Clients' consent.", no_args_is_help=True)
policy_app = typer.Typer(help="Privacy-policy versions.", no_args_is_help=True)
TenantOption = typer.Option(..., "--tenant", "-t", help="The tenant's slug.")
ClientOption = typer.Option(..., "--client", help="The client's id.")


def client_id_or_fail(value: str) -> UUID:
    """A client id from the command line, or a one-line error."""
    try:
        return UUID(value)
    except ValueError:
        fail("client: not a client id")


@consent_app.command("link")
def link(tenant: str = TenantOption, client: str = ClientOption) -> None:
    """Print the client's signed self-service link (valid 30 days, no account needed)."""
    client_id = client_id_or_fail(client)
    base = settings_or_fail().public_url

    async def work() -> str:
        await consent.current_state(client_id)
        return links.link_path(tenant, current().tenant_id, client_id)

    typer.echo(base + run(work, tenant=tenant))


@consent_app.command("show")
def show(tenant: str = TenantOption, client: str = ClientOption) -> None:
    """The client's consent as it stands (derived from the ledger)."""
    client_id = client_id_or_fail(client)

    async def work() -> list[tuple[str, ...]]:
        return [
            (
                s.purpose,
                s.scope or "-",
                "granted" if s.granted else "withdrawn",
                format_datetime(s.since, show_zone=True),
                s.channel,
            )
            for s in (await consent.current_state(client_id)).values()
        ]

    echo_rows(run(work, tenant=tenant), ("PURPOSE", "SCOPE", "STATE", "SINCE", "CHANNEL"))


@policy_app.command("publish")
def publish(
    tenant: str = TenantOption,
    file: Path = typer.Option(..., help='JSON: {"en": {"collected": …, "purposes": …, …}, "fi": {…}}.'),
    effective: str = typer.Option("", help="YYYY-MM-DD (default: 15 days from now)."),
    override_notice: bool = typer.Option(False, "--override-notice", help="Owner: less than 15 days."),
) -> None:
    """Publish a new version of the privacy policy in every language of the file."""
    try:
        raw = json.loads(file.read_text())
        texts = {
            locale: PolicyText(**{q: str(answers.get(q, "")) for q in QUESTIONS})
            for locale, answers in raw.items()
        }
    except (OSError, ValueError, AttributeError) as exc:
        fail(f"file: {exc}")
    day = None
    if effective:
        try:
            day = date.fromisoformat(effective)
        except ValueError:
            fail("effective: use YYYY-MM-DD")

    async def work() -> int:
        # The day starts at midnight in the tenant's time zone (the display scope's), not UTC.
        when = datetime.combine(day, time.min, tzinfo=ZoneInfo(display().zone)) if day else None
        return await publish_policy(texts, effective_from=when, override_notice=override_notice)

    version = run(work, tenant=tenant)
    typer.echo(f"published privacy policy version {version} in {', '.join(sorted(texts))}")
