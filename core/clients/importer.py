"""Client import from another system's export (CSV or XLSX): column mapping, presets, per-row errors,
duplicates, consent only where the file proves it, all or nothing per file.

Every row is checked before anything is written; one bad row and nothing is imported. Valid
rows that match an existing client (the same normalised phone or e-mail, or for rows with
neither the same name and date of birth), or an earlier row of the file, are skipped, so
importing the same file twice imports nothing the second time. Clients are created through the
client service (health fields encrypted, every creation audited) in one unit of work.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from salonkeep.core import consent
from salonkeep.core.clients.service import CheckedClient, ClientInput, check_input, create_clients_bulk
from salonkeep.core.clients.tables import Client
from salonkeep.tenants import scoped
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.messages import codes, field_message, phrases
from salonkeep.tenants.onboarding import get_tenant, list_branches

#: The client fields a column can be mapped to.
FIELDS = (
    "first_name",
    "last_name",
    "full_name",
    "phone",
    "email",
    "date_of_birth",
    "allergies",
    "health_notes",
    "needs",
    "branch",
    "marketing_email",
    "marketing_sms",
)
CONSENT_FIELDS = {
    "marketing_email": consent.Purpose.MARKETING_EMAIL,
    "marketing_sms": consent.Purpose.MARKETING_SMS,
}
#: Values that prove a grant / a refusal in a consent column; anything else is "unknown".
GRANTED = frozenset({"yes", "y", "true", "1", "subscribed", "opted in", "opt-in", "accepts"})
REFUSED = frozenset({"no", "n", "false", "0", "unsubscribed", "opted out", "opt-out"})


@dataclass(frozen=True)
class Preset:
    """A known export layout: its columns mapped to our fields, and its date formats."""

    name: str
    source: str
    columns: Mapping[str, str]
    date_formats: tuple[str, ...]
    #: Consent columns whose meaning is inverted (``True`` = the client opted out).
    inverted: frozenset[str] = frozenset()


PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        Preset(
            name="square",
            source="Square Customer Directory export (Square Support Centre: Import Customers "
            "Online, article 6632; Manage Unsubscribed Customers, article 6149)",
            columns={
                "First Name": "first_name",
                "Last Name": "last_name",
                "Email Address": "email",
                "Phone Number": "phone",
                "Birthday": "date_of_birth",
                "Memo": "needs",
                "Email Subscription Status": "marketing_email",
                "Email Unsubscribed": "marketing_email",
            },
            date_formats=("%Y-%m-%d", "%m-%d-%Y", "%m/%d/%Y"),
            inverted=frozenset({"Email Unsubscribed"}),
        ),
        Preset(
            name="fresha",
            source="Fresha client list export / import template (Fresha Help Centre: How do I "
            "import my client list, article 115001938785); header names not verified against a "
            "real export",
            columns={
                "First Name": "first_name",
                "Last Name": "last_name",
                "Mobile Number": "phone",
                "Email": "email",
                "Date of Birth": "date_of_birth",
                "Client Notes": "needs",
                "Accepts Marketing": "marketing_email",
                "Accepts SMS Marketing": "marketing_sms",
            },
            date_formats=("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"),
        ),
    )
}
GENERIC_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")


@dataclass(frozen=True)
class RowError:
    """One problem of one row (``row`` counts the header as row 1, as spreadsheets do)."""

    row: int
    field: str
    message: str


@dataclass
class ImportPlan:
    """What importing the file would do."""

    rows: int = 0
    new: list[tuple[int, CheckedClient, dict[str, tuple[bool, str]]]] = field(default_factory=list)
    duplicates: list[tuple[int, str]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    imported: int = 0


def read_csv(data: bytes) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV file (UTF-8, with or without BOM; comma or semicolon)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            {"file": field_message("not UTF-8 text (byte {byte})", byte=exc.start)}
        ) from None
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ValidationFailed({"file": "the file is empty (no header row)"})
    return [cell.strip() for cell in rows[0]], rows[1:]


XLSX_MAGIC = b"PK\x03\x04"


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(data: bytes) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the first sheet of an Excel workbook (dates as YYYY-MM-DD)."""
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValidationFailed(
            {"file": field_message("not a readable Excel workbook ({reason})", reason=str(exc))}
        ) from None
    try:
        sheet = book.worksheets[0]
        rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ValidationFailed({"file": "the first sheet is empty (no header row)"})
    return [cell.strip() for cell in rows[0]], rows[1:]


