"""Every screen of the application, with who opens it: what the browser layout test visits.

:data:`SCREENS` lists the pages people see (staff pages under ``/app`` and the public pages),
each as a URL with placeholders that a seeded scene fills (``{client}``, ``{complaint}``…) and
the role that opens it. :func:`uncovered_routes` compares them with the application's own
route table: every GET route must be reached by a screen or be in :data:`EXEMPT` with a
reason, so a screen added later fails ``test_screen_walk.py`` until it is visited here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: Routes that are not pages at all: the JSON API (and its schema) and static files.
NOT_PAGES = ("/api/", "/static/")

#: GET routes that are no screen of their own, with the reason. Keep this short: a page a
#: person sees belongs in :data:`SCREENS`.
EXEMPT: dict[str, str] = {
    "/healthz": "health probe for load balancers (JSON)",
    "/metrics": "Prometheus metrics (text)",
    "/app/keepalive": "activity ping of every staff page (204, no body)",
    "/app/calls": "the call list fragment htmx refreshes on Today (visited there)",
    "/app/clients/{client_id:uuid}/aftercare": "the aftercare panel alone (its screen: the section)",
    "/app/clients/{client_id:uuid}/consent": "the consent panel the consent form's htmx answers swap in",
    "/app/clients/{client_id:uuid}/audit": "the audit panel alone (its screen: the Audit trail section)",
    "/app/clients/import/{import_id:uuid}/progress": "progress fragment the import page polls",
    "/app/admin/messages/{message_id:uuid}/file": "download: the file of one sent message (text)",
    "/app/complaints/{complaint_id:uuid}/photos/{photo_id:uuid}": "download: a complaint's photo",
    "/app/complaint-numbers.csv": "download: the complaint numbers as CSV",
    "/app/privacy/partners/{partner_id:uuid}/report": "download: a partner's security report",
    "/t/{slug:str}/calendar-feed/{name:str}": "download: an iCalendar feed (ICS)",
}


@dataclass(frozen=True)
class Screen:
    """One page as one person opens it."""

    name: str  #: the screenshot's file name (without ``.png``)
    url: str  #: path and query, with ``{placeholders}`` of :func:`fill`
    role: str | None  #: who opens it; None: nobody signed in (public pages)
    #: Printable pages and public pages have no navigation; the others show it in one row.
    navigation: bool = True
    status: int = 200  #: the status the page answers with
    #: A part of the page that is the screen (a profile section): checked and shot alone.
    scope: str | None = None


def _staff(role: str, *screens: tuple[str, str]) -> list[Screen]:
    return [Screen(name, url, role) for name, url in screens]


def _printable(role: str, *screens: tuple[str, str]) -> list[Screen]:
    return [Screen(name, url, role, navigation=False) for name, url in screens]


def _public(*screens: tuple[str, str]) -> list[Screen]:
    return [Screen(name, url, None, navigation=False) for name, url in screens]


#: Every screen. Reception opens the daily screens of its branch (Today, calendar, clients,
#: complaints); the owner the admin screens and a client of another branch (every section);
#: the privacy officer the privacy screens.
SCREENS: list[Screen] = [
    *_staff(
        "reception",
        ("today", "/app"),
        ("clients", "/app/clients"),
        ("clients_search", "/app/clients?q=Own"),
        ("client_new", "/app/clients/new"),
        ("profile_reception", "/app/clients/{own_client}"),
        ("client_edit_reception", "/app/clients/{own_client}/edit"),
        ("break_glass", "/app/clients/{client}/break-glass"),
        ("calendar_day", "/app/calendar?day={day}"),
        ("calendar_week", "/app/calendar?day={day}&view=week"),
        ("calendar_feed", "/app/calendar-feed"),
        ("booking_requests", "/app/booking-requests"),
        ("call_log", "/app/calls/log"),
        ("complaints", "/app/complaints"),
        ("complaint_new", "/app/complaints/new"),
        ("account", "/app/account"),
        ("agreement", "/app/agreement"),
    ),
    Screen("not_found", "/app/no-such-page", "reception", status=404),
    # Last of reception's screens: it locks the session.
    *_printable("reception", ("lock", "/app/lock?next=/app/clients")),
    *_staff(
        "owner",
        ("profile", "/app/clients/{client}"),
        ("client_edit", "/app/clients/{client}/edit"),
        ("clients_import", "/app/clients/import"),
        ("clients_import_job", "/app/clients/import/{client_import}"),
        ("complaint_detail", "/app/complaints/{complaint}"),
        ("complaint_numbers", "/app/complaint-numbers"),
        ("staff", "/app/admin/staff"),
        ("staff_import", "/app/admin/staff/import"),
        ("calendar_hours", "/app/calendar/hours"),
        ("branches", "/app/admin/branches"),
        ("settings", "/app/admin/settings"),
        ("catalogue", "/app/admin/catalogue"),
        ("catalogue_service", "/app/admin/catalogue/services/{service}"),
        ("programmes", "/app/admin/programmes"),
        ("reminders", "/app/admin/reminders"),
        ("messages_failed", "/app/admin/messages"),
        ("messages_sent", "/app/admin/messages?status=sent"),
        ("templates", "/app/admin/templates"),
        ("template_editor", "/app/admin/templates?name={template}"),
        ("privacy_policy", "/app/admin/privacy-policy"),
        ("getting_started", "/app/getting-started"),
        ("account_totp", "/app/account/totp"),
    ),
    # Each section of the profile, opened by its address (checked on its own: the whole page
    # is the "profile" screen); the old address with ?section= opens the same.
    Screen("profile_{sections}", "/app/clients/{client}/s/{sections}", "owner", scope="#panel-{sections}"),
    Screen("profile_section_query", "/app/clients/{client}?section=history", "owner", scope="#panel-history"),
    *_printable(
        "owner",
        ("warranty_receipt", "/app/warranty/claims/{claim}/receipt"),
        ("print_{printables}", "/app/clients/{client}/aftercare/{printables}"),
    ),
    *_staff(
        "privacy_officer",
        ("privacy", "/app/privacy"),
        ("privacy_client", "/app/privacy/clients/{client}"),
        ("privacy_erase", "/app/privacy/clients/{client}/erase"),
        ("privacy_sharing", "/app/privacy/sharing"),
        ("privacy_retention", "/app/privacy/retention"),
        ("privacy_audit", "/app/privacy/audit"),
        ("privacy_alerts", "/app/privacy/alerts"),
        ("privacy_alert", "/app/privacy/alerts/{alert}"),
        ("privacy_breaches", "/app/privacy/breaches"),
        ("privacy_breach", "/app/privacy/breaches/{breach}"),
        ("privacy_obligations", "/app/privacy/obligations"),
        ("privacy_reconsent", "/app/privacy/reconsent"),
    ),
    *_printable(
        "privacy_officer",
        ("access_report", "/app/clients/{client}/access-report"),
        ("breach_letter", "/app/privacy/breaches/{breach}/letters/{client}"),
        ("breach_report", "/app/privacy/breaches/{breach}/report"),
    ),
    *_public(
        ("home", "/"),
        ("login", "/login"),
        ("signup", "/signup?invitation={invitation}"),
        ("signup_verify", "/signup/verify/{signup_token}"),
        ("set_password", "/t/{slug}/set-password/{set_password_token}"),
        ("privacy_notice", "/t/{slug}/privacy"),
        ("consent_self_service", "/t/{slug}/consent/{consent_token}"),
        ("complaint_form", "/t/{slug}/complaint/{branch}"),
        ("booking", "/t/{slug}/book/{branch}"),
        ("booking_times", "/t/{slug}/book/{branch}?service={service}"),
        ("survey", "/t/{slug}/survey/{survey_token}"),
    ),
    # Every other role's navigation (it differs per role) on its Today.
    Screen("today_practitioner", "/app", "practitioner"),
    Screen("today_branch_manager", "/app", "branch_manager"),
    # The second step of signing in, for someone with an authenticator app.
    Screen("login_totp", "/login/totp", "totp", navigation=False),
]


def expand(screens: Iterable[Screen], lists: Mapping[str, Iterable[str]]) -> list[Screen]:
    """The screens with their one-per-item entries (``{sections}``: one per profile section,
    ``{printables}``: one per printable page) spread out over ``lists``."""
    spread: list[Screen] = []
    for screen in screens:
        key = next((k for k in lists if f"{{{k}}}" in screen.url), None)
        if key is None:
            spread.append(screen)
            continue
        for item in lists[key]:
            spread.append(
                Screen(
                    screen.name.replace(f"{{{key}}}", item),
                    screen.url.replace(f"{{{key}}}", item),
                    screen.role,
                    screen.navigation,
                    screen.status,
                    screen.scope and screen.scope.replace(f"{{{key}}}", item),
                )
            )
    return spread


def fill(screen: Screen, values: Mapping[str, str]) -> str:
    """The screen's URL with its placeholders filled from ``values``."""
    return screen.url.format(**values)


