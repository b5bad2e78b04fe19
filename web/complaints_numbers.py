"""The complaint numbers page under /app (owners and branch managers: ``reports.view``): per
branch (or every branch in scope) and period, the figures of
:mod:`salonkeep.core.complaints.statistics` as tables and server-side SVG bars (no script),
and the same figures as CSV.

The CSV is data, not a page: codes, ISO dates and decimals with a dot (one ``section, key,
label, value`` row per figure, the label in the person's language).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from babel.numbers import format_decimal, format_percent
from litestar import Request, Response, get
from litestar.response import Template

from salonkeep.core.access import Action, require
from salonkeep.core.complaints import statistics
from salonkeep.core.complaints.feedback_tables import SCORES
from salonkeep.core.complaints.tables import CATEGORIES, CHANNELS, REMEDIES
from salonkeep.tenants.context import current
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.web import navigation
from salonkeep.web.aftercare.common import BranchChoice, choose_branch
from salonkeep.web.complaints_staff import labels
from salonkeep.web.i18n import current_language
from salonkeep.web.i18n import gettext as _
from salonkeep.web.pages import render

ALL = "all"
BAR_WIDTH = 240
BAR_HEIGHT = 18


@dataclass(frozen=True)
class Figure:
    """One figure: where it belongs, its code, its label and its value (``None``: no data)."""

    section: str
    key: str
    label: str
    value: float | int | None


def figures(numbers: statistics.ComplaintNumbers) -> list[Figure]:
    """Every figure of ``numbers`` in the order the page and the CSV show them."""
    words = labels()
    found = [
        Figure("total", "complaints", _("Complaints"), numbers.complaints),
        Figure("total", "clients", _("Clients who complained"), numbers.clients),
        Figure("total", "repeat_complainants", _("Repeat complainants"), numbers.repeat_complainants),
    ]
    found += [Figure("category", c, words["category"][c], numbers.by_category[c]) for c in CATEGORIES]
    found += [Figure("channel", c, words["channel"][c], numbers.by_channel[c]) for c in CHANNELS]
    found += [
        Figure("first_contact", "contacted", _("Clients contacted"), numbers.contacted),
        Figure(
            "first_contact",
            "median_hours",
            _("Median time to first contact (hours)"),
            numbers.median_first_contact_hours,
        ),
        Figure("first_contact", "promise_due", _("First contacts due"), numbers.promise_due),
        Figure("first_contact", "within_promise", _("Contacted within the promise"), numbers.within_promise),
        Figure(
            "first_contact",
            "within_promise_share",
            _("Share contacted within the promise"),
            numbers.within_promise_share,
        ),
        Figure("resolution", "resolved", _("Resolved"), numbers.resolved),
        Figure(
            "resolution",
            "median_hours",
            _("Median time to resolution (hours)"),
            numbers.median_resolution_hours,
        ),
        Figure("resolution", "mean_rounds", _("Proposals per resolved complaint"), numbers.mean_rounds),
        Figure(
            "resolution", "closed_with_proposal", _("Closed after a proposal"), numbers.closed_with_proposal
        ),
        Figure(
            "resolution",
            "satisfied",
            _("Client satisfied with the last proposal"),
            numbers.satisfied_after_follow_up,
        ),
        Figure(
            "resolution", "satisfied_share", _("Share satisfied after follow-up"), numbers.satisfied_share
        ),
    ]
    found += [
        Figure("remedy_proposed", r, words["remedy"][r], numbers.remedies_proposed[r]) for r in REMEDIES
    ]
    found += [
        Figure("remedy_accepted", r, words["remedy"][r], numbers.remedies_accepted[r]) for r in REMEDIES
    ]
    found += [
        Figure("survey", "answers", _("Survey answers"), numbers.survey_answers),
        Figure("survey", "mean", _("Mean survey score"), numbers.survey_mean),
    ]
    found += [
        Figure("survey_score", str(s), _("Score %(score)s") % {"score": s}, numbers.survey_scores[s])
        for s in SCORES
    ]
    for person in numbers.staff:
        key = str(person.staff_id)
        found += [
            Figure("staff_complaints", key, person.name, person.complaints),
            Figure("staff_first_contact_hours", key, person.name, person.median_first_contact_hours),
            Figure("staff_resolution_hours", key, person.name, person.median_resolution_hours),
        ]
    return found


def machine_value(value: float | int | None) -> str:
    """A figure as CSV text: empty for no data, whole numbers as such, else 4 decimals."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return f"{value:.4f}".rstrip("0").rstrip(".")


def shown_value(figure: Figure) -> str:
    """A figure as the page shows it, in the person's language."""
    if figure.value is None:
        return "-"
    if figure.key.endswith("_share") or figure.key == "satisfied_share":
        return str(format_percent(figure.value, "#,##0.0%", locale=current_language()))
    if isinstance(figure.value, int):
        return str(format_decimal(figure.value, locale=current_language()))
    return str(format_decimal(round(figure.value, 1), "#,##0.0", locale=current_language()))


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label, its value as text, where it sits and how long it is."""

    label: str
    value: str
    y: int
    width: int


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart the template draws as inline SVG (no script)."""

    id: str
    title: str
    bars: tuple[Bar, ...]
    width: int
    height: int