def read_table(data: bytes) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV file or an Excel workbook (told apart by their first bytes)."""
    return read_xlsx(data) if data.startswith(XLSX_MAGIC) else read_csv(data)


def mapping_for(header: list[str], preset: str | None, overrides: Mapping[str, str]) -> dict[int, str]:
    """Column index → field: the preset's, else headers named like our fields, then overrides."""
    errors: dict[str, str] = {}
    if preset is not None and preset not in PRESETS:
        raise ValidationFailed(
            {
                "preset": field_message(
                    "unknown preset {preset!r}; choose one of {choices}",
                    preset=preset,
                    choices=", ".join(PRESETS),
                )
            }
        )
    named = dict(PRESETS[preset].columns) if preset else {}
    for column in header:
        simple = column.lower().replace(" ", "_").replace("-", "_")
        if column not in named and simple in FIELDS:
            named[column] = simple
    for column, target in overrides.items():
        if column not in header:
            errors[f"map {column}"] = "no such column in the file"
        elif target not in (*FIELDS, ""):
            errors[f"map {column}"] = field_message(
                "unknown field {field!r}; choose one of {choices}",
                field=target,
                choices=codes(FIELDS, "field"),
            )
        else:
            named[column] = target
    if errors:
        raise ValidationFailed(errors)
    mapping = {i: named[c] for i, c in enumerate(header) if named.get(c)}
    if not ({"first_name", "full_name"} & set(mapping.values())):
        raise ValidationFailed({"mapping": "no column is mapped to first_name (or full_name)"})
    return mapping


def _date(value: str, formats: Iterable[str]) -> date:
    for pattern in formats:
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"not a date in the format {' or '.join(formats)}: {value!r}")


async def _existing_keys() -> set[str]:
    rows = await scoped.select(
        Client, Client.phone, Client.email, Client.first_name, Client.last_name, Client.date_of_birth
    ).where(Client.erased_at.is_null())
    keys: set[str] = set()
    for row in rows:
        keys |= _keys(row["phone"], row["email"], row["first_name"], row["last_name"], row["date_of_birth"])
    return keys


def _keys(phone: str, email: str, first: str, last: str, born: date | None) -> set[str]:
    """The duplicate keys of a client: normalised phone and e-mail, else name and birth date."""
    found = set()
    if phone:
        found.add(f"phone:{phone}")
    if email:
        found.add(f"email:{email}")
    return found or {f"name:{first.strip().lower()}|{last.strip().lower()}|{born}"}


