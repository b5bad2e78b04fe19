"""Clients' rights: the requests board, export, rectification, erasure and restriction.

Export and erasure find a client's data by walking every table of every piccolo app
(:func:`salonkeep.core.apps.all_tables`) for a ``client_id`` column, so a table added later
(a plugin's included) is exported and erased without touching this module. A table says how
erasure treats it with ``erasure_keep`` (keep its rows, blank the listed free-text columns);
tables without it lose the client's rows. Sales and visits are kept (accounting law) pointing
at the pseudonymised client.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from jinja2 import Environment, FileSystemLoader, select_autoescape
from piccolo.table import Table

from salonkeep.core import audit
from salonkeep.core.access import Action, require
from salonkeep.core.apps import all_tables
from salonkeep.core.clients.service import ENCRYPTED_COLUMNS, ClientInput, update_client
from salonkeep.core.clients.tables import Client, visible_client_row
from salonkeep.core.formatting import display, install_filters
from salonkeep.core.keys.service import PREFIX, decrypt_column, decrypt_fields, shred_client_key
from salonkeep.core.privacy import export_letter
from salonkeep.core.privacy.tables import REQUEST_KINDS, REQUEST_STATUSES, PrivacyRequest
from salonkeep.tenants import clock, scoped
from salonkeep.tenants.context import TenantContext, current
from salonkeep.tenants.db import execute, get_engine, is_postgres, unit_of_work
from salonkeep.tenants.errors import Conflict, NotFound, ValidationFailed
from salonkeep.tenants.messages import codes, field_message
from salonkeep.tenants.onboarding import get_tenant

RESPONSE_TIME = timedelta(days=30)
EXPORT_FORMAT = "salonkeep.client-export/1"
#: Erasure rules for tables of other contexts (columns to blank in kept rows).
KEEP_ON_ERASURE: dict[str, tuple[str, ...]] = {"visit": ("notes",), "sale": ()}
#: Client columns holding personal data, and what erasure leaves in them.
ERASED_CLIENT_VALUES: dict[str, Any] = {
    "first_name": "Erased",
    "date_of_birth": None,
    "phone": "",
    "email": "",
    "needs": "",
    "preferred_locale": None,
    **{column: "" for column in ENCRYPTED_COLUMNS.values()},
}


# --- the requests board ---------------------------------------------------------------


@dataclass(frozen=True)
class RequestView:
    """A request on the board."""

    id: UUID
    client_id: UUID
    kind: str
    status: str
    received_at: datetime
    due_at: datetime
    closed_at: datetime | None
    handled_by: str
    note: str

    @property
    def overdue(self) -> bool:
        """Still open after its deadline."""
        return self.status == "open" and clock.now() > self.due_at


def _request_view(row: PrivacyRequest) -> RequestView:
    return RequestView(
        row.id,
        row.client_id,
        row.kind,
        row.status,
        row.received_at,
        row.due_at,
        row.closed_at,
        row.handled_by,
        row.note,
    )


async def _client_row(ctx: TenantContext, client_id: UUID) -> Client:
    return await visible_client_row(ctx, client_id)


async def open_request(
    client_id: UUID, kind: str, *, channel: str = "", note: str = "", received_at: datetime | None = None
) -> RequestView:
    """Log a data-subject request; its deadline is 30 days after it was received."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    if kind not in REQUEST_KINDS:
        raise ValidationFailed(
            {"kind": field_message("choose one of {choices}", choices=codes(REQUEST_KINDS, "request_kind"))}
        )
    if len(note) > 2000:
        raise ValidationFailed({"note": "must be at most 2000 characters"})
    received = received_at or clock.now()
    async with unit_of_work(ctx):
        await _client_row(ctx, client_id)
        row = scoped.new(
            PrivacyRequest,
            client_id=client_id,
            kind=kind,
            status="open",
            channel=channel[:32],
            note=note.strip(),
            received_at=received,
            due_at=received + RESPONSE_TIME,
            handled_by="",
        )
        await scoped.insert(row)
    return _request_view(row)


async def close_request(request_id: UUID, *, status: str = "done", note: str = "") -> RequestView:
    """Close a request (done or refused, with a note)."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    if status not in REQUEST_STATUSES or status == "open":
        raise ValidationFailed({"status": "choose done or refused"})
    async with unit_of_work(ctx):
        row = await scoped.get(PrivacyRequest, request_id)
        if row is None:
            raise NotFound("no such privacy request")
        if row.status != "open":
            raise Conflict("status", "this request is already closed")
        row.status = status
        row.closed_at = clock.now()
        row.handled_by = ctx.actor_label
        if note:
            row.note = (row.note + "\n" + note.strip()).strip()
        await row.save()
    return _request_view(row)


async def list_requests(status: str | None = "open") -> list[RequestView]:
    """The board: requests (open ones by default), the most urgent first."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    where = [PrivacyRequest.status == status] if status else []
    async with unit_of_work(ctx):
        rows = await scoped.objects(PrivacyRequest).where(*where).order_by(PrivacyRequest.due_at)
    return [_request_view(r) for r in rows]


