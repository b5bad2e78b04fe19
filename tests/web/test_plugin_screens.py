"""Plugin screens through hooks: a probe plugin (a package with its own templates and
catalogue) adds a route rendered with ``render_page``, a navigation entry, a section of the
client page and a printable page, and the web shows them without knowing the plugin."""

from __future__ import annotations

import textwrap
from importlib.metadata import EntryPoint, entry_points

import pytest
from litestar.testing import AsyncTestClient

from salonkeep.core.aftercare import programmes
from salonkeep.core.plugins.manager import build_plugins, use_plugins
from salonkeep.tenants.context import tenant_scope
from salonkeep.web import i18n
from salonkeep.web.app import create_app

from .staff_helpers import add_client, add_person, csrf, sign_in

HTMX = {"HX-Request": "true"}

PROBE = """
from typing import Any
from uuid import UUID

from salonkeep.core.plugins.api import (
    Action, NavEntry, PageRenderer, Panel, PrintablePage, ProfilePanel, Programme, get_client,
    hookimpl,
)
from pathlib import Path

NAME = "probe_screens"


@hookimpl
def salonkeep_programmes():
    return [Programme(NAME, "Probe screens", "Screens from a plugin")]


@hookimpl
def salonkeep_translation_dirs():
    return [str(Path(__file__).parent / "locale")]


@hookimpl
def salonkeep_web_routes():
    from litestar import get

    @get("/probe/{client_id:uuid}/sheet", include_in_schema=False)
    async def sheet(client_id: UUID, render_page: PageRenderer) -> Any:
        client = await get_client(client_id)
        return render_page("sk_probe_screens/sheet.html", {"client": client})

    return [sheet]


@hookimpl
def salonkeep_navigation():
    return [
        NavEntry("probe", "Probe list", "/app/probe/list", Action.CALLS_WORK, order=35),
        NavEntry("clients", "Hijacked clients", "/app/elsewhere"),
    ]


async def _section(client_id):
    client = await get_client(client_id)
    return {"name": client.first_name} if client.first_name == "Shown" else None


@hookimpl
def salonkeep_profile_panels():
    template = "sk_probe_screens/section.html"
    return [ProfilePanel("probe-section", template, _section, label="Probe section tab")]


@hookimpl
def salonkeep_client_panels(plan):
    return [Panel(NAME, "Probe panel", (("Rows", "1"),), printables=("probe-print",))]


async def _printable(plan):
    return {"first": plan.client.first_name} if plan.client.first_name == "Shown" else None


@hookimpl
def salonkeep_printable_pages():
    return [PrintablePage(NAME, "probe-print", "Print the probe", "sk_probe_screens/print.html", _printable)]
"""

TEMPLATES = {
    "sheet.html": (
        '{% extends "layout.html" %}{% block content %}'
        '<p id="probe-sheet">{{ _("Probe sheet") }}: {{ client.first_name }}</p>'
        '{% if can("calls.work") %}<p id="probe-can">yes</p>{% endif %}{% endblock %}'
    ),
    "section.html": '<section id="probe-section">{{ _("Probe section") }} {{ data.name }}</section>',
    "print.html": (
        '{% extends "aftercare/print.html" %}{% block sheet %}'
        '<p id="probe-print">{{ client.first_name }} / {{ first }}</p>{% endblock %}'
    ),
}

FINNISH = """
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: fi\\n"

msgid "Probe sheet"
msgstr "Koesivu"

msgid "Probe list"
msgstr "Koelista"

msgid "Print the probe"
msgstr "Tulosta koe"

msgid "Probe section tab"
msgstr "Koeosio"
"""


