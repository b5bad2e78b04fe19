"""The public plugin API: everything an aftercare plugin imports from Salonkeep.

A plugin module implements hooks (see :mod:`salonkeep.core.plugins.hookspecs` and
docs/plugins.md) marked with :data:`hookimpl`, declares its :class:`Programme` objects and
returns planned touchpoints (:class:`PlannedCall`, :class:`PlannedMessage`,
:class:`PlannedTask`). The host writes them in the unit of work of the event that caused
them, skips programmes the tenant has switched off, drops messages whose purpose the client
has not consented to, and never plans the same ``key`` twice.

Plugins that keep tables of their own (``salonkeep_piccolo_apps``) read and write them
through :mod:`scoped <salonkeep.tenants.scoped>` (``scoped.objects(T)``, ``scoped.get``,
``scoped.new`` + ``scoped.insert``, ``scoped.update``, ``scoped.fetch``…), which adds the tenant
filter of the open unit of work itself, inside :func:`unit_of_work` for the :func:`current`
tenant (hooks already run inside one), and read the time from :func:`now`; all are
re-exported here. A plugin never writes the tenant filter by hand. Their tables reference Salonkeep's
with foreign keys to :class:`Tenant`, :class:`Branch`, :class:`Client`, :class:`Sale` and
:class:`Visit` (re-exported for that; read clients and sales through the services and hooks).
A plugin service that returns rows about a client to a person checks first, with
:func:`visible_client_row`, that the client is in that person's branch scope.

Dates: use :meth:`Plan.day` / :meth:`Plan.month` (or :func:`local_at`), which put a contact
at a local hour in the branch's (else the tenant's) time zone, correct across DST changes
and month ends. Show dates with :meth:`Plan.format_date` / :meth:`Plan.format_time`, or outside
a hook with :func:`format_date` / :func:`format_datetime` / :func:`format_time` (the request's
zone and language).

Refuse input with :class:`ValidationFailed` naming the field; a message holding values is
built with :func:`field_message` (``field_message("the claim is {status}", status=code(claim.status,
"claim_status"))``): the API and CLI read the English text, staff pages the template translated
from your catalogue with the values filled in (codes as labels).
"""

from __future__ import annotations

import calendar
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from uuid import UUID
from zoneinfo import ZoneInfo

import holidays
import pluggy

from salonkeep.core import formatting
from salonkeep.core.access import Action, Forbidden, require
from salonkeep.core.appointments.holiday_names import holiday_names_in
from salonkeep.core.clients.service import ClientView, get_client
from salonkeep.core.clients.tables import Client, visible_client_row
from salonkeep.core.delivery.channel import Channel, OutgoingMessage, SendResult
from salonkeep.core.events import (
    AppointmentAttended,
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentEvent,
    AppointmentMoved,
    AppointmentNoShow,
    ClientMovedBranch,
    ClientRegistered,
    ComplaintCovered,
    ComplaintReceived,
    ConsentGranted,
    ConsentWithdrawn,
    DomainEvent,
    PlanningDue,
    ProductSold,
    ReferralRecorded,
    ServicePerformed,
)
from salonkeep.core.formatting import format_date, format_datetime, format_time
from salonkeep.core.keys.service import decrypt_column, encrypt_column
from salonkeep.core.plugins.screens import NavEntry, PageRenderer, ProfilePanel
from salonkeep.core.privacy.export_letter_texts import LetterSection
from salonkeep.core.visits.tables import Sale, Visit
from salonkeep.tenants import scoped
from salonkeep.tenants.clock import now
from salonkeep.tenants.context import TenantContext, current
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import Conflict, NotFound, ValidationFailed
from salonkeep.tenants.messages import FieldMessage, code, codes, field_message
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.tables import ROLES, Branch, Tenant

PROJECT = "salonkeep"
#: Mark hook implementations with ``@hookimpl``.
hookimpl = pluggy.HookimplMarker(PROJECT)

#: Purposes of messages. ``service`` needs no consent (aftercare the client is owed); every
#: other purpose is a consent purpose of the ledger and is planned only with that consent.
SERVICE = "service"
MESSAGE_PURPOSES = (SERVICE, "health_data", "marketing_email", "marketing_sms", "greetings")

