"""What staff write on calls and tasks: encrypted at rest, read only by need-to-know roles.

A note recorded with an outcome ("swelling after filler"), and the text a task carries from
its cause (``PlannedTask.detail``, e.g. the note of the call that reported an abnormal
reaction), can carry health information. So, like health notes:

* they are stored as ciphertext under the client's data key (erasure shreds it), bound to
  their table, column and row (:func:`salonkeep.core.keys.service.column_field`, which the
  privacy export decrypts by convention);
* only roles that see health data (:func:`salonkeep.core.access.sees_health_data`) get the
  clear text; the others get a :class:`StaffNote` that says a note exists, nothing more;
* every note shown to a person in clear text is audited as a view of the client's data
  (merged into one row per client within a page request).

The columns: ``call_log.note``, ``touchpoint.note`` and ``touchpoint.detail``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

from salonkeep.core import audit
from salonkeep.core.access import sees_health_data
from salonkeep.core.keys.service import decrypt_column, encrypt_column
from salonkeep.tenants.context import TenantContext

#: (table, column) pairs holding staff-written text, encrypted (the migration walks them).
NOTE_COLUMNS = (("call_log", "note"), ("touchpoint", "note"), ("touchpoint", "detail"))


@dataclass(frozen=True)
class StaffNote:
    """Staff-written text as the acting role may see it."""

    #: The clear text ("" when there is none, or when it is hidden from the role).
    text: str = ""
    #: A note exists but the role may not read it (show a marker, not the text).
    hidden: bool = False


async def seal(ctx: TenantContext, client_id: UUID, table: str, column: str, row_id: UUID, text: str) -> str:
    """The ciphertext to store for ``text`` ("" stays ""), inside the writing unit of work."""
    if not text:
        return ""
    return await encrypt_column(ctx, client_id, table, column, row_id, text)


async def reveal(
    ctx: TenantContext,
    client_id: UUID,
    table: str,
    column: str,
    row_id: UUID,
    stored: str,
    *,
    audited: bool = True,
) -> StaffNote:
    """The stored value of a note column as ``ctx`` may see it (decrypted only for roles that
    see health data; nothing is decrypted for the others). A decrypted note is audited as a
    view of ``table.column`` of the client, unless ``audited`` is false (the host reading notes
    for the programmes to plan with, which no person sees)."""
    if not stored:
        return StaffNote()
    if not sees_health_data(ctx):
        return StaffNote(hidden=True)
    text = await decrypt_column(ctx, client_id, table, column, row_id, stored)
    if audited:
        field = f"{table}.{column}"
        await audit.record(
            audit.AuditAction.VIEW, client_id=client_id, fields=[field], reason="staff note", ctx=ctx
        )
    return StaffNote(text)


def shown(ctx: TenantContext, text: str) -> StaffNote:
    """A note already in clear text (just written) as ``ctx`` may see it."""
    if not text:
        return StaffNote()
    return StaffNote(text) if sees_health_data(ctx) else StaffNote(hidden=True)


#: Shorter notes ("ok", "no") are not looked for in plugins' texts: they would match words.
MIN_LEAK_LENGTH = 4


def _pattern(private: tuple[str, ...]) -> re.Pattern[str] | None:
    words = sorted({p for p in private if len(p) >= MIN_LEAK_LENGTH}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)")


def leaks(text: str, private: tuple[str, ...]) -> bool:
    """True when ``text`` is one of the ``private`` staff-written texts or contains one as
    whole words (a plugin copied a note into a clear-text column such as a task's script)."""
    if text.strip() and text.strip() in private:
        return True
    pattern = _pattern(private)
    return bool(pattern and pattern.search(text))


def redact(text: str, private: tuple[str, ...]) -> str:
    """``text`` with every ``private`` text found by :func:`leaks` replaced by "…"."""
    if text.strip() and text.strip() in private:
        return "…"
    pattern = _pattern(private)
    return pattern.sub("…", text) if pattern else text
