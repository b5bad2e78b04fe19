"""The readable export: a letter to the client, in their language, of everything held about them.

The JSON export (:func:`salonkeep.core.privacy.rights.export_client`) is complete and meant for
machines. This letter is made from it for the person: sections with titles, each value under
a label, dates and times in the tenant's zone and the client's locale
(:mod:`salonkeep.core.formatting`), money in the tenant's currency, codes as words, and
nothing internal (no ids, no tenant or branch ids, no column names). What the letter does
not show is said in one line: those records are in the complete (JSON) copy.

A table says how the letter shows it with an ``export_letter`` attribute (a
:class:`LetterSection`); the core's tables are described here (:data:`CORE_SECTIONS`), a
plugin describes its own tables the same way (``salonkeep.core.plugins.api.LetterSection``).
Texts are given in en, zh, ru and fi (the languages clients are served in); a missing
language falls back to English.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import phonenumbers
from babel.numbers import format_currency, get_territory_currencies
from piccolo.columns import Boolean, Date, Timestamptz
from piccolo.table import Table

from salonkeep.core.formatting import format_date, format_datetime, zone_name
from salonkeep.core.privacy.export_letter_texts import (
    CLIENT_FIELDS,
    CORE_SECTIONS,
    LANGUAGE_NAMES,
    LANGUAGES,
    TEXTS,
    Labels,
    LetterSection,
    text,
)


@dataclass(frozen=True)
class Entry:
    """One labelled value of the letter."""

    label: str
    value: str


@dataclass
class Section:
    """One section of the letter: its title and rows (or a summary sentence)."""

    title: str
    rows: list[list[Entry]] = field(default_factory=list)
    summary: str = ""


@dataclass
class Letter:
    """Everything the letter template shows, already in the reader's language."""

    language: str
    title: str
    details_title: str
    greeting: str
    intro: str
    zone: str
    details: list[Entry]
    sections: list[Section]
    other: str
    closing: str
    regards: str
    salon: str


class _Reader:
    """Formats stored values for one reader: their language, the tenant's zone and currency."""

    def __init__(self, language: str, zone: str | None, country: str) -> None:
        self.language = language
        self.zone = zone
        currencies = get_territory_currencies(country or "FI") if country else []
        self.currency = currencies[0] if currencies else "EUR"

    def moment(self, value: Any) -> datetime | None:
        if isinstance(value, datetime):
            return value
        if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                return None
        return None

    def value(self, column: Any, name: str, value: Any, section: LetterSection | None) -> str:
        """``value`` of ``column`` as words, or "" when there is nothing to show."""
        if value is None or value == "":
            return ""
        codes = section.values.get(name) if section else None
        if codes is not None:
            key = str(value).lower() if isinstance(value, bool) else str(value)
            return text(codes[key], self.language) if key in codes else key.replace("_", " ")
        if section is not None and name in section.money:
            amount = Decimal(int(value)) / 100
            return format_currency(amount, self.currency, locale=self.language)
        if isinstance(column, Timestamptz):
            moment = self.moment(value)
            return format_datetime(moment, self.zone, self.language, show_zone=True) if moment else str(value)
        if isinstance(column, Date):
            day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
            return format_date(day, self.zone, self.language, width="long")
        if isinstance(column, Boolean):
            return text(TEXTS["yes" if value else "no"], self.language)
        return str(value)

    def phone(self, value: str) -> str:
        try:
            number = phonenumbers.parse(value, None)
        except phonenumbers.NumberParseException:
            return value
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _column(table: type[Table] | None, name: str) -> Any:
    if table is None:
        return None
    return next((c for c in table._meta.columns if c._meta.db_column_name == name), None)


def section_of(table: type[Table] | None, name: str) -> LetterSection | None:
    """How the letter shows the table ``name`` (None: only counted among the other records)."""
    own = getattr(table, "export_letter", None) if table is not None else None
    return own if isinstance(own, LetterSection) else CORE_SECTIONS.get(name)