async def _settle(ctx: TenantContext, client_id: UUID, kind: str, request_id: UUID | None) -> None:
    """Close the given request, or log one that is done at once (inside the unit of work)."""
    now = clock.now()
    if request_id is None:
        await scoped.insert(
            scoped.new(
                PrivacyRequest,
                client_id=client_id,
                kind=kind,
                status="done",
                received_at=now,
                due_at=now + RESPONSE_TIME,
                closed_at=now,
                handled_by=ctx.actor_label,
            )
        )
        return
    updated = (
        await scoped.update(
            PrivacyRequest,
            {
                PrivacyRequest.status: "done",
                PrivacyRequest.closed_at: now,
                PrivacyRequest.handled_by: ctx.actor_label,
            },
        )
        .where(
            (PrivacyRequest.id == request_id)
            & (PrivacyRequest.client_id == client_id)
            & (PrivacyRequest.status == "open")
        )
        .returning(PrivacyRequest.id)
    )
    if not updated:
        raise NotFound("no such open privacy request for this client")


# --- discovery --------------------------------------------------------------------------


def client_tables() -> list[type[Table]]:
    """Every table (but ``client``) with a ``client_id`` column, from every piccolo app."""
    return [
        table
        for table in all_tables()
        if table is not Client and any(c._meta.db_column_name == "client_id" for c in table._meta.columns)
    ]


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


async def table_columns(table: str) -> list[str]:
    """The columns a table has in the database now (not only those its class declares)."""
    if is_postgres(get_engine()):
        rows = await execute(
            "select column_name as name from information_schema.columns "
            "where table_schema = current_schema() and table_name = {} order by ordinal_position",
            table,
        )
    else:
        rows = await execute(f"select name from pragma_table_info('{table}')")  # noqa: S608
    return [str(r["name"]) for r in rows]


async def _rows(table: str, column: str, client_id: UUID) -> list[dict[str, Any]]:
    # Columns named from the catalog (not "*"): a column added since a statement was prepared
    # and cached on a pooled connection gives a new statement instead of a stale plan.
    columns = ", ".join(f'"{name}"' for name in await table_columns(table))
    rows = await scoped.rows(table, columns, f"{column} = {{}}", client_id)
    return [{k: _jsonable(v) for k, v in row.items()} for row in rows]


# --- export -----------------------------------------------------------------------------


async def export_client(client_id: UUID, *, request_id: UUID | None = None) -> dict[str, Any]:
    """Everything held about a client, as JSON-ready data: the client record (sensitive fields
    decrypted) and the client's rows of every table with a ``client_id`` column."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    async with unit_of_work(ctx):
        client = await _client_row(ctx, client_id)
        record = (await _rows("client", "id", client_id))[0]
        clear: dict[str, str] = {}
        if client.erased_at is None:
            sealed = {name: getattr(client, column) for name, column in ENCRYPTED_COLUMNS.items()}
            clear = await decrypt_fields(ctx, client_id, sealed)
        for name, column in ENCRYPTED_COLUMNS.items():
            record.pop(column, None)
            record[name] = clear.get(name, "")
        tables: dict[str, list[dict[str, Any]]] = {}
        for table in client_tables():
            if getattr(table, "export_excluded", False):
                continue
            name = table._meta.tablename
            tables[name] = await _rows(name, "client_id", client_id)
            for row in tables[name]:
                for column, value in row.items():
                    if isinstance(value, str) and value.startswith(PREFIX) and client.erased_at is None:
                        row[column] = await decrypt_column(ctx, client_id, name, column, row["id"], value)
        tenant = await get_tenant(ctx.tenant_id)
        await audit.record(audit.AuditAction.EXPORT, client_id=client_id, fields=["client", *tables], ctx=ctx)
        await _settle(ctx, client_id, "export", request_id)
    return {
        "format": EXPORT_FORMAT,
        "exported_at": clock.now().isoformat(),
        "controller": {"name": tenant.name, "country": tenant.country},
        "client": record,
        "tables": tables,
    }


_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)
install_filters(_templates)


def letter_language(data: dict[str, Any]) -> str:
    """The language the readable export is written in: the client's own, else the display
    scope's (the person's or the tenant's)."""
    own = str(data.get("client", {}).get("preferred_locale") or "")
    chosen = (own or display().locale).replace("-", "_").split("_")[0].lower()
    return chosen if chosen in export_letter.LANGUAGES else "en"


