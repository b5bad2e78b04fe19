"""``salonkeep outbox -t SLUG [--status STATUS]``: a tenant's messages and their states."""

from __future__ import annotations

import typer

from salonkeep.core.cli.runner import echo_rows, run
from salonkeep.core.delivery import messages
from salonkeep.core.formatting import format_datetime


def outbox(
    tenant: str = typer.Option(..., "--tenant", "-t", help="The tenant's slug."),
    status: str | None = typer.Option(
        None, "--status", help="Only messages in this state: " + ", ".join(messages.MESSAGE_STATUSES) + "."
    ),
    limit: int = typer.Option(200, min=1, max=5000, help="At most this many, newest due first."),
) -> None:
    """List the tenant's messages (the delivery outbox) and their states."""
    rows = run(lambda: messages.list_messages(status, limit), tenant=tenant)
    echo_rows(
        [
            (
                format_datetime(r.due_at, "UTC", "en", width="short"),
                r.status,
                r.channel or "-",
                r.programme,
                r.title[:40],
                str(r.attempts),
                r.last_error[:60],
                str(r.id),
            )
            for r in rows
        ],
        ("DUE (UTC)", "STATUS", "CHANNEL", "PROGRAMME", "TITLE", "TRIES", "LAST ERROR", "ID"),
    )