def _first_moment(section: LetterSection, table: type[Table] | None) -> str | None:
    for name in section.fields or [c._meta.db_column_name for c in (table._meta.columns if table else [])]:
        if isinstance(_column(table, name), Timestamptz | Date):
            return name
    return None


def build_letter(
    data: Mapping[str, Any],
    tables: Mapping[str, type[Table]],
    client_table: type[Table],
    *,
    language: str,
    zone: str | None = None,
) -> Letter:
    """The letter of the JSON export ``data`` for a reader of ``language`` (times in ``zone``,
    else the display scope's). ``tables`` maps table names to their classes (for the columns'
    types and the tables' own sections)."""
    language = language if language in LANGUAGES else "en"
    reader = _Reader(language, zone, str(data.get("controller", {}).get("country", "")))
    salon = str(data.get("controller", {}).get("name", ""))
    client = data.get("client", {})
    details = []
    for name, label in CLIENT_FIELDS.items():
        value = client.get(name)
        if name == "preferred_locale" and value:
            code = str(value).split("_")[0].split("-")[0]
            shown = text(LANGUAGE_NAMES.get(code, {"en": str(value)}), language)
        elif name == "phone" and value:
            shown = reader.phone(str(value))
        else:
            shown = reader.value(_column(client_table, name), name, value, None)
        if shown:
            details.append(Entry(text(label, language), shown))
    sections: list[Section] = []
    other = 0
    for name, rows in data.get("tables", {}).items():
        table = tables.get(name)
        section = section_of(table, name)
        if section is None:
            other += len(rows)
            continue
        if not rows:
            continue
        sections.append(_section(section, table, rows, reader))
    exported = reader.moment(data.get("exported_at"))
    full_name = " ".join(str(client.get(k) or "") for k in ("first_name", "last_name")).strip()
    return Letter(
        language=language,
        title=text(TEXTS["title"], language) % {"salon": salon},
        details_title=text(TEXTS["client"], language),
        greeting=text(TEXTS["greeting"], language) % {"name": full_name},
        intro=text(TEXTS["intro"], language)
        % {"salon": salon, "when": format_datetime(exported, zone, language, show_zone=True)},
        zone=zone_sentence(language, zone_name(zone)),
        details=details,
        sections=sections,
        other=text(TEXTS["other"], language) % {"count": other} if other else "",
        closing=text(TEXTS["closing"], language),
        regards=text(TEXTS["regards"], language),
        salon=salon,
    )


def _section(section: LetterSection, table: type[Table] | None, rows: list[Any], reader: _Reader) -> Section:
    ordering = _first_moment(section, table)
    ordered = sorted(rows, key=lambda row: str(row.get(ordering) or "")) if ordering else list(rows)
    title = text(section.title, reader.language)
    if section.summary is not None:
        column = _column(table, ordering) if ordering else None
        stamps = [row.get(ordering) for row in ordered if ordering and row.get(ordering)]
        first = reader.value(column, ordering or "", stamps[0], None) if stamps else ""
        last = reader.value(column, ordering or "", stamps[-1], None) if stamps else ""
        summary = text(section.summary, reader.language) % {"count": len(rows), "first": first, "last": last}
        return Section(title, summary=summary)
    shown = []
    for row in ordered:
        entries = []
        for name, label in section.fields.items():
            value = reader.value(_column(table, name), name, row.get(name), section)
            if value:
                entries.append(Entry(text(label, reader.language), value))
        if entries:
            shown.append(entries)
    return Section(title, rows=shown)


def nothing(language: str) -> str:
    """ "Nothing recorded." in ``language``."""
    return text(TEXTS["nothing"], language)


def zone_sentence(language: str, zone: str) -> str:
    """ "Times are in the … time zone." in ``language``."""
    return text(TEXTS["zone"], language) % {"zone": zone}


__all__ = ["CORE_SECTIONS", "LANGUAGES", "Labels", "Letter", "LetterSection", "build_letter", "text"]