def bars(chart_id: str, title: str, items: list[tuple[str, int]]) -> Chart:
    """A bar chart of ``items`` (label, count), the bars scaled to the largest."""
    largest = max((value for _, value in items), default=0) or 1
    return Chart(
        id=chart_id,
        title=title,
        bars=tuple(
            Bar(label, machine_value(value), index * (BAR_HEIGHT + 6), round(BAR_WIDTH * value / largest))
            for index, (label, value) in enumerate(items)
        ),
        width=BAR_WIDTH + 220,
        height=max(len(items) * (BAR_HEIGHT + 6), BAR_HEIGHT),
    )


async def _numbers(
    request: Request[Any, Any, Any], branch: str, start: str, end: str
) -> tuple[BranchChoice, statistics.ComplaintNumbers]:
    ctx = current()
    require(ctx, Action.REPORTS_VIEW)
    choice = await choose_branch(request, "" if branch == ALL else branch)
    first = statistics.parse_day(start, "start")
    last = statistics.parse_day(end, "end")
    branch_id: UUID | None = None if branch == ALL or choice.chosen is None else choice.chosen.id
    numbers = await statistics.complaint_numbers(branch_id, first, last)
    return choice, numbers


@get("/complaint-numbers", include_in_schema=False)
async def numbers_page(
    request: Request[Any, Any, Any], branch: str = "", start: str = "", end: str = ""
) -> Template:
    """The figures of a branch (or every branch in scope) and period, with bar charts."""
    try:
        choice, numbers = await _numbers(request, branch, start, end)
    except ValidationFailed as exc:
        choice = await choose_branch(request, "")
        return render(
            request,
            "complaints/numbers.html",
            {
                "branch": choice,
                "errors": exc.errors,
                "numbers": None,
                "all": branch == ALL,
                "start": start,
                "end": end,
                "time_zone": choice.zone,
            },
            status_code=422,
        )
    shown = figures(numbers)
    words = labels()
    charts = [
        bars(
            "chart-category",
            _("Complaints by category"),
            [(words["category"][c], numbers.by_category[c]) for c in CATEGORIES],
        ),
        bars(
            "chart-channel",
            _("Complaints by channel"),
            [(words["channel"][c], numbers.by_channel[c]) for c in CHANNELS],
        ),
        bars(
            "chart-remedy",
            _("Remedies proposed"),
            [(words["remedy"][r], numbers.remedies_proposed[r]) for r in REMEDIES],
        ),
        bars(
            "chart-survey",
            _("Survey scores"),
            [(_("Score %(score)s") % {"score": s}, numbers.survey_scores[s]) for s in SCORES],
        ),
    ]
    shown_branch = ALL if numbers.branch_id is None else numbers.branch_id
    query = f"branch={shown_branch}&start={numbers.start}&end={numbers.end}"
    return render(
        request,
        "complaints/numbers.html",
        {
            "branch": choice,
            "all": numbers.branch_id is None,
            "numbers": numbers,
            "figures": [(f, shown_value(f)) for f in shown],
            "charts": charts,
            "csv_href": f"/app/complaint-numbers.csv?{query}",
            "start": numbers.start.isoformat(),
            "end": numbers.end.isoformat(),
            "errors": {},
            "time_zone": choice.zone,
            "sections": section_titles(),
        },
    )


def section_titles() -> dict[str, str]:
    """The headings of the figure tables."""
    return {
        "total": _("Complaints and clients"),
        "category": _("By category"),
        "channel": _("By channel"),
        "first_contact": _("First contact"),
        "resolution": _("Resolution"),
        "remedy_proposed": _("Remedies proposed"),
        "remedy_accepted": _("Remedies accepted"),
        "survey": _("Satisfaction survey"),
        "survey_score": _("Survey scores"),
        "staff_complaints": _("Complaints per staff member"),
        "staff_first_contact_hours": _("Median hours to first contact per staff member"),
        "staff_resolution_hours": _("Median hours to resolution per staff member"),
    }


def csv_text(numbers: statistics.ComplaintNumbers) -> str:
    """The figures as CSV (a header row, then one row per figure)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["branch", "start", "end", "section", "key", "label", "value"])
    branch = "" if numbers.branch_id is None else str(numbers.branch_id)
    for figure in figures(numbers):
        writer.writerow(
            [
                branch,
                numbers.start.isoformat(),
                numbers.end.isoformat(),
                figure.section,
                figure.key,
                figure.label,
                machine_value(figure.value),
            ]
        )
    return out.getvalue()


@get("/complaint-numbers.csv", include_in_schema=False)
async def numbers_csv(
    request: Request[Any, Any, Any], branch: str = "", start: str = "", end: str = ""
) -> Response[str]:
    """The same figures as the page, as CSV."""
    _choice, numbers = await _numbers(request, branch, start, end)
    name = f"complaint-numbers-{numbers.start}-{numbers.end}.csv"
    return Response(
        csv_text(numbers),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


routes = [numbers_page, numbers_csv]


def _mark(message: str) -> str:
    """Mark ``message`` for extraction; the navigation translates it when rendered."""
    return message


navigation.register(
    navigation.NavItem(
        "complaint_numbers",
        _mark("Complaint numbers"),
        "/app/complaint-numbers",
        Action.REPORTS_VIEW,
        order=70,  # a report: in the "Manage" menu, not the row of daily screens
    )
)