_PARAMETER = re.compile(r"\{(\w+):(\w+)\}")
_SHAPES = {"uuid": r"[0-9a-fA-F-]{36}", "str": r"[^/]+", "path": r".+", "int": r"\d+"}


def _pattern(route_path: str) -> re.Pattern[str]:
    parts = []
    last = 0
    for match in _PARAMETER.finditer(route_path):
        parts.append(re.escape(route_path[last : match.start()]))
        parts.append(f"(?:{_SHAPES[match.group(2)]})")
        last = match.end()
    parts.append(re.escape(route_path[last:]))
    return re.compile("".join(parts) + r"/?")


def page_routes(app: Any) -> list[str]:
    """The paths of the application's GET routes that may be pages (not the API, not files)."""
    return [
        route.path for route in app.routes if "GET" in route.methods and not route.path.startswith(NOT_PAGES)
    ]


def route_of(path: str, routes: Iterable[str]) -> str | None:
    """The route ``path`` (without its query) reaches: a route without parameters first, then
    the one with the most fixed text (as the router prefers), a catch-all path last."""
    matching = [r for r in routes if _pattern(r).fullmatch(path)]
    if not matching:
        return None
    return max(matching, key=lambda r: (":path}" not in r, len(_PARAMETER.sub("", r))))


def uncovered_routes(routes: Iterable[str], urls: Iterable[str]) -> list[str]:
    """The routes that no URL of ``urls`` reaches and :data:`EXEMPT` does not name."""
    routes = list(routes)
    reached = {route_of(url.split("?", 1)[0], routes) for url in urls}
    return [r for r in routes if r not in reached and r not in EXEMPT]


#: Every placeholder of :data:`SCREENS` with a value of its shape (the scene has the real ones).
_IDS = ("client", "own_client", "client_import", "complaint", "service", "claim", "alert", "breach", "branch")
_WORDS = (
    "slug",
    "template",
    "invitation",
    "signup_token",
    "set_password_token",
    "consent_token",
    "survey_token",
)
SHAPES: dict[str, str] = {
    **dict.fromkeys(_IDS, "00000000-0000-4000-8000-000000000001"),
    **dict.fromkeys(_WORDS, "x"),
    "day": "2026-03-31",
}
