# mypy: disable-error-code="empty-body"
"""The plugin contract: every hook a Salonkeep plugin can implement, in one module.

Grouped by lifecycle: *start-up* (what a plugin brings: programmes, tables, templates,
translations, channels), *events* (planning touchpoints), *outcomes* (reacting to what staff
recorded) and *screens* (panels on the client page, routes, navigation entries, printable
pages). Each hook's docstring carries an ``Example::`` (``tests/plugins/test_reference.py``
fails without one) and each is documented in docs/plugins.md;
``tests/plugins/test_contract.py`` fails when one is missing there or untested.

Hooks may be plain functions or coroutines (``async def``): the host awaits what they return.
Implement them with ``from salonkeep.core.plugins.api import hookimpl``.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import pluggy

from salonkeep.core.plugins.api import (
    PROJECT,
    Channel,
    DomainEvent,
    NavEntry,
    Panel,
    Plan,
    Planned,
    PrintablePage,
    ProfilePanel,
    Programme,
    TouchpointChange,
    TouchpointFact,
)

hookspec = pluggy.HookspecMarker(PROJECT)

# --- start-up: what a plugin brings ---------------------------------------------------------


@hookspec
def salonkeep_programmes() -> list[Programme]:
    """Declare the programmes this plugin offers, with their settings schema and defaults.

    Called once when the plugin host starts (web, worker and CLI processes) and whenever the
    list of programmes is shown or a setting is validated. Return a list of
    :class:`~salonkeep.core.plugins.api.Programme`; names must be unique across plugins (a
    clash is reported and the later plugin skipped).

    Example::

        @hookimpl
        def salonkeep_programmes():
            return [Programme("hydration", "Hydration reminder", "A call 2 days after a facial",
                              settings=(Setting("days_after", "int", 2, "Days after", 1, 30),))]
    """


@hookspec
def salonkeep_piccolo_apps() -> list[str]:
    """Contribute piccolo apps (tables and migrations) of the plugin.

    Called when the list of piccolo apps is built: ``salonkeep migrate`` then runs the
    plugin's migrations after the core ones, and row-level security is applied to its tables.
    Return dotted module paths of modules that define ``APP_CONFIG``. Every table needs a
    ``tenant_id``; read and write the tables through ``api.scoped``, which filters by it.

    Example::

        @hookimpl
        def salonkeep_piccolo_apps():
            return ["my_plugin.piccolo_app"]
    """


@hookspec
def salonkeep_template_dirs() -> list[str]:
    """Contribute folders of Jinja templates (panels, screens, printable pages) and of message
    templates (``<programme>/<name>.<language>.txt``).

    Called when the web application builds its template loader and when a message template
    is looked up. Return absolute paths; prefix template names with the plugin's name to
    avoid clashes. A ``templates`` folder inside the plugin package is on the path without
    this hook.

    Example::

        @hookimpl
        def salonkeep_template_dirs():
            return [str(Path(__file__).parent / "shared_templates")]
    """


@hookspec
def salonkeep_translation_dirs() -> list[str]:
    """Contribute folders of gettext catalogues (``<locale>/LC_MESSAGES/<domain>.po``,
    compiled when the web starts, or ``.mo``).

    Called when the web application loads translations; the plugin's strings (templates,
    navigation labels, printable page labels) are looked up after the core's. Return
    absolute paths.

    Example::

        @hookimpl
        def salonkeep_translation_dirs():
            return [str(Path(__file__).parent / "locale")]
    """


@hookspec
def salonkeep_delivery_channels() -> list[Channel]:
    """Contribute delivery channels: ways the workers reach clients.

    Called when a worker builds its channels (at its first delivery job) and by the test
    kit's ``salonkeep_deliver``. Return objects with
    ``name`` (what ``PlannedMessage.channel`` names), ``idempotent`` (True when sending a
    message again with the same ``idempotency_key`` cannot reach the client twice) and
    ``async def send(messages) -> list[SendResult]`` (one result per message: ``sent``,
    ``retry`` for a transient failure, ``failed`` with a reason). A channel named like a
    built-in one (``email``, ``sms``, ``letter``) replaces it. The workers have already
    re-checked consent and quiet hours; the channel only transports. A channel may also
    define ``async def send_each(messages)``, an async generator yielding each result as
    soon as that message is handed over: the workers then write each result before the
    next message goes (a killed worker re-sends at most the message in flight, not the batch).

    Example::

        @hookimpl
        def salonkeep_delivery_channels():
            class Pager:
                name, idempotent = "pager", True

                async def send(self, messages):
                    for m in messages:
                        await page(m.to, m.body, key=m.idempotency_key)
                    return [SendResult(m.id, "sent") for m in messages]

            return [Pager()]
    """


# --- events: planning touchpoints -----------------------------------------------------------


@hookspec
def salonkeep_event(
    event: DomainEvent, plan: Plan
) -> list[Planned | TouchpointChange] | Awaitable[list[Planned | TouchpointChange]]:
    """React to a domain event by planning touchpoints.

    Called inside the unit of work of the service that published the event (client
    registered, service performed — ``first_visit`` / ``is_procedure`` —, product sold with
    its category, appointment booked, complaint received, referral recorded, consent
    granted / withdrawn, and the workers' yearly ``PlanningDue``). Return a list of
    ``PlannedCall`` / ``PlannedMessage`` / ``PlannedTask`` (empty when the event is not for
    you). The host writes them in the same transaction; drops items of programmes the tenant
    has disabled and messages without the consent their ``purpose`` needs; and skips keys
    already planned (events may be re-delivered). May be ``async def``.

    The list may also hold changes to the programme's own planned touchpoints
    (``HoldTouchpoints``, ``ResumeTouchpoints``, ``CancelTouchpoints``,
    ``RescheduleTouchpoint``), which the host applies and audits. When an enabled programme
    declares that it ``handles`` one of the event's catalogue tags or its category, only
    what such programmes return for the event is kept (the generic ones stand back).

    Example::

        @hookimpl
        def salonkeep_event(event, plan):
            if isinstance(event, ServicePerformed) and event.category == "facial":
                return [PlannedCall("hydration", f"{event.visit_id}:call",
                                    plan.day(event.occurred_at, 2, "hydration"),
                                    "Hydration check", "Is your skin comfortable?")]
            return []
    """


# --- outcomes: reacting to what staff recorded ------------------------------------------------


@hookspec
def salonkeep_touchpoint_outcome(
    touchpoint: TouchpointFact, outcome: str, plan: Plan
) -> list[Planned | TouchpointChange] | Awaitable[list[Planned | TouchpointChange]]:
    """React to the outcome staff recorded for a call or task.

    Called in the unit of work that records the outcome (``reached``, ``no_answer``,
    ``abnormal_reaction``, ``wants_appointment``, ``opted_out``), for every touchpoint, after
    the core handled it (no answer → retried later; opted out → the programme's open
    touchpoints for the client are cancelled). Return further touchpoints to plan, or
    changes to the programme's own (e.g. ``HoldTouchpoints`` after a burn is reported); the
    same rules as for events apply. May be ``async def``.

    Do not repeat what the core does: an abnormal reaction already gives the branch manager
    an urgent task (with the note), "wants an appointment" a task for reception. Pass the
    note on only as ``detail=`` (it may hold health information).

    Example::

        @hookimpl
        def salonkeep_touchpoint_outcome(touchpoint, outcome, plan):
            # Reached on the 2-day call: a second check a week later.
            if touchpoint.programme == "hydration" and outcome == REACHED:
                return [PlannedCall("hydration", f"{touchpoint.id}:week",
                                    plan.day(plan.now, 7, "hydration"),
                                    "Hydration: one week on", "Is your skin still comfortable?")]
            return []
    """


# --- screens: panels, routes, navigation, printable pages -----------------------------------


@hookspec
def salonkeep_client_panels(plan: Plan) -> list[Panel] | Awaitable[list[Panel]]:
    """Add panels to the client page.

    Called when the client page is built, for each enabled programme's plugin, with the
    client in ``plan.client``. Return a list of :class:`~salonkeep.core.plugins.api.Panel`
    (empty for clients the plugin has nothing to show for). May be ``async def``.

    Example::

        @hookimpl
        async def salonkeep_client_panels(plan):
            open_calls = [t for t in await plan.touchpoints() if t.programme == "hydration"]
            return [Panel("hydration", "Hydration", (("Open calls", str(len(open_calls))),))]
    """


@hookspec
def salonkeep_web_routes() -> list[Any]:
    """Contribute staff screens: litestar route handlers (``@get``, ``@post``…), controllers
    or routers.

    Called once when the web application is built. Return the handlers; they are mounted
    under ``/app``, behind
    the staff sign-in, CSRF protection and the staff error pages (a ``NotFound``,
    ``Forbidden`` or ``ValidationFailed`` raised by a service becomes the 404, 403 or 422
    page). A handler that names a parameter ``render_page`` gets a
    :class:`~salonkeep.core.plugins.api.PageRenderer` to render one of the plugin's templates
    as a staff page. Check the role in the service the handler calls (``require``), like the
    core does; prefix paths with the plugin's name. Import litestar inside the hook, so
    workers and the CLI never load web code.

    Example::

        @hookimpl
        def salonkeep_web_routes():
            from litestar import get

            @get("/hydration/{client_id:uuid}/sheet", include_in_schema=False)
            async def sheet(client_id: UUID, render_page: PageRenderer) -> Any:
                client = await get_client(client_id)  # NotFound outside the branch scope
                return render_page("hydration/sheet.html", {"client": client})

            return [sheet]
    """


@hookspec
def salonkeep_navigation() -> list[NavEntry]:
    """Add entries to the main navigation of the staff workspace.

    Called once when the web application is built. Return
    :class:`~salonkeep.core.plugins.api.NavEntry` objects whose ``href`` one of your
    ``salonkeep_web_routes`` serves; each shows only to roles that may perform its
    ``action``. An entry with the ``key`` of a built-in one is ignored.

    Example::

        @hookimpl
        def salonkeep_navigation():
            return [NavEntry("hydration", "Hydration list", "/app/hydration",
                             Action.CALLS_WORK, order=35)]
    """


@hookspec
def salonkeep_profile_panels() -> list[ProfilePanel]:
    """Add sections with their own template (and usually forms posting to your routes) to the
    client page: each is a tab of the profile, at ``/app/clients/<id>/s/<key>``.

    Called when the client page is built. Return
    :class:`~salonkeep.core.plugins.api.ProfilePanel` objects; a section's
    ``load(client_id)`` runs for the signed-in person when the section is opened and returns
    the template's ``data`` (``None``: the section says there is nothing for this client).
    Unlike :func:`salonkeep_client_panels` (label and value rows computed from the
    :class:`~salonkeep.core.plugins.api.Plan`, for enabled programmes), a section shows
    whatever the plugin's services return, whether or not a programme is enabled: records
    already kept stay reachable.

    Example::

        @hookimpl
        def salonkeep_profile_panels():
            async def load(client_id):
                sheets = await hydration_sheets(client_id)  # checks role and branch scope
                return {"sheets": sheets} if sheets else None

            return [ProfilePanel("hydration-sheets", "hydration/sheets.html", load)]
    """


@hookspec
def salonkeep_printable_pages() -> list[PrintablePage]:
    """Add pages to print for a client (instructions, letters), at
    ``/app/clients/<client id>/aftercare/<name>``.

    Called when such an address is opened and when the client page lists links. Return
    :class:`~salonkeep.core.plugins.api.PrintablePage` objects; a
    :class:`~salonkeep.core.plugins.api.Panel` names in ``printables`` the pages to link.
    ``load(plan)`` returns the template's context, or ``None`` when there is nothing to print
    for this client. Names are unique across plugins (a later duplicate is ignored).

    Example::

        @hookimpl
        def salonkeep_printable_pages():
            async def load(plan):
                return {"tips": plan.settings("hydration")["tips"]}

            return [PrintablePage("hydration", "tips", "Print hydration tips",
                                  "hydration/print_tips.html", load)]
    """


def hook_names() -> list[str]:
    """The names of every hook in the contract."""
    return [name for name, value in globals().items() if name.startswith("salonkeep_") and callable(value)]
