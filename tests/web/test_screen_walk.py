"""Every page of the application is a screen the browser layout test visits (or is exempt, with
a reason): the routes come from the application's route table, so a new page fails here until
it is added to ``tests/web/screens.py`` (and so gets its tablet and phone layout, axe-core and
screenshot checks in ``test_browser_layout.py``)."""

from __future__ import annotations

import uuid
from pathlib import Path

from salonkeep.core.plugins.manager import get_plugins
from salonkeep.tenants.context import TenantContext
from salonkeep.tenants.settings import Settings
from salonkeep.web.app import create_app
from salonkeep.web.workspace.panels import visible_panels

from . import screens


def _routes(tmp_path: Path) -> list[str]:
    url = f"sqlite:///{tmp_path / 'unused.sqlite3'}"
    settings = Settings(
        data_dir=tmp_path,
        database_url=url,
        migration_database_url=url,
        redis_url="",
        master_key_file=tmp_path / "master.key",
    )
    return screens.page_routes(create_app(settings))


def _urls() -> list[str]:
    owner = TenantContext(tenant_id=uuid.uuid4(), role="owner", actor_label="walk")
    lists = {
        "sections": [panel.key for panel in visible_panels(owner)],
        "printables": list(get_plugins().printable_pages()),
    }
    return [screens.fill(s, screens.SHAPES) for s in screens.expand(screens.SCREENS, lists)]


def test_every_page_route_is_a_visited_screen_or_exempt(tmp_path):
    routes = _routes(tmp_path)
    assert len(routes) > 50  # the whole application, not a handful
    uncovered = screens.uncovered_routes(routes, _urls())
    assert not uncovered, (
        "pages the browser layout test does not visit: add them to SCREENS in tests/web/screens.py "
        f"(or, if no person sees them as a page, to EXEMPT with the reason): {uncovered}"
    )


def test_the_screen_list_names_only_routes_that_exist(tmp_path):
    routes = _routes(tmp_path)
    assert not [route for route in screens.EXEMPT if route not in routes]
    lost = [url for url in _urls() if screens.route_of(url.split("?", 1)[0], routes) is None]
    assert not lost
    # Only the "not found" screen falls through to the catch-all of /app.
    catch_all = [url for url in _urls() if screens.route_of(url.split("?")[0], routes) == "/app/{rest:path}"]
    assert catch_all == ["/app/no-such-page"]


def test_the_walk_notices_a_page_nobody_visits():
    routes = ["/app/clients", "/app/clients/{client_id:uuid}", "/app/new-screen", "/app/{rest:path}"]
    urls = ["/app/clients", "/app/clients/00000000-0000-4000-8000-000000000001", "/app/nowhere"]
    assert screens.uncovered_routes(routes, urls) == ["/app/new-screen"]
    # A route without parameters wins over a parameter and the catch-all.
    assert screens.route_of("/app/clients/new", [*routes, "/app/clients/new"]) == "/app/clients/new"
    assert screens.route_of("/app/nowhere", routes) == "/app/{rest:path}"
