"""The one date/time helper (salonkeep.core.formatting): local zones across DST, Babel's locale
formats, and a walk over every template and display module for other formatting paths."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment

from salonkeep.core import formatting
from salonkeep.core.formatting import (
    display_scope,
    format_date,
    format_datetime,
    format_time,
    install_filters,
    local_date,
    zone_offset,
)

ROOT = Path(formatting.__file__).resolve().parent.parent
HELSINKI = "Europe/Helsinki"


@pytest.mark.parametrize(
    ("moment", "wall", "offset"),
    [
        # Spring forward, 29 March 2026: 03:00 EET becomes 04:00 EEST at 01:00 UTC.
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "Mar 29, 2026, 2:30:00\u202fAM", "UTC+02:00"),
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "Mar 29, 2026, 4:30:00\u202fAM", "UTC+03:00"),
        # Fall back, 25 October 2026: 04:00 EEST becomes 03:00 EET; 03:30 happens twice.
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "Oct 25, 2026, 3:30:00\u202fAM", "UTC+03:00"),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "Oct 25, 2026, 3:30:00\u202fAM", "UTC+02:00"),
    ],
)
def test_helsinki_across_the_dst_changes(moment, wall, offset):
    assert format_datetime(moment, HELSINKI, "en") == wall
    assert format_datetime(moment, HELSINKI, "en", show_zone=True) == f"{wall} ({offset})"
    assert zone_offset(moment, HELSINKI) == offset


def test_dates_derived_from_a_moment_are_local():
    late = datetime(2026, 11, 25, 22, 30, tzinfo=UTC)
    assert local_date(late, HELSINKI) == date(2026, 11, 26)
    assert local_date(late, "UTC") == date(2026, 11, 25)
    assert format_date(late, HELSINKI, "fi") == "26.11.2026"
    assert format_date(date(2026, 11, 25), HELSINKI, "fi") == "25.11.2026"  # a date stays itself
    # The evening before the autumn change is already the 25th locally (UTC+3).
    assert local_date(datetime(2026, 10, 24, 21, 30, tzinfo=UTC), HELSINKI) == date(2026, 10, 25)
    # SQLite hands back naive UTC moments: taken as UTC, not as local time.
    assert format_time(datetime(2026, 11, 25, 22, 30), HELSINKI, "fi") == "0.30"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "Nov 26, 2026, 12:30:00\u202fAM"),
        ("fi", "26.11.2026 0.30.00"),
        ("ru", "26 \u043d\u043e\u044f\u0431. 2026\u202f\u0433., 00:30:00"),
        ("zh", "2026\u5e7411\u670826\u65e5 00:30:00"),
        ("fi-FI", "26.11.2026 0.30.00"),
    ],
)
def test_babel_formats_of_each_locale(locale, expected):
    assert format_datetime(datetime(2026, 11, 25, 22, 30, tzinfo=UTC), HELSINKI, locale) == expected


def test_the_display_scope_supplies_zone_and_locale():
    moment = datetime(2026, 11, 25, 22, 30, tzinfo=UTC)
    assert format_datetime(moment, show_zone=True) == "Nov 25, 2026, 10:30:00\u202fPM (UTC)"
    with display_scope(HELSINKI, "fi"):
        assert format_datetime(moment, show_zone=True) == "26.11.2026 0.30.00 (UTC+02:00)"
        with display_scope("Asia/Shanghai"):  # the locale carries over
            assert format_time(moment) == "6.30"
        assert formatting.zone_name() == HELSINKI
    assert (
        format_datetime(None) == ""
        and format_date(None) == ""
        and format_time(time(9, 5), locale="fi") == "9.05"
    )


def test_template_filters_take_the_template_zone_and_language():
    env = Environment(
        loader=DictLoader(
            {
                "page": "{{ m|datetime(show_zone=True) }}|{{ m|date }}|{{ m|time(zone='UTC') }}"
                "|{{ zone_name() }}",
            }
        ),
        autoescape=True,
    )
    install_filters(env)
    moment = datetime(2026, 11, 25, 22, 30, tzinfo=UTC)
    rendered = env.get_template("page").render(m=moment, time_zone=HELSINKI, lang="ru")
    day = "26 \u043d\u043e\u044f\u0431. 2026\u202f\u0433."  # Russian, abbreviated month
    assert rendered == f"{day}, 00:30:00 (UTC+02:00)|{day}|22:30|Europe/Helsinki"
    with display_scope("Asia/Shanghai", "zh"):
        assert env.get_template("page").render(m=moment).endswith("|22:30|Asia/Shanghai")


# --- no other formatting path --------------------------------------------------------------

TEMPLATE_DIRS = [
    ROOT / "web" / "templates",
    ROOT / "core" / "privacy" / "templates",
    *ROOT.glob("plugins/*/templates"),
]
#: A date or time formatted by hand in a template: strftime, isoformat, .date() or |string of a
#: value whose name says it is a moment or a date.
TEMPLATE_PATTERNS = [
    re.compile(r"\.strftime\("),
    re.compile(r"\.isoformat\("),
    re.compile(r"\.date\(\)"),
    re.compile(r"\b\w*(_at|_on|_from|_until|date|since|until|cutoff|day)\s*\|\s*string"),
]
#: Python code that shows dates to people (pages, CLI output, plugin texts, exports).
DISPLAY_CODE = ["web", "core", "plugins", "workers", "tenants"]
PYTHON_PATTERNS = [
    re.compile(r"\.strftime\("),
    re.compile(r"\{[^{}]*:%[a-zA-Z]"),  # an f-string date format spec: f"{day:%d.%m.%Y}"
    re.compile(r"\.date\(\)\.isoformat\("),  # the UTC date of a moment, as text
]
#: Machine formats, not display: ISO 8601 for JSON, the hash chain, the clock file, the
#: value of an <input type="date">.
ALLOWED_ISOFORMAT = {
    "core/audit/chain.py",
    "core/audit/heads.py",  # the tampering alert's JSON state file
    "core/privacy/rights.py",
    "workers/heartbeat.py",
    "web/workspace/forms.py",
    "web/api/clients.py",
    "web/api/schemas.py",
    "plugins/greetings/__init__.py",  # a touchpoint key
    "core/privacy/retention.py",  # the local date in a stored reason
    "core/tenant_backup.py",  # values serialised into the backup archive (machine format)
    "core/clients/importer.py",  # spreadsheet date cells read as text, parsed again as ISO dates
    "plugins/first_visit/__init__.py",  # a touchpoint key (the appointment's start)
    "core/audit/partitions.py",  # partition bounds in SQL (machine format)
    "web/calendar/routes.py",  # values of <input type="date|datetime-local"> and of links
    "core/appointments/slots.py",  # the value of a slot's radio button (read back as ISO)
    "core/appointments/requests.py",  # a touchpoint key and a message value (read back as ISO)
    "web/booking_public.py",  # the week of the public booking page's links
    "web/complaints_numbers.py",  # <input type="date"> values and the CSV's period columns
}


def test_templates_format_dates_only_through_the_filters():
    found = []
    for folder in TEMPLATE_DIRS:
        for template in folder.rglob("*.html"):
            for number, line in enumerate(template.read_text().splitlines(), 1):
                found += [
                    f"{template.relative_to(ROOT)}:{number}" for p in TEMPLATE_PATTERNS if p.search(line)
                ]
    assert not found, f"format dates with |datetime, |date or |time: {found}"


def test_python_display_code_formats_dates_only_through_the_helper():
    helper = ROOT / "core" / "formatting.py"
    found = []
    for folder in DISPLAY_CODE:
        for module in (ROOT / folder).rglob("*.py"):
            if module == helper or "piccolo_migrations" in module.parts:
                continue
            relative = str(module.relative_to(ROOT))
            for number, line in enumerate(module.read_text().splitlines(), 1):
                if any(p.search(line) for p in PYTHON_PATTERNS) or (
                    ".isoformat(" in line and relative not in ALLOWED_ISOFORMAT
                ):
                    found.append(f"{relative}:{number}: {line.strip()}")
    assert not found, f"use salonkeep.core.formatting: {found}"


def test_the_walk_sees_a_violation():
    """The patterns catch what the finding was made of (so the walks above can fail)."""
    assert any(p.search("{{ s.sold_at.date().isoformat() }}") for p in TEMPLATE_PATTERNS)
    assert any(p.search('{{ e.occurred_at.strftime("%Y-%m-%d %H:%M") }}') for p in TEMPLATE_PATTERNS)
    assert any(p.search("{{ w.sold_on|string }}") for p in TEMPLATE_PATTERNS)
    assert any(p.search('f"{w.product} ({w.sold_on:%d.%m.%Y})"') for p in PYTHON_PATTERNS)
    assert any(p.search("r.due_at.date().isoformat()") for p in PYTHON_PATTERNS)