async def plan_import(
    data: bytes,
    *,
    preset: str | None = None,
    overrides: Mapping[str, str] | None = None,
    branch: str | None = None,
) -> ImportPlan:
    """Read and check every row against the tenant and its existing clients; write nothing."""
    header, rows = read_table(data)
    mapping = mapping_for(header, preset, overrides or {})
    chosen = PRESETS.get(preset or "")
    formats = chosen.date_formats if chosen else GENERIC_DATE_FORMATS
    inverted = chosen.inverted if chosen else frozenset()
    ctx = current()
    tenant = await get_tenant(ctx.tenant_id)
    branches = {b.name.lower(): b.id for b in await list_branches()}
    default_branch: UUID | None = None
    if branch:
        if branch.lower() not in branches:
            raise ValidationFailed({"branch": field_message("no branch named {name!r}", name=branch)})
        default_branch = branches[branch.lower()]
    elif len(branches) == 1:
        default_branch = next(iter(branches.values()))
    elif "branch" not in mapping.values():
        raise ValidationFailed({"branch": "the tenant has several branches: name one with --branch"})
    async with unit_of_work(ctx):
        seen = await _existing_keys()
    plan = ImportPlan(rows=len(rows))
    first_row_of: dict[str, int] = {}
    for number, cells in enumerate(rows, start=2):
        if not any(cell.strip() for cell in cells):
            plan.rows -= 1
            continue
        values: dict[str, str] = {}
        consents: dict[str, tuple[bool, str]] = {}
        for index, target in mapping.items():
            cell = cells[index].strip() if index < len(cells) else ""
            if target in CONSENT_FIELDS:
                answer = cell.lower()
                proof = f"{header[index]}={cell}"
                if answer in GRANTED | REFUSED:
                    consents[target] = ((answer in GRANTED) != (header[index] in inverted), proof)
                continue
            if cell:
                values[target] = cell
        row_errors: list[RowError] = []

        def problem(name: str, message: str, number: int = number, errs: list[RowError] = row_errors) -> None:
            errs.append(RowError(number, name, message))

        if "full_name" in values and "first_name" not in values:
            first, _, last = values.pop("full_name").partition(" ")
            values["first_name"] = first
            values.setdefault("last_name", last.strip())
        born = None
        if values.get("date_of_birth"):
            try:
                born = _date(values["date_of_birth"], formats)
            except ValueError:
                problem(
                    "date_of_birth",
                    field_message(
                        "not a date in the format {formats}: {value!r}",
                        formats=phrases(formats, conjunction="or"),
                        value=values["date_of_birth"],
                    ),
                )
        branch_id = default_branch
        if values.get("branch"):
            branch_id = branches.get(values["branch"].lower())
            if branch_id is None:
                problem("branch", field_message("no branch named {name!r}", name=values["branch"]))
        elif branch_id is None:
            problem("branch", "is required (the tenant has several branches)")
        row_input = ClientInput(
            branch_id=branch_id or UUID(int=0),
            first_name=values.get("first_name", ""),
            last_name=values.get("last_name", ""),
            date_of_birth=born,
            phone=values.get("phone", ""),
            email=values.get("email", ""),
            needs=values.get("needs"),
            allergies=values.get("allergies"),
            health_notes=values.get("health_notes"),
        )
        checked: CheckedClient | None = None
        try:
            checked = check_input(ctx, tenant, row_input)
        except ValidationFailed as exc:
            for name, message in exc.errors.items():
                problem(name, message)
        if row_errors:
            plan.errors.extend(row_errors)
            continue
        assert checked is not None
        phone, email = str(checked.clean["phone"]), str(checked.clean["email"])
        keys = _keys(phone, email, row_input.first_name, row_input.last_name, born)
        clash = keys & seen
        if clash:
            key = sorted(clash)[0]
            earlier = first_row_of.get(key)
            plan.duplicates.append(
                (
                    number,
                    f"same as row {earlier}"
                    if earlier
                    else f"an existing client has this {key.split(':')[0]}",
                )
            )
            continue
        seen |= keys
        for key in keys:
            first_row_of[key] = number
        plan.new.append((number, checked, consents))
    return plan


async def run_import(
    plan: ImportPlan,
    source: str,
    *,
    skip_invalid: bool = False,
    progress: Callable[[int], Awaitable[None]] | None = None,
) -> ImportPlan:
    """Create the plan's new clients (and the consents their rows prove) in one unit of work,
    through the client service's bulk path: all of them or, on any error, none.

    A plan with row errors is refused unless ``skip_invalid`` (the owner's explicit
    confirmation to import the valid rows only). ``progress`` is awaited with the number of
    clients written so far; an exception it raises (a cancellation) rolls everything back.
    Imported clients get no registration event (see
    :func:`salonkeep.core.clients.service.create_clients_bulk`)."""
    if plan.errors and not skip_invalid:
        raise ValidationFailed(
            {"file": field_message("{count} row error(s); nothing was imported", count=len(plan.errors))}
        )
    ctx = current()
    async with unit_of_work(ctx):
        ids = await create_clients_bulk([data for _, data, _ in plan.new], progress=progress)
        await consent.record_imported(
            [
                consent.ImportedConsent(
                    client_id,
                    CONSENT_FIELDS[target].value,
                    granted,
                    f"imported from {source}: {proof}",
                )
                for client_id, (_, _, consents) in zip(ids, plan.new, strict=True)
                for target, (granted, proof) in sorted(consents.items())
            ]
        )
    plan.imported = len(plan.new)
    return plan