#: Outcomes staff record for a call (or a task).
REACHED = "reached"
NO_ANSWER = "no_answer"
ABNORMAL_REACTION = "abnormal_reaction"
WANTS_APPOINTMENT = "wants_appointment"
OPTED_OUT = "opted_out"
#: The client picked up but it was not a good moment: the call comes back on the next day at
#: the programme's call time, and the attempt does not count towards ``max_attempts``.
NOT_CONVENIENT = "not_convenient"
OUTCOMES = (REACHED, NO_ANSWER, NOT_CONVENIENT, ABNORMAL_REACTION, WANTS_APPOINTMENT, OPTED_OUT)

#: The values of ``assigned_role`` (the staff roles); anything else is refused by the host.
STAFF_ROLES: tuple[str, ...] = tuple(ROLES)

SettingType = Literal["int", "bool", "text", "time", "int_list"]


def N_(message: str) -> str:
    """Mark ``message`` (English) for extraction into the plugin's catalogue and return it
    unchanged: a programme's ``title`` and ``description``, a setting's ``label`` and ``help``
    are message ids the staff screens translate with the plugin's catalogue
    (``salonkeep_translation_dirs``) when they show them."""
    return message


@dataclass(frozen=True)
class Setting:
    """One per-tenant setting of a programme, with its default and bounds. ``help`` and
    ``label`` (the field's name on the programmes page; empty: the name as words) are English
    message ids, translated from the plugin's catalogue where they are shown (mark them with
    :func:`N_`)."""

    name: str
    type: SettingType
    default: Any
    help: str
    minimum: int | None = None
    maximum: int | None = None
    label: str = ""
    #: A ``text`` setting's default in other languages (``{"zh": …, "ru": …, "fi": …}``):
    #: while the owner keeps the default, the programmes page shows it, and the programme
    #: writes it (:meth:`text_for`), in the reader's language.
    default_by_locale: Mapping[str, str] = field(default_factory=dict, hash=False)

    def is_default(self, value: Any) -> bool:
        """True when ``value`` is the default, in any of its languages."""
        return bool(value == self.default or (value and value in self.default_by_locale.values()))

    def default_in(self, locale: str) -> Any:
        """The default as a reader of ``locale`` reads it."""
        return self.default_by_locale.get(locale.split("_")[0], self.default)

    def text_for(self, value: Any, locale: str) -> str:
        """``value`` (from ``plan.settings``) for a reader of ``locale``: the owner's own text
        as written, the default in that language."""
        return str(self.default_in(locale) if self.is_default(value) else value)

    def parse(self, raw: str) -> Any:
        """Turn text typed by an owner (CLI, form) into a value; raises
        :class:`SettingRefused` (a ValueError) saying why."""
        raw = raw.strip()
        if self.type == "int":
            return self.check(_whole_number(raw, "whole_number"))
        if self.type == "bool":
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise SettingRefused("bool", "use true or false")
        if self.type == "time":
            return self.check(raw)
        if self.type == "int_list":
            parts = [part for part in raw.replace(" ", "").split(",") if part]
            return self.check([_whole_number(part, "int_list") for part in parts])
        return self.check(raw)

    def check(self, value: Any) -> Any:
        """Validate a value of this setting's type; returns it or raises :class:`SettingRefused`."""
        if self.type == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise SettingRefused("whole_number", "must be a whole number")
            self._bounds(value)
        elif self.type == "bool":
            if not isinstance(value, bool):
                raise SettingRefused("bool", "must be true or false")
        elif self.type == "time":
            try:
                time.fromisoformat(str(value))
            except ValueError:
                raise SettingRefused("time", "must be a time such as 10:00") from None
        elif self.type == "int_list":
            if not isinstance(value, list) or not value or not all(isinstance(v, int) for v in value):
                raise SettingRefused("int_list", "must be a comma-separated list of whole numbers")
            for item in value:
                self._bounds(item)
            if sorted(set(value)) != value:
                raise SettingRefused("increasing", "must be increasing, without repeats")
        elif not isinstance(value, str) or len(value) > 2000:
            raise SettingRefused("text", "must be text of at most 2000 characters")
        return value

    def _bounds(self, value: int) -> None:
        if self.minimum is not None and value < self.minimum:
            message = field_message("must be at least {limit}", limit=self.minimum)
            raise SettingRefused("minimum", message, self.minimum)
        if self.maximum is not None and value > self.maximum:
            message = field_message("must be at most {limit}", limit=self.maximum)
            raise SettingRefused("maximum", message, self.maximum)