@pytest.fixture
def probe_plugin(tmp_path, monkeypatch):
    """The probe plugin installed next to the built-ins (and removed afterwards)."""
    package = tmp_path / "sk_probe_screens"
    (package / "templates" / "sk_probe_screens").mkdir(parents=True)
    (package / "locale" / "fi" / "LC_MESSAGES").mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(PROBE))
    for name, text in TEMPLATES.items():
        (package / "templates" / "sk_probe_screens" / name).write_text(text)
    (package / "locale" / "fi" / "LC_MESSAGES" / "messages.po").write_text(FINNISH)
    monkeypatch.syspath_prepend(str(tmp_path))
    probe = EntryPoint(name="probe_screens", value="sk_probe_screens", group="salonkeep")
    plugins = build_plugins([*entry_points(group="salonkeep"), probe])
    assert plugins.failures == []
    use_plugins(plugins)
    i18n.catalog.cache_clear()
    yield plugins
    use_plugins(None)
    i18n.catalog.cache_clear()


async def test_plugin_routes_navigation_sections_and_printable_pages(backend, tenant_a, probe_plugin):
    practitioner = await add_person(tenant_a, "practitioner")
    officer = await add_person(tenant_a, "privacy_officer")
    shown = await add_client(tenant_a, first_name="Shown")
    hidden = await add_client(tenant_a, first_name="Hidden")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, practitioner)
        token = await csrf(client)
        await client.post("/app/account/language", data={"locale": "fi", "_csrf_token": token})
        # The route, rendered as a staff page in the person's language (the plugin's catalogue).
        sheet = await client.get(f"/app/probe/{shown.id}/sheet")
        assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/html")
        assert '<p id="probe-sheet">Koesivu: Shown</p>' in sheet.text
        assert 'id="probe-can"' in sheet.text
        # The navigation entry, translated; a plugin cannot take over a built-in entry.
        assert 'href="/app/probe/list"' in sheet.text and "Koelista" in sheet.text
        assert "/app/elsewhere" not in sheet.text and 'href="/app/clients"' in sheet.text
        # Another tenant's or an unknown client: the staff "not found" page, not a 500.
        assert (await client.get("/app/probe/00000000-0000-0000-0000-000000000000/sheet")).status_code == 404

        # The section is a tab of the client page (its label from the plugin's catalogue), at
        # its own address; it runs its load only when opened. The printable page's link is in
        # the aftercare panel, for the client the plugin has data for.
        profile = (await client.get(f"/app/clients/{shown.id}")).text
        section_url = f"/app/clients/{shown.id}/s/probe-section"
        assert f'id="tab-probe-section" href="{section_url}"' in profile and "Koeosio" in profile
        assert 'id="probe-section"' not in profile
        for opened in (await client.get(section_url), await client.get(section_url, headers=HTMX)):
            assert '<section id="probe-section">Probe section Shown</section>' in opened.text
            assert 'data-open-section="probe-section"' in opened.text
        other = (await client.get(f"/app/clients/{hidden.id}/s/probe-section")).text
        assert 'id="probe-section"' not in other and 'data-open-section="probe-section"' in other
        panel = (await client.get(f"/app/clients/{shown.id}/aftercare", headers=HTMX)).text
        assert f'href="/app/clients/{shown.id}/aftercare/probe-print"' in panel and "Tulosta koe" in panel

        printed = await client.get(f"/app/clients/{shown.id}/aftercare/probe-print")
        assert printed.status_code == 200 and '<p id="probe-print">Shown / Shown</p>' in printed.text
        assert (await client.get(f"/app/clients/{hidden.id}/aftercare/probe-print")).status_code == 404
        assert (await client.get(f"/app/clients/{shown.id}/aftercare/no-such-page")).status_code == 404

    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, officer)
        page = (await client.get("/app/account")).text
        assert "/app/probe/list" not in page  # the entry's action is calls.work

    with tenant_scope(tenant_a.ctx):
        await programmes.set_enabled("probe_screens", False)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, practitioner)
        # A disabled programme's printable page is gone; the section stays (records kept).
        assert (await client.get(f"/app/clients/{shown.id}/aftercare/probe-print")).status_code == 404
        panel = (await client.get(f"/app/clients/{shown.id}/aftercare", headers=HTMX)).text
        assert "probe-print" not in panel
        section = (await client.get(f"/app/clients/{shown.id}/s/probe-section", headers=HTMX)).text
        assert 'id="probe-section"' in section