def export_html(data: dict[str, Any], language: str | None = None) -> str:
    """The export as a letter the client can read (printable HTML): sections with titles,
    labelled values, dates and times in the display scope's zone, dates and money in the
    client's language (``language``, else theirs, else the scope's), codes as words, and no
    internal ids or column names. The JSON export stays the complete copy."""
    tables = {table._meta.tablename: table for table in all_tables()}
    letter = export_letter.build_letter(data, tables, Client, language=language or letter_language(data))
    return _templates.get_template("export.html").render(
        letter=letter, nothing=export_letter.nothing(letter.language)
    )


# --- rectification and restriction ------------------------------------------------------


async def rectify(client_id: UUID, data: ClientInput, *, request_id: UUID | None = None) -> None:
    """Correct a client's data on their request (staff who may edit clients)."""
    ctx = current()
    await update_client(client_id, data)
    async with unit_of_work(ctx):
        await _settle(ctx, client_id, "rectification", request_id)


async def restrict_processing(
    client_id: UUID, restricted: bool = True, *, request_id: UUID | None = None
) -> None:
    """Restrict (or lift the restriction of) processing: the data stays, but the consent gate
    answers no to everything, so no marketing and no new touchpoints."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    async with unit_of_work(ctx):
        client = await _client_row(ctx, client_id)
        if client.erased_at is not None:
            raise Conflict("client", "this client's data was erased")
        await scoped.update(Client, {Client.restricted: restricted, Client.updated_at: clock.now()}).where(
            Client.id == client_id
        )
        await audit.record(
            audit.AuditAction.RESTRICT,
            client_id=client_id,
            fields=["restricted"],
            reason="restricted" if restricted else "restriction lifted",
            ctx=ctx,
        )
        await _settle(ctx, client_id, "restriction", request_id)


async def is_restricted(client_id: UUID) -> bool:
    """True when processing of the client is restricted (or the client was erased)."""
    ctx = current()
    async with unit_of_work(ctx):
        client = await _client_row(ctx, client_id)
    return bool(client.restricted) or client.erased_at is not None


# --- erasure ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ErasureReport:
    """What erasure did."""

    client_id: UUID
    pseudonym: str
    key_shredded: bool
    kept: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)


def pseudonym_for(client_id: UUID) -> str:
    """The stable pseudonym an erased client keeps (reveals nothing about the person)."""
    return "erased-" + hashlib.sha256(client_id.bytes).hexdigest()[:12]


def _keep_rule(table: type[Table]) -> tuple[str, ...] | None:
    rule = getattr(table, "erasure_keep", None)
    if rule is not None:
        return tuple(rule)
    return KEEP_ON_ERASURE.get(table._meta.tablename)


async def _count(table: str, client_id: UUID) -> int:
    rows = await scoped.rows(table, "count(*) as n", "client_id = {}", client_id)
    return int(str(rows[0]["n"]))


async def erase_client(
    client_id: UUID, *, request_id: UUID | None = None, reason: str = "client request"
) -> ErasureReport:
    """Erase a client: shred their data key, blank every personal field, delete their rows in
    tables that need not keep them, and keep sales and visits (and the audit, consent and
    disclosure ledgers, which hold no personal values) under a pseudonym. One transaction."""
    ctx = current()
    require(ctx, Action.PRIVACY_REQUESTS)
    pseudonym = pseudonym_for(client_id)
    kept: dict[str, int] = {}
    deleted: dict[str, int] = {}
    async with unit_of_work(ctx):
        client = await _client_row(ctx, client_id)
        if client.erased_at is not None:
            raise Conflict("client", "this client was already erased")
        now = clock.now()
        await scoped.update(
            Client,
            {
                **{getattr(Client, column): value for column, value in ERASED_CLIENT_VALUES.items()},
                Client.last_name: pseudonym,
                Client.restricted: True,
                Client.erased_at: now,
                Client.updated_at: now,
            },
        ).where(Client.id == client_id)
        shredded = await shred_client_key(ctx, client_id)
        for table in client_tables():
            name = table._meta.tablename
            if name == "client_key":
                continue
            count = await _count(name, client_id)
            if not count:
                continue
            keep = _keep_rule(table)
            if keep is None:
                await scoped.delete_rows(name, "client_id = {}", client_id)
                deleted[name] = count
                continue
            if keep:
                assignments = ", ".join(f"{column} = ''" for column in keep)
                await scoped.update_rows(name, assignments, "client_id = {}", client_id)
            kept[name] = count
        await audit.record(
            audit.AuditAction.ERASE,
            client_id=client_id,
            fields=sorted(ERASED_CLIENT_VALUES) + sorted(deleted),
            reason=reason[:200],
            ctx=ctx,
        )
        await _settle(ctx, client_id, "erasure", request_id)
    return ErasureReport(client_id, pseudonym, shredded, kept, deleted)


def describe(tables: Iterable[str]) -> str:
    """A short list for messages."""
    return ", ".join(sorted(tables)) or "none"