class SettingRefused(ValueError):
    """A programme setting's value was refused. ``reason`` says why in one word (``whole_number``,
    ``bool``, ``time``, ``int_list``, ``increasing``, ``text``, ``minimum``, ``maximum``) so an
    edge can show it in the person's language; ``limit`` is the bound for minimum/maximum; the
    message is the English sentence (CLI, logs), kept as given in :attr:`message`."""

    def __init__(self, reason: str, message: str, limit: int | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.limit = limit
        self.message = message


def _whole_number(raw: str, reason: str) -> int:
    """``raw`` as an int, or SettingRefused (never Python's "invalid literal for int()")."""
    try:
        return int(raw)
    except ValueError:
        if reason == "int_list":
            raise SettingRefused(reason, "must be a comma-separated list of whole numbers") from None
        raise SettingRefused(reason, "must be a whole number") from None


#: Settings every programme has (the host adds them to each programme's schema).
COMMON_SETTINGS = (
    Setting(
        "call_time",
        "time",
        "10:00",
        N_("Local time of day at which calls and messages are due."),
        label=N_("Time of day for calls"),
    ),
    Setting(
        "retry_after_hours",
        "int",
        24,
        N_("After no answer, call again this many hours later."),
        1,
        168,
        label=N_("Call again after (hours)"),
    ),
    Setting(
        "max_attempts",
        "int",
        3,
        N_("Give a call up after this many unanswered attempts."),
        1,
        10,
        label=N_("Attempts at most"),
    ),
)


@dataclass(frozen=True)
class Programme:
    """An aftercare programme a plugin offers; owners enable it and edit its settings.
    ``title`` and ``description`` are English message ids, translated from the plugin's
    catalogue on the staff screens (mark them with :func:`N_`)."""

    name: str
    title: str
    description: str
    settings: tuple[Setting, ...] = ()
    #: The consent purposes of this programme's marketing (greetings, offers), e.g.
    #: ``("greetings",)``. Side effect: an "opted out" outcome on one of its calls withdraws
    #: these consents of the client, so every programme using them stops for that client.
    marketing_purposes: tuple[str, ...] = ()
    #: Whether a tenant runs the programme before its owner chose. Built-ins that every salon
    #: expects are on; a third-party plugin on a shared host should say ``False`` (each owner
    #: switches it on; ``salonkeep plugin new`` writes ``False``).
    enabled_by_default: bool = True
    #: Catalogue tags or category codes (the tenant's own) this programme takes care of: when
    #: an event (a service, a sale, an appointment) carries one of them and the programme is
    #: enabled, the host keeps only what programmes handling it plan for that event; the
    #: generic ones (first visit, medical aftercare, product follow-ups…) stand back.
    handles: tuple[str, ...] = ()

    def schema(self) -> dict[str, Setting]:
        """Every setting of this programme by name, the common ones included."""
        return {s.name: s for s in (*COMMON_SETTINGS, *self.settings)}

    def defaults(self) -> dict[str, Any]:
        """The default value of every setting."""
        return {name: s.default for name, s in self.schema().items()}


@dataclass(frozen=True)
class PlannedCall:
    """A staff phone call with a script; shown on the branch's call list when due."""

    programme: str
    key: str
    due_at: datetime
    title: str
    script: str
    urgency: Literal["normal", "urgent"] = "normal"
    assigned_role: str | None = None
    #: Flag the call as a missed check-up when still open after this moment.
    miss_after: datetime | None = None
    client_id: UUID | None = None
    #: Text staff wrote that the call carries (see :class:`PlannedTask`).
    detail: str = ""
    #: The person who makes the call (e.g. ``event.staff_id``, who served the client); shown
    #: on the call list with their name. ``None``: anyone in the branch (or ``assigned_role``).
    assigned_staff_id: UUID | None = None
    #: ``service`` (aftercare the client is owed) or a consent purpose (``greetings`` for a
    #: holiday call): the host plans it only with that consent, and a withdrawal cancels it.
    purpose: str = SERVICE


@dataclass(frozen=True)
class PlannedMessage:
    """A message to the client, queued until the delivery workers send it."""

    programme: str
    key: str
    due_at: datetime
    title: str
    body: str
    purpose: str = SERVICE
    client_id: UUID | None = None
    #: ``"email"``, ``"sms"``, ``"letter"`` (printed and posted by staff) or a plugin channel;
    #: ``None`` lets the delivery workers choose (e-mail when the client has an address,
    #: else SMS; ``marketing_sms`` goes by SMS, ``marketing_email`` by e-mail).
    channel: str | None = None
    #: A message template (``programme/name``, see docs/delivery.md) rendered when the message
    #: is sent, in the client's language (else the tenant's); ``title``/``body`` are then the
    #: English text staff see on the client page. ``template_vars`` are its values: text, or
    #: moments (keys ending in ``_at``, shown with ``|date`` / ``|time`` in the client's language
    #: and the branch's zone); ``first_name`` and ``salon`` are always there.
    template: str | None = None
    template_vars: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PlannedTask:
    """A task for staff (a role, e.g. ``branch_manager``), e.g. an escalation."""

    programme: str
    key: str
    due_at: datetime
    title: str
    body: str = ""
    urgency: Literal["normal", "urgent"] = "normal"
    assigned_role: str | None = None
    client_id: UUID | None = None
    #: Text staff wrote that the task carries, e.g. the note of the call that caused it
    #: (``touchpoint.note`` in an outcome hook). It can carry health information: it is stored
    #: encrypted and shown only to roles that see health data. Never copy it into ``title``
    #: or ``body`` (the host moves a ``body`` that contains the note here).
    detail: str = ""
    #: The person the task is for (see :class:`PlannedCall`).
    assigned_staff_id: UUID | None = None


Planned = PlannedCall | PlannedMessage | PlannedTask


@dataclass(frozen=True)
class HoldTouchpoints:
    """Return it from a hook to put the client's open touchpoints of ``programme`` (those
    whose key starts with ``key_prefix``; ``""``: all) on hold: they leave the call list and
    the delivery queue until resumed. The host audits the change. Only a programme's own
    touchpoints can be held."""

    programme: str
    key_prefix: str = ""
    client_id: UUID | None = None


@dataclass(frozen=True)
class ResumeTouchpoints:
    """Return it from a hook to resume the client's held touchpoints of ``programme`` (key
    prefix as for :class:`HoldTouchpoints`). A message or call whose purpose the client no
    longer consents to is cancelled instead (the consent gate); one whose due time passed
    while held is due at ``due_at`` (default: now)."""

    programme: str
    key_prefix: str = ""
    client_id: UUID | None = None
    due_at: datetime | None = None


@dataclass(frozen=True)
class CancelTouchpoints:
    """Return it from a hook to cancel the client's open or held touchpoints of
    ``programme`` (key prefix as for :class:`HoldTouchpoints`)."""

    programme: str
    key_prefix: str = ""
    client_id: UUID | None = None


@dataclass(frozen=True)
class RescheduleTouchpoint:
    """Return it from a hook to move the client's open or held touchpoint ``key`` of
    ``programme`` (the key it was planned with) to ``due_at``."""

    programme: str
    key: str
    due_at: datetime
    client_id: UUID | None = None


#: What a hook may return besides new touchpoints: changes to its programme's own ones.
TouchpointChange = HoldTouchpoints | ResumeTouchpoints | CancelTouchpoints | RescheduleTouchpoint


@dataclass(frozen=True)
class ClientFacts:
    """What a programme may know about the client it plans for."""

    id: UUID
    branch_id: UUID
    first_name: str
    kind: str
    date_of_birth: date | None
    created_at: datetime
    #: The language the client reads (``None``: the tenant's).
    preferred_locale: str | None = None


@dataclass(frozen=True)
class VisitFact:
    """A service the client had."""

    service: str
    category: str
    performed_at: datetime
    #: A medical-aesthetic procedure (the catalogue's flag on the service or its category).
    is_procedure: bool = False
    #: The catalogue service's tags.
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class TouchpointFact:
    """A touchpoint as plugins see it (in outcome hooks and when reading a client's plan)."""

    id: UUID
    client_id: UUID
    branch_id: UUID
    programme: str
    kind: str
    key: str
    title: str
    due_at: datetime
    status: str
    outcome: str | None
    #: The note of the last outcome (clear text; "" when the acting role may not read it).
    note: str
    attempts: int
    missed: bool
    #: The person the call or task is for (``None``: anyone in the branch).
    assigned_staff_id: UUID | None = None


@dataclass(frozen=True)
class Panel:
    """A panel on the client page: a title and label/value rows."""

    programme: str
    title: str
    rows: tuple[tuple[str, str], ...] = ()
    #: A template of the plugin (from ``salonkeep_template_dirs``) to render instead of rows.
    template: str | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    #: Names of the plugin's :class:`PrintablePage` objects to link from the panel (for this
    #: client: list a name only when there is something to print).
    printables: tuple[str, ...] = ()


def _combine(day: date, at: time, zone: ZoneInfo) -> datetime:
    """``day`` at wall-clock ``at`` in ``zone``, as UTC. A wall time that does not exist (the
    hour skipped when clocks go forward) moves forward by the gap."""
    local = datetime.combine(day, at, tzinfo=zone)
    round_trip = local.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        local = round_trip
    return local.astimezone(UTC)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clamped to the month's end (Jan 31 + 1 → Feb 28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def local_date(moment: datetime, zone: str) -> date:
    """The calendar date of ``moment`` in ``zone``."""
    return moment.astimezone(ZoneInfo(zone)).date()


def local_at(day: date, at: str | time, zone: str) -> datetime:
    """``day`` at the local time ``at`` (``"10:00"``) in ``zone``, returned in UTC."""
    wall = at if isinstance(at, time) else time.fromisoformat(at)
    return _combine(day, wall, ZoneInfo(zone))


async def seal_for_client(client_id: UUID, subject: str, column: str, row_id: UUID, text: str) -> str:
    """``text`` encrypted under the client's key (erasing the client shreds it), bound to
    ``subject``/``column``/``row_id``: store what this returns, never the clear text. Call
    inside a unit of work of the :func:`current` tenant."""
    return await encrypt_column(current(), client_id, subject, column, row_id, text)


async def open_for_client(client_id: UUID, subject: str, column: str, row_id: UUID, sealed: str) -> str:
    """The clear text of what :func:`seal_for_client` returned for the same names."""
    return await decrypt_column(current(), client_id, subject, column, row_id, sealed)


def working_days_after(day: date, count: int, country: str) -> date:
    """The date ``count`` working days after ``day``: weekends and the country's public
    holidays (``holidays`` package) are skipped."""
    calendar_ = holidays.country_holidays(country, years=range(day.year, day.year + 2))
    current = day
    left = count
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in calendar_:
            left -= 1
    return current


ClientVisits = Callable[[], Awaitable[list[VisitFact]]]
ClientTouchpoints = Callable[[], Awaitable[list[TouchpointFact]]]
ConsentCheck = Callable[[str], Awaitable[bool]]
ClientReferrer = Callable[[], Awaitable["ClientFacts | None"]]


@dataclass
class Plan:
    """What a hook knows about the tenant, the client and the programme settings, plus date
    helpers. Built by the host for each event (or outcome, or client page)."""

    tenant_id: UUID
    country: str
    time_zone: str
    client: ClientFacts
    now: datetime
    settings_by_programme: Mapping[str, Mapping[str, Any]]
    enabled_programmes: frozenset[str]
    _visits: ClientVisits
    _touchpoints: ClientTouchpoints
    _consent: ConsentCheck
    _referrer: ClientReferrer
    #: The locale dates in texts are written for: the tenant's default for what the host
    #: stores (scripts, messages), the reader's for client panels.
    locale: str = "en"
    #: The tenant's (salon's) name, for scripts ("this is … from <salon>").
    salon_name: str = ""

    def text(self, by_locale: Mapping[str, str], **values: Any) -> str:
        """The text of ``by_locale`` (``{"en": …, "zh": …}``) for :attr:`locale` (English when
        the locale has none), formatted with ``values`` and ``salon``."""
        return self.text_in(self.locale, by_locale, **values)

    @property
    def client_locale(self) -> str:
        """The language of what reaches the client: theirs, else the tenant's."""
        return self.client.preferred_locale or self.locale

    def client_text(self, by_locale: Mapping[str, str], **values: Any) -> str:
        """As :meth:`text`, in :attr:`client_locale`: for the ``title``/``body`` and
        ``template_vars`` of a message to the client."""
        return self.text_in(self.client_locale, by_locale, **values)

    def text_in(self, locale: str, by_locale: Mapping[str, str], **values: Any) -> str:
        """As :meth:`text`, in ``locale`` (English when ``by_locale`` has none for it)."""
        chosen = by_locale.get(locale) or by_locale.get(locale.split("_")[0]) or by_locale["en"]
        return chosen.format(salon=self.salon_name, **values)

    def settings(self, programme: str) -> Mapping[str, Any]:
        """The tenant's settings of ``programme`` (defaults merged with the owner's edits)."""
        return self.settings_by_programme.get(programme, {})

    def enabled(self, programme: str) -> bool:
        """True when the tenant runs ``programme`` (the host also filters for you)."""
        return programme in self.enabled_programmes

    def zone(self) -> ZoneInfo:
        """The time zone contacts are planned in (the branch's, else the tenant's)."""
        return ZoneInfo(self.time_zone)

    def today(self) -> date:
        """Today in the tenant's (branch's) time zone."""
        return local_date(self.now, self.time_zone)

    def local_date(self, moment: datetime) -> date:
        """The local date of ``moment``."""
        return local_date(moment, self.time_zone)

    def at(self, day: date, programme: str, at: str | None = None) -> datetime:
        """``day`` at the programme's ``call_time`` (or ``at``), local, in UTC."""
        return local_at(day, at or str(self.settings(programme).get("call_time", "10:00")), self.time_zone)

    def day(self, moment: datetime, days: int, programme: str, at: str | None = None) -> datetime:
        """``days`` calendar days after the local date of ``moment``, at the call time."""
        return self.at(self.local_date(moment) + timedelta(days=days), programme, at)

    def month(self, moment: datetime, months: int, programme: str, at: str | None = None) -> datetime:
        """``months`` calendar months after the local date of ``moment`` (clamped to month
        ends), at the call time."""
        return self.at(add_months(self.local_date(moment), months), programme, at)

    def after_hours(
        self, moment: datetime, hours: float, programme: str, *, until: str = "18:00"
    ) -> datetime:
        """At least ``hours`` after ``moment``, within the next call window: the window runs
        each day from the programme's ``call_time`` to ``until`` (local). A moment inside a
        window is kept; one before it moves to its start, one after it to the next day's.
        Example: a patch test at 15:00 and ``hours=48`` → two days later at 15:00; at 19:00
        → three days later at the call time."""
        earliest = moment + timedelta(hours=hours)
        day = self.local_date(earliest)
        opens, closes = self.at(day, programme), local_at(day, until, self.time_zone)
        if earliest < opens:
            return opens
        if earliest < closes:
            return earliest
        return self.at(day + timedelta(days=1), programme)

    def format_date(self, value: date | datetime, locale: str | None = None) -> str:
        """A date for a text (``26.11.2026`` in Finnish, ``Nov 26, 2026`` in English) in
        :attr:`locale` (or ``locale``: :attr:`client_locale` for a message); a moment gives its
        local date. Never format dates with ``strftime`` in a plugin."""
        return formatting.format_date(value, self.time_zone, locale or self.locale)

    def format_time(self, moment: datetime, locale: str | None = None) -> str:
        """The local time of day of ``moment`` for a text (``0.30`` in Finnish), in
        :attr:`locale` or ``locale``."""
        return formatting.format_time(moment, self.time_zone, locale or self.locale)

    def working_days_after(self, day: date, count: int) -> date:
        """``count`` working days after ``day`` in the tenant's country."""
        return working_days_after(day, count, self.country)

    async def visits(self) -> list[VisitFact]:
        """The client's services, oldest first."""
        return await self._visits()

    async def touchpoints(self) -> list[TouchpointFact]:
        """The client's touchpoints (every programme), by due time."""
        return await self._touchpoints()

    async def referrer(self) -> ClientFacts | None:
        """The member who referred this client (a guest), if any."""
        return await self._referrer()

    async def has_consent(self, purpose: str) -> bool:
        """True when the client consented to ``purpose`` (the host checks messages anyway)."""
        return await self._consent(purpose)


PrintableLoad = Callable[[Plan], Awaitable[Mapping[str, Any] | None]]


@dataclass(frozen=True)
class PrintablePage:
    """A page to print for a client, at ``/app/clients/<client id>/aftercare/<name>``.

    Served only while ``programme`` is enabled for the tenant, to people who may see the
    client. ``load(plan)`` gets the :class:`Plan` of the client (in the reader's language) and
    returns the template's context (``client`` is added), or ``None`` when there is nothing to
    print for this client (the page is then "not found"). ``template`` should extend
    ``aftercare/print.html`` (no navigation; blocks ``title``, ``back`` and ``sheet``). A
    :class:`Panel` lists in ``printables`` the names to link from the client page, with
    ``label`` (an English message id, translated) as the link's text."""

    programme: str
    name: str
    label: str
    template: str
    load: PrintableLoad


@dataclass(frozen=True)
class SalonFacts:
    """Who a client deals with, for papers given to the client (receipts, letters): the
    salon's (tenant's) name and the branch's name, address and phone."""

    name: str
    branch: str = ""
    address: str = ""
    phone: str = ""


async def salon_facts(branch_id: UUID | None) -> SalonFacts:
    """The current tenant's name and the details of its branch ``branch_id`` (none: the
    name alone)."""
    ctx = current()
    tenant = await get_tenant(ctx.tenant_id)
    async with unit_of_work(ctx):
        branch = await scoped.get(Branch, branch_id) if branch_id is not None else None
    if branch is None:
        return SalonFacts(tenant.name)
    return SalonFacts(tenant.name, branch.name, branch.address or "", branch.phone or "")


__all__ = [
    "ABNORMAL_REACTION",
    "COMMON_SETTINGS",
    "MESSAGE_PURPOSES",
    "NOT_CONVENIENT",
    "NO_ANSWER",
    "N_",
    "OPTED_OUT",
    "OUTCOMES",
    "REACHED",
    "SERVICE",
    "STAFF_ROLES",
    "WANTS_APPOINTMENT",
    "Action",
    "AppointmentAttended",
    "AppointmentBooked",
    "AppointmentCancelled",
    "AppointmentEvent",
    "AppointmentMoved",
    "AppointmentNoShow",
    "Branch",
    "CancelTouchpoints",
    "Channel",
    "Client",
    "ClientFacts",
    "ClientMovedBranch",
    "ClientRegistered",
    "ClientView",
    "ComplaintCovered",
    "ComplaintReceived",
    "Conflict",
    "ConsentGranted",
    "ConsentWithdrawn",
    "DomainEvent",
    "FieldMessage",
    "Forbidden",
    "HoldTouchpoints",
    "LetterSection",
    "NavEntry",
    "NotFound",
    "OutgoingMessage",
    "PageRenderer",
    "Panel",
    "Plan",
    "Planned",
    "PlannedCall",
    "PlannedMessage",
    "PlannedTask",
    "PlanningDue",
    "PrintablePage",
    "ProductSold",
    "ProfilePanel",
    "Programme",
    "ReferralRecorded",
    "RescheduleTouchpoint",
    "ResumeTouchpoints",
    "Sale",
    "SalonFacts",
    "SendResult",
    "ServicePerformed",
    "Setting",
    "SettingRefused",
    "Tenant",
    "TenantContext",
    "TouchpointChange",
    "TouchpointFact",
    "ValidationFailed",
    "Visit",
    "VisitFact",
    "add_months",
    "code",
    "codes",
    "current",
    "field_message",
    "format_date",
    "format_datetime",
    "format_time",
    "get_client",
    "holiday_names_in",
    "hookimpl",
    "local_at",
    "local_date",
    "now",
    "open_for_client",
    "require",
    "salon_facts",
    "scoped",
    "seal_for_client",
    "unit_of_work",
    "visible_client_row",
    "working_days_after",
]
