# ruff: noqa: F811  (the tests take the server and browser fixtures imported below)
"""Issue 17, items 1 and 6: every screen on a 1024 x 768 tablet and a 390 x 844 phone.

The screens are those of ``tests/web/screens.py`` (``test_screen_walk.py`` checks that they are
every page of the application), each opened by the role that works with it, in one browser
session per role: on each, at both sizes, axe-core (vendored in tests/web/vendor) finds no
serious or critical violation, nothing overflows sideways (``scrollWidth <= innerWidth``) and,
on the tablet, the navigation is one row. Screenshots are kept under
``test-artifacts/screenshots/<tablet|phone>/<screen>.png`` (git-ignored). A Finnish sign-in then
finds no English sentence of the catalogs on Today and the profile.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from playwright.async_api import BrowserContext, Page

from salonkeep.core import signup
from salonkeep.core.appointments import service as appointments
from salonkeep.core.clients import import_jobs
from salonkeep.core.complaints import service as complaints
from salonkeep.core.complaints import survey
from salonkeep.core.consent import links
from salonkeep.core.delivery import templates
from salonkeep.core.plugins.manager import get_plugins
from salonkeep.core.visits import service as visits
from salonkeep.tenants import clock, signin
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.onboarding import add_staff
from salonkeep.tenants.secrets_store import read_or_create
from salonkeep.web import i18n
from salonkeep.web.auth.totp import TotpBox
from salonkeep.web.workspace.panels import visible_panels

from .screens import SCREENS, Screen, expand, fill
from .staff_helpers import PASSWORD, add_person
from .test_branch_scope_walk import Scene, _scene
from .test_browser_staff import _sign_in, browser, server  # noqa: F401  (module fixtures)
from .test_staff_roles import SECTIONS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text()
#: Where the screenshots stay after the run (git-ignored; CI keeps the folder as an artefact).
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
SIZES = {"tablet": (1024, 768), "phone": (390, 844)}
#: A day of the seeded appointment (the calendar opens on it).
DAY = "2026-03-31"

_CHECK = """async (scope) => {
  const found = await axe.run(scope, {resultTypes: ["violations"]});
  const bad = found.violations.filter(v => v.impact === "serious" || v.impact === "critical");
  const nav = Array.from(document.querySelectorAll(
      ".mainnav > a, .mainnav > details > summary, .who summary, .who .lock button"))
    .filter(e => e.getClientRects().length > 0)
    .map(e => e.getBoundingClientRect());
  return {
    violations: bad.map(v => v.id + " (" + v.impact + "): "
      + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")),
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    // One row: the lowest top is above every entry's bottom (they overlap vertically).
    navTops: Array.from(new Set(nav.map(r => Math.round(r.top)))),
    navOneRow: nav.length > 0
      && Math.max(...nav.map(r => r.top)) < Math.min(...nav.map(r => r.bottom)),
    // ... and side by side: no entry runs into the next one.
    navOverlaps: nav.slice().sort((a, b) => a.left - b.left)
      .filter((r, i, all) => i > 0 && r.left < all[i - 1].right - 1).length,
    navCount: nav.length,
  };
}"""
#: htmx has loaded what the page loads after itself (profile panels, lists): no request open.
_SETTLED = "() => !document.querySelector('.htmx-request')"


@contextmanager
def _real_time(frozen: clock.FrozenClock) -> Iterator[None]:
    """The system clock for a moment: links minted now stay valid for the server, which runs
    on the real clock."""
    clock.set_clock(None)
    try:
        yield
    finally:
        clock.set_clock(frozen)


async def _people(world: Any, data_dir: Path) -> dict[str, str]:
    """Who opens the screens: e-mail per role (``totp``: someone with a second factor, who
    stops at its step of the sign-in)."""
    people = {"owner": f"owner@{world.slug}.example"}
    for role in ("reception", "privacy_officer", "practitioner", "branch_manager"):
        people[role] = await add_person(world, role)
    people["totp"] = f"totp@{world.slug}.example"
    with tenant_scope(world.ctx):
        staff, _ = await add_staff(
            email=people["totp"],
            name="Second Factor",
            role="branch_manager",
            branch_names=["Main street"],
            password=PASSWORD,
            agreement_signed=True,
        )
    # Sealed with the installation's key, as the server seals it when the person sets it up.
    sealed = TotpBox(read_or_create(data_dir / "secret.key")).new_secret()
    with tenant_scope(TenantContext(tenant_id=world.ctx.tenant_id, actor_id=staff.id, actor_label="test")):
        await signin.set_totp_secret(sealed)
    return people


async def _values(world: Any, scene: Scene, frozen: clock.FrozenClock) -> dict[str, str]:
    """A value for every placeholder of the screens: the scene's records, a few more of
    branch A (an appointment on :data:`DAY`, a complaint, a client import) and valid links."""
    with tenant_scope(world.ctx):
        await appointments.book(
            scene.own_client,
            staff_id=scene.shared_staff,
            service_id=scene.service,
            branch_id=world.branch_id,
            starts_at=datetime(2026, 3, 31, 9, 0, tzinfo=UTC),
        )
        await complaints.record_complaint(
            branch_id=world.branch_id,
            channel="in_store",
            about="service",
            about_ref="Facial",
            description="The room was cold",
            client_id=scene.own_client,
        )
        visit = await visits.record_service(scene.own_client, service="Walk facial")
        upload = await import_jobs.upload(
            "clients.csv", b"First name,Last name,Phone\nAino,Virtanen,+358401234567\n", branch="Main street"
        )
        with _real_time(frozen):
            valid = timedelta(days=30)
            consent_token = links.make_token(world.ctx.tenant_id, scene.own_client, valid)
            survey_token = survey.make_token(world.ctx.tenant_id, visit.id, valid)
            invitation = signup.invitation_token(days=30)
    return {
        "slug": scene.slug,
        "client": str(scene.other_client),
        "own_client": str(scene.own_client),
        "client_import": str(upload.id),
        "complaint": str(scene.other_complaint),
        "service": str(scene.service),
        "claim": str(scene.other_claim),
        "alert": str(scene.other_alert),
        "breach": str(scene.other_breach),
        "branch": str(world.branch_id),
        "template": templates.built_in_names()[0],
        "invitation": invitation,
        "signup_token": invitation,
        "set_password_token": uuid.uuid4().hex,
        "consent_token": consent_token,
        "survey_token": survey_token,
        "day": DAY,
    }


async def _open(page: Page, url: str, status: int = 200) -> str | None:
    """Open ``url`` and wait for what htmx loads after it; what is wrong with its status."""
    response = await page.goto(url)
    assert response is not None
    if response.status != status:
        return f"answered {response.status}, not {status}"
    await page.wait_for_function(_SETTLED)
    if await page.evaluate("typeof window.axe") == "undefined":
        # Evaluated, not injected as a <script>: the page's content security policy stays on.
        await page.evaluate(AXE_SOURCE)
    return None


async def _check(page: Page, size: str, shot: Path, scope: str | None = None) -> dict[str, Any]:
    """At ``size``: the screenshot (of ``scope`` alone when given), axe-core (on ``scope``, or
    the whole page) and the layout measured."""
    width, height = SIZES[size]
    if page.viewport_size != {"width": width, "height": height}:
        # The same page turned into the other size: media queries and the menu follow.
        await page.set_viewport_size({"width": width, "height": height})
        await page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    if scope is None:
        await page.screenshot(path=str(shot), full_page=True)
    else:
        await page.locator(scope).screenshot(path=str(shot))
    result: dict[str, Any] = await page.evaluate(_CHECK, scope or "html")
    return result


def _problems(where: str, found: dict[str, Any], *, navigation: bool) -> list[str]:
    """What is wrong with one screen at one size (``navigation``: it must show one row)."""
    problems = [f"{where}: {violation}" for violation in found["violations"]]
    if found["scrollWidth"] > found["innerWidth"]:
        problems.append(f"{where}: {found['scrollWidth']} px wide in {found['innerWidth']}")
    if navigation and where.startswith("tablet"):
        if found["navCount"] < 3:
            problems.append(f"{where}: no navigation found")
        elif not found["navOneRow"] or found["navOverlaps"]:
            problems.append(f"{where}: the navigation wraps or overlaps ({found['navTops']})")
    return problems


async def _signed_in(
    browser: Any, server: str, slug: str, role: str | None, people: dict[str, str]
) -> BrowserContext:
    """A browser context at tablet size, signed in as ``role`` (None: nobody)."""
    context: BrowserContext = await browser.new_context(viewport={"width": 1024, "height": 768})
    if role is not None:
        page = await context.new_page()
        await _sign_in(page, server, slug, people[role])
        await page.wait_for_url(f"{server}/login/totp" if role == "totp" else f"{server}/app")
        await page.close()
    return context


def _by_role(screens: list[Screen]) -> dict[str | None, list[Screen]]:
    grouped: dict[str | None, list[Screen]] = {}
    for screen in screens:
        grouped.setdefault(screen.role, []).append(screen)
    return grouped


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_every_screen_fits_tablet_and_phone_and_passes_axe(
    backend,
    tenant_a,
    frozen_clock,
    server,
    browser,
):
    scene = await _scene(tenant_a, frozen_clock)
    people = await _people(tenant_a, backend.settings.data_dir)
    values = await _values(tenant_a, scene, frozen_clock)
    owner = TenantContext(tenant_id=tenant_a.ctx.tenant_id, role="owner", actor_label="walk")
    lists = {
        "sections": [panel.key for panel in visible_panels(owner)],
        "printables": list(get_plugins().printable_pages()),
    }
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    for size in SIZES:
        (SCREENSHOTS / size).mkdir(parents=True)
    problems: list[str] = []
    for role, screens in _by_role(expand(SCREENS, lists)).items():
        context = await _signed_in(browser, server, scene.slug, role, people)
        page = await context.new_page()
        for screen in screens:
            wrong = await _open(page, f"{server}{fill(screen, values)}", screen.status)
            if wrong:
                problems.append(f"{screen.name} ({role or 'public'}): {wrong}")
                continue
            for size in SIZES:
                shot = SCREENSHOTS / size / f"{screen.name}.png"
                found = await _check(page, size, shot, screen.scope)
                where = f"{size} {screen.name} ({role or 'public'})"
                problems += _problems(where, found, navigation=screen.navigation)
            await page.set_viewport_size({"width": 1024, "height": 768})
        if role == "owner":
            await _owner_by_keyboard_and_menu(page, server)
        await context.close()
    # Russian labels are the longest: the owner's navigation still fits one tablet row.
    context = await browser.new_context(viewport={"width": 1024, "height": 768})
    page = await context.new_page()
    await page.goto(f"{server}/login?lang=ru")
    await _sign_in(page, server, tenant_a.slug, people["owner"])
    await page.wait_for_url(f"{server}/app")
    assert await _open(page, f"{server}/app") is None
    found = await _check(page, "tablet", SCREENSHOTS / "tablet" / "today_ru.png")
    problems += _problems("tablet /app in Russian", found, navigation=True)
    await context.close()
    print(f"\nscreenshots: {SCREENSHOTS}")
    assert not problems, "\n".join(problems)


async def _owner_by_keyboard_and_menu(page: Page, server: str) -> None:
    """Dense call cards, the keyboard through the person's menu and the lock screen, and the
    phone's menu button, at both sizes."""
    for size, (width, height) in SIZES.items():
        await page.set_viewport_size({"width": width, "height": height})
        # Dense call cards: the note and Record appear once an outcome is tapped.
        await page.goto(f"{server}/app")
        card = page.locator("#call-list li.call").first
        assert not await card.locator("button[type=submit]").is_visible()
        await card.locator("label.choice").first.click()
        assert await card.locator("button[type=submit]").is_visible()
        # The keyboard alone: the person's menu opens with Enter and lists My account; Lock
        # (just before it) locks; the lock screen unlocks with the password typed, back on
        # the same page.
        await page.goto(f"{server}/app/clients")
        if size == "phone":
            await page.focus(".menu-button")
            await page.keyboard.press("Enter")
        await page.focus("[data-navgroup=person] > summary")
        await page.keyboard.press("Enter")
        await page.keyboard.press("Tab")
        assert await page.evaluate("document.activeElement.dataset.nav") == "account"
        await page.keyboard.press("Escape")  # closes the menu, focus back on its button
        await page.keyboard.press("Shift+Tab")
        assert await page.evaluate("document.activeElement.textContent.trim()") == "Lock"
        await page.keyboard.press("Enter")
        await page.wait_for_url(f"{server}/app/lock?next=%2Fapp%2Fclients")
        await page.wait_for_function("document.activeElement.type === 'password'")
        await page.keyboard.type(PASSWORD)  # the password field has the focus
        await page.keyboard.press("Enter")
        await page.wait_for_url(f"{server}/app/clients")
        if size == "phone":
            # The menu button opens the whole navigation; the admin screens are in "Manage".
            await page.goto(f"{server}/app")
            assert not await page.locator("a[data-nav=clients]").is_visible()
            await page.click(".menu-button")
            await page.click("[data-navgroup=manage] > summary")
            await page.click("a[data-nav=staff]")
            await page.wait_for_url(f"{server}/app/admin/staff")


async def _english_sentences_differing_in(language: str) -> set[str]:
    with (Path(i18n.__file__).parent / "translations" / language / "LC_MESSAGES" / "messages.po").open(
        "rb"
    ) as handle:
        catalog = read_po(handle, locale=language)
    return {
        message.id
        for message in catalog
        if isinstance(message.id, str)
        and message.id
        and isinstance(message.string, str)
        and message.string
        and message.string != message.id
        and "%" not in message.id
        and (" " in message.id or len(message.id) >= 5)
    }


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_finnish_sign_in_reads_no_english_on_today_and_the_profile(
    backend,
    tenant_a,
    frozen_clock,
    server,
    browser,
):
    scene = await _scene(tenant_a, frozen_clock)
    email = await add_person(tenant_a, "practitioner")
    english = await _english_sentences_differing_in("fi")
    context = await browser.new_context(viewport={"width": 1024, "height": 768})
    page = await context.new_page()
    await page.goto(f"{server}/login?lang=fi")
    await _sign_in(page, server, tenant_a.slug, email)
    await page.wait_for_url(f"{server}/app")
    assert await page.get_attribute("html", "lang") == "fi"
    leftovers: dict[str, set[str]] = {}
    for path in ("/app", f"/app/clients/{scene.other_client}", f"/app/clients/{scene.other_client}/edit"):
        await page.goto(f"{server}{path}")
        await page.wait_for_load_state("networkidle")
        lines = {line.strip() for line in (await page.inner_text("body")).splitlines() if line.strip()}
        found = {line for line in lines if line in english}
        long_ones = (sentence for sentence in english if sentence.count(" ") >= 3)
        found |= {sentence for sentence in long_ones if any(sentence in line for line in lines)}
        if found:
            leftovers[path] = found
    await context.close()
    assert not leftovers, leftovers


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_the_profile_tabs_load_by_htmx_keep_their_address_and_fit(
    backend,
    tenant_a,
    frozen_clock,
    server,
    browser,
):
    """The profile's first paint shows the header and the tabs; each tab loads its section by
    htmx (no page load), marks itself current and pushes its address: reload keeps the
    section, back and forward go through them; the keyboard moves along the tabs; a form in
    a section loaded by htmx posts with the CSRF header; nothing overflows and axe is clean."""
    scene = await _scene(tenant_a, frozen_clock)
    owner = f"owner@{tenant_a.slug}.example"
    profile = f"{server}/app/clients/{scene.other_client}"
    problems: list[str] = []
    for size, (width, height) in SIZES.items():
        (SCREENSHOTS / size).mkdir(parents=True, exist_ok=True)
        context = await browser.new_context(viewport={"width": width, "height": height})
        page = await context.new_page()
        await _sign_in(page, server, tenant_a.slug, owner)
        await page.wait_for_url(f"{server}/app")
        assert await _open(page, profile) is None
        tabs = page.locator("nav.tabs a[data-section]")
        keys = [await tab.get_attribute("data-section") for tab in await tabs.all()]
        assert keys == SECTIONS["owner"]
        # First paint: the header and the whole tab bar above the fold.
        bottom = await page.evaluate("document.querySelector('nav.tabs').getBoundingClientRect().bottom")
        assert bottom <= height, f"{size}: the tabs end at {bottom} px of {height}"
        assert await page.get_attribute("#tab-details", "aria-current") == "page"
        await page.evaluate("window.stayedOnPage = true")
        for key in keys[1:]:
            await page.click(f"#tab-{key}")
            await page.wait_for_url(f"{profile}/s/{key}")
            await page.wait_for_selector(f'[data-open-section="{key}"]')
            await page.wait_for_load_state("networkidle")
            assert await page.evaluate("window.stayedOnPage === true"), f"{size} {key}: a page load"
            assert await page.get_attribute(f"#tab-{key}", "aria-current") == "page"
            assert await page.locator('nav.tabs a[aria-current="page"]').count() == 1
            found = await _check(page, size, SCREENSHOTS / size / f"profile_tab_{key}.png")
            problems += _problems(f"{size} profile tab {key}", found, navigation=True)
        # Reload: the address keeps the last section open (a whole page from the server).
        await page.reload()
        assert await page.evaluate("window.stayedOnPage") is None
        assert await page.get_attribute(f"#tab-{keys[-1]}", "aria-current") == "page"
        assert await page.locator(f'[data-open-section="{keys[-1]}"]').count() == 1
        # Back and forward go through the sections (htmx keeps no copy of pages in the
        # browser's storage: the page is loaded again).
        assert await page.evaluate("sessionStorage.getItem('htmx-history-cache')") is None
        await page.go_back()
        await page.wait_for_url(f"{profile}/s/{keys[-2]}")
        await page.wait_for_selector(f'[data-open-section="{keys[-2]}"]')
        await page.go_forward()
        await page.wait_for_url(f"{profile}/s/{keys[-1]}")
        await page.wait_for_selector(f'[data-open-section="{keys[-1]}"]')
        # The keyboard: arrows move along the tabs, Enter opens one, focus stays on its tab.
        await page.focus("#tab-details")
        await page.keyboard.press("ArrowRight")
        assert await page.evaluate("document.activeElement.id") == f"tab-{keys[1]}"
        await page.keyboard.press("End")
        assert await page.evaluate("document.activeElement.id") == f"tab-{keys[-1]}"
        await page.keyboard.press("Home")
        await page.keyboard.press("Enter")
        await page.wait_for_url(f"{profile}/s/details")
        await page.wait_for_selector('[data-open-section="details"]')
        assert await page.evaluate("document.activeElement.id") == "tab-details"
        # A form inside a section loaded by htmx posts through htmx with the CSRF header.
        await page.click("#tab-consent")
        await page.wait_for_selector('[data-open-section="consent"]')
        row = page.locator('#consent-state tr[data-purpose="marketing_email"]')
        await row.locator('button[value="grant"]').click()
        await page.wait_for_selector("#consent-notice")
        assert "granted" in (await row.locator("td.state").inner_text()).lower()
        await context.close()
    assert not problems, "\n".join(problems)
