"""Staff invited in bulk from a CSV file (the owner's screen and ``salonkeep staff import``).

The file's first row names the columns ``name``, ``email``, ``role`` and ``branch`` (in any
order, any case); ``branch`` holds one branch name, or several separated by ``;``, and may be
empty only for the chain-wide roles (owner, privacy officer). Every row goes through
:func:`salonkeep.core.staff.invite` (the same checks and access rules as one invitation) inside
one unit of work, and each invited person's set-password link is queued in the staff-notice
outbox (:mod:`salonkeep.core.privacy.notices`), which the workers send by e-mail. Each
invitation is audited (``staff.change``), and the import as a whole (``staff.import``). All or
nothing: when any row is refused, every refusal is reported by row and field and nothing is
written, neither staff nor messages.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from salonkeep.core import audit
from salonkeep.core import staff as staff_service
from salonkeep.core.access import STAFF_REFUSAL_MESSAGES, StaffAdminForbidden, require_staff_admin
from salonkeep.core.privacy import notices
from salonkeep.tenants.context import current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import Conflict, SalonkeepError, ValidationFailed
from salonkeep.tenants.messages import field_message
from salonkeep.tenants.onboarding import get_tenant

COLUMNS = ("name", "email", "role", "branch")
MAX_ROWS = 1000
MAX_BYTES = 1024 * 1024
#: The outbox template of the invitation e-mail.
TEMPLATE = "staff_invitation"


@dataclass(frozen=True)
class RowError:
    """Why one row (its line number in the file, the header being line 1) was refused."""

    row: int
    field: str
    message: str


class StaffImportRefused(SalonkeepError):
    """Rows of the file were refused; nothing was imported."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        rows = len({e.row for e in errors})
        super().__init__(f"{rows} rows were refused; nobody was invited")


@dataclass(frozen=True)
class Invited:
    """A person invited by the file, and the link their e-mail carries."""

    email: str
    name: str
    role: str
    link: str


def read_rows(data: bytes) -> list[dict[str, str]]:
    """The file's rows as ``{column: value}``; raises ValidationFailed on the field ``file``
    when it is no CSV of these columns (UTF-8, a header row, at most :data:`MAX_ROWS` rows)."""
    if not data.strip():
        raise ValidationFailed({"file": "the file is empty"})
    if len(data) > MAX_BYTES:
        raise ValidationFailed({"file": "the file is larger than 1 MB"})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed({"file": "the file is not UTF-8 text"}) from None
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = [cell.strip().lower() for cell in next(reader, [])]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise ValidationFailed(
            {
                "file": field_message(
                    "the first row must name the columns {columns}", columns=", ".join(missing)
                )
            }
        )
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        rows.append(
            {
                column: (cells[header.index(column)] if header.index(column) < len(cells) else "").strip()
                for column in COLUMNS
            }
        )
        if len(rows) > MAX_ROWS:
            raise ValidationFailed({"file": field_message("at most {count} people per file", count=MAX_ROWS)})
    if not rows:
        raise ValidationFailed({"file": "the file has no rows below its header"})
    return rows


def _refusals(number: int, exc: ValidationFailed | Conflict | StaffAdminForbidden) -> list[RowError]:
    if isinstance(exc, ValidationFailed):
        return [RowError(number, field, message) for field, message in exc.errors.items()]
    if isinstance(exc, Conflict):
        return [RowError(number, exc.field, exc.message)]
    return [RowError(number, "role", STAFF_REFUSAL_MESSAGES[exc.reason])]


async def import_staff(data: bytes, *, base_url: str) -> list[Invited]:
    """Invite everyone in the CSV ``data`` to the current tenant and queue their invitation
    e-mails, all or nothing. Raises ValidationFailed (the file itself) or StaffImportRefused
    (every refused row)."""
    ctx = current()
    require_staff_admin(ctx)
    rows = read_rows(data)
    tenant = await get_tenant(ctx.tenant_id)
    invited: list[Invited] = []
    errors: list[RowError] = []
    async with unit_of_work(ctx):
        for number, row in enumerate(rows, start=2):
            branches = [name.strip() for name in row["branch"].split(";") if name.strip()]
            try:
                member, token = await staff_service.invite(row["email"], row["name"], row["role"], branches)
            except (ValidationFailed, Conflict, StaffAdminForbidden) as exc:
                errors.extend(_refusals(number, exc))
                continue
            link = f"{base_url}/t/{tenant.slug}/set-password/{token}"
            await notices.queue_notice(
                notices.Recipient(member.id, member.name, member.email, None),
                TEMPLATE,
                {
                    "name": member.name,
                    "salon": tenant.name,
                    "role": member.role,
                    "slug": tenant.slug,
                    "link": link,
                },
                dedupe_key="staff-invitation",
                tenant_locale=tenant.default_locale,
                zone=tenant.time_zone,
            )
            invited.append(Invited(member.email, member.name, member.role, link))
        if errors:
            raise StaffImportRefused(errors)  # leaving the unit of work rolls every row back
        # Each person is audited by the invitation; this row says they came from one file.
        await audit.record(
            audit.AuditAction.STAFF_IMPORT,
            subject="staff_import",
            changes=[audit.FieldChange("people", None, len(invited))],
        )
    return invited
