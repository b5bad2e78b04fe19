"""UI languages: catalogs complete for sign-in and navigation; chosen from tenant and person."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from litestar.testing import AsyncTestClient

from salonkeep.tenants import scoped
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.tables import Tenant
from salonkeep.web import i18n, navigation
from salonkeep.web.app import create_app

from .staff_helpers import PASSWORD, add_person, csrf, csrf_of, sign_in

WEB = Path(i18n.__file__).parent
# Messages that the sign-in page, the lock screen and the main navigation show.
MUST_TRANSLATE = ["login.html", "lock.html", "totp.html", "layout.html"]


def _template_messages(name: str) -> set[str]:
    text = (WEB / "templates" / name).read_text()
    return set(re.findall(r'_\(\s*"([^"]+)"', text)) | set(re.findall(r"_\(\s*'([^']+)'", text))


@pytest.mark.parametrize("language", ["zh", "ru", "fi"])
def test_sign_in_and_navigation_are_translated(language):
    with (WEB / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    wanted = set().union(*(_template_messages(name) for name in MUST_TRANSLATE))
    wanted |= {item.label for item in navigation._items.values()}
    wanted |= {
        "Wrong organisation, e-mail or password.",
        "Too many failed attempts. Try again in 15 minutes.",
    }
    missing = sorted(m for m in wanted if m not in catalog or not catalog[m].string)
    assert not missing, f"{language} lacks {missing}"
    with i18n.language_scope(language):
        assert i18n.gettext("Sign in") != "Sign in"


def test_every_template_message_is_in_the_catalog_template():
    with (WEB / "translations" / "messages.pot").open("rb") as handle:
        pot = read_po(handle)
    for template in (WEB / "templates").rglob("*.html"):
        for message in _template_messages(str(template.relative_to(WEB / "templates"))):
            assert message in pot, f"run pybabel extract: {message!r} of {template.name}"


_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{\{?\s*[a-z_]+\s*\}?\}")


@pytest.mark.parametrize("language", ["zh", "ru", "fi"])
def test_every_message_of_the_ui_is_translated_with_its_placeholders(language):
    """Every string the staff UI can show has a reviewed (not fuzzy) translation that keeps
    the English placeholders: people read labels in their language, not English leftovers."""
    with (WEB / "translations" / "messages.pot").open("rb") as handle:
        pot = read_po(handle)
    with (WEB / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    problems = []
    for message in pot:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        found = catalog.get(key)
        strings = (found.string if isinstance(found.string, tuple) else (found.string,)) if found else ()
        if found is None or found.fuzzy or not all(strings):
            problems.append(f"untranslated: {key!r}")
            continue
        wanted = sorted(_PLACEHOLDER.findall(key))
        if any(sorted(_PLACEHOLDER.findall(text)) != wanted for text in strings):
            problems.append(f"placeholders differ: {key!r}")
    assert not problems, f"{language}: {problems}"


def test_language_choice():
    assert i18n.choose(None, "fi_FI", "en") == "fi"
    assert i18n.choose("de", "ru") == "ru"
    assert i18n.choose(None, "") == "en"
    assert i18n.from_accept_language("de-DE,zh-CN;q=0.8,ru;q=0.5") == "zh"
    assert i18n.from_accept_language("de") is None


async def test_tenant_default_and_personal_preference(backend, tenant_a):
    async with unit_of_work(tenant_a.ctx):
        await scoped.update_tenant({Tenant.default_locale: "ru"})
    email = await add_person(tenant_a, "reception")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, email)
        page = await client.get("/app")
        assert 'data-nav="clients">Клиенты<' in page.text and '<html lang="ru">' in page.text
        # The sign-in page follows the remembered organisation's language.
        token = await csrf(client)
        await client.post("/logout", data={"_csrf_token": token})
        login = await client.get("/login")
        assert "<h1>Вход</h1>" in login.text and f'value="{tenant_a.slug}"' in login.text
        await sign_in(client, tenant_a.slug, email)
        token = await csrf(client)
        await client.post("/app/account/language", data={"locale": "zh", "_csrf_token": token})
        assert 'data-nav="clients">客户<' in (await client.get("/app")).text
        refused = await client.post("/app/account/language", data={"locale": "de", "_csrf_token": token})
        assert refused.status_code == 422 and 'id="locale-error"' in refused.text


async def test_the_language_picked_on_the_sign_in_page_is_kept_after_signing_in(backend, tenant_a):
    email = await add_person(tenant_a, "reception")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        picked = await client.get("/login?lang=fi")
        assert "<h1>Kirjaudu sisään</h1>" in picked.text or '<html lang="fi">' in picked.text
        page = await client.post(
            "/login",
            data={
                "tenant": tenant_a.slug,
                "email": email,
                "password": PASSWORD,
                "_csrf_token": csrf_of(picked.text),
            },
        )
        assert '<html lang="fi">' in page.text and 'data-nav="clients">Asiakkaat<' in page.text
        # The person's own preference in My account wins, and the pick is forgotten.
        token = await csrf(client)
        saved = await client.post(
            "/app/account/language", data={"locale": "ru", "_csrf_token": token}, follow_redirects=False
        )
        assert saved.status_code == 303 and "sk_lang" in saved.headers.get("set-cookie", "")
        assert '<html lang="ru">' in (await client.get("/app")).text
        token = await csrf(client)
        await client.post("/app/account/language", data={"locale": "", "_csrf_token": token})
        assert '<html lang="en">' in (await client.get("/app")).text
