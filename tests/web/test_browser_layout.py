# ruff: noqa: F811  (the tests take the server and browser fixtures imported below)
"""Issue 17, items 1 and 6: every main screen on a 1024 x 768 tablet and a 390 x 844 phone.

One browser session per size walks the screens (Today, clients, the profile and each of its
sections, calendar, call log, complaints, the privacy board, the admin pages) as the owner of a
tenant with a full day recorded, and on each: axe-core (vendored in tests/web/vendor) finds no
serious or critical violation, nothing overflows sideways (``scrollWidth <= innerWidth``) and,
on the tablet, the navigation is one row. Screenshots are kept under tmp/test-artifacts/ (not
committed). A Finnish sign-in then finds no English sentence of the catalogs on Today and the
profile.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from playwright.async_api import Page

from salonkeep.web import i18n

from .staff_helpers import PASSWORD, add_person
from .test_branch_scope_walk import _scene
from .test_browser_staff import _sign_in, browser, server  # noqa: F401  (module fixtures)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
ARTIFACTS = ROOT / "tmp" / "test-artifacts" / "layout"
SIZES = {"tablet": (1024, 768), "phone": (390, 844)}

_CHECK = """async () => {
  const found = await axe.run(document, {resultTypes: ["violations"]});
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


def _pages(client_id: str, panels: list[str]) -> list[str]:
    profile = f"/app/clients/{client_id}"
    return [
        "/app",
        "/app/clients",
        profile,
        *(f"{profile}?section={key}" for key in panels),
        f"/app/clients/{client_id}/edit",
        "/app/clients/new",
        "/app/calendar",
        "/app/calls/log",
        "/app/complaints",
        "/app/complaints/new",
        "/app/privacy",
        "/app/privacy/audit",
        "/app/admin/staff",
        "/app/admin/branches",
        "/app/admin/settings",
        "/app/admin/catalogue",
        "/app/admin/programmes",
        "/app/admin/reminders",
        "/app/admin/privacy-policy",
        "/app/account",
        "/app/getting-started",
    ]


async def _inspect(page: Page, url: str, shot: Path) -> dict[str, Any]:
    response = await page.goto(url)
    assert response is not None and response.status < 400, f"{url}: {response and response.status}"
    await page.wait_for_load_state("networkidle")
    if await page.evaluate("typeof window.axe") == "undefined":
        # Evaluated, not injected as a <script>: the page's content security policy stays on.
        await page.evaluate(AXE.read_text())
    await page.screenshot(path=str(shot), full_page=True)
    result: dict[str, Any] = await page.evaluate(_CHECK)
    return result


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_every_main_screen_fits_tablet_and_phone_and_passes_axe(
    backend,
    tenant_a,
    frozen_clock,
    server,
    browser,
):
    scene = await _scene(tenant_a, frozen_clock)
    owner = f"owner@{tenant_a.slug}.example"
    client_id = str(scene.other_client)
    panels = ["history", "record", "consent", "aftercare", "complaints", "privacy", "audit"]
    problems: list[str] = []
    for size, (width, height) in SIZES.items():
        folder = ARTIFACTS / size
        folder.mkdir(parents=True, exist_ok=True)
        context = await browser.new_context(viewport={"width": width, "height": height})
        page = await context.new_page()
        found = await _inspect(page, f"{server}/login", folder / "login.png")
        problems += [f"{size} /login: {violation}" for violation in found["violations"]]
        if found["scrollWidth"] > found["innerWidth"]:
            problems.append(f"{size} /login: {found['scrollWidth']} px wide in {found['innerWidth']}")
        await _sign_in(page, server, tenant_a.slug, owner)
        await page.wait_for_url(f"{server}/app")
        for path in _pages(client_id, panels):
            name = path.strip("/").replace("/", "_").replace("?section=", "__") or "app"
            name = name.replace(client_id, "client")
            found = await _inspect(page, f"{server}{path}", folder / f"{name}.png")
            where = f"{size} {path}"
            problems += [f"{where}: {violation}" for violation in found["violations"]]
            if found["scrollWidth"] > found["innerWidth"]:
                problems.append(f"{where}: {found['scrollWidth']} px wide in {found['innerWidth']}")
            if size == "tablet" and (not found["navOneRow"] or found["navOverlaps"]):
                problems.append(f"{where}: the navigation wraps or overlaps ({found['navTops']})")
            if size == "tablet":
                assert found["navCount"] >= 5, f"{where}: the navigation was found"
        # Dense call cards: the note and Record appear once an outcome is tapped.
        await page.goto(f"{server}/app")
        card = page.locator("#call-list li.call").first
        assert not await card.locator("button[type=submit]").is_visible()
        await card.locator("label.choice").first.click()
        assert await card.locator("button[type=submit]").is_visible()
        # The keyboard alone: the person's menu opens with Enter and lists My account; Lock
        # (just before it) locks; the lock screen (checked by axe too) unlocks with the password
        # typed, back on the same page.
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
        found = await _inspect(page, page.url, folder / "lock.png")
        problems += [f"{size} lock screen: {violation}" for violation in found["violations"]]
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
        await context.close()
    # Russian labels are the longest: the owner's navigation still fits one tablet row.
    context = await browser.new_context(viewport={"width": 1024, "height": 768})
    page = await context.new_page()
    await page.goto(f"{server}/login?lang=ru")
    await _sign_in(page, server, tenant_a.slug, owner)
    await page.wait_for_url(f"{server}/app")
    found = await _inspect(page, f"{server}/app", ARTIFACTS / "tablet" / "app_ru.png")
    if not found["navOneRow"] or found["navOverlaps"] or found["scrollWidth"] > found["innerWidth"]:
        problems.append(f"tablet /app in Russian: nav rows {found['navTops']}, {found['scrollWidth']} px")
    problems += [f"tablet /app in Russian: {violation}" for violation in found["violations"]]
    await context.close()
    assert not problems, "\n".join(problems)


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
