"""Built-in plugins that bring screens bring their translations too: every message of their
templates and code is in their catalogue template and translated (not fuzzy) in zh, ru, fi,
and the web shows it in the person's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from salonkeep.web import i18n

ROOT = Path(__file__).resolve().parents[2]
WITH_CATALOGUES = sorted(p.parent.name for p in (ROOT / "plugins").glob("*/locale"))
METHODS = [("templates/**.html", "jinja2"), ("**.py", "python")]
#: As babel.cfg: the templates of ``field_message`` are extracted too.
OPTIONS = {
    "templates/**.html": {"extensions": "jinja2.ext.i18n"},
    "**.py": {"keywords": {"field_message": None}},
}


def _extracted(plugin: str) -> set[str]:
    found = extract_from_dir(str(ROOT / "plugins" / plugin), METHODS, OPTIONS)
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


def test_the_plugins_with_screens_have_catalogues():
    assert {"warranty", "medical_aftercare"} <= set(WITH_CATALOGUES)


@pytest.mark.parametrize("plugin", WITH_CATALOGUES)
def test_every_message_is_in_the_catalogue_template(plugin):
    with (ROOT / "plugins" / plugin / "locale" / "messages.pot").open("rb") as handle:
        pot = {m.id for m in read_po(handle) if m.id}
    missing = sorted(_extracted(plugin) - pot)
    assert not missing, f"run pybabel extract for plugins/{plugin}: {missing}"


@pytest.mark.parametrize("language", ["zh", "ru", "fi"])
@pytest.mark.parametrize("plugin", WITH_CATALOGUES)
def test_every_message_is_translated(plugin, language):
    with (ROOT / "plugins" / plugin / "locale" / "messages.pot").open("rb") as handle:
        pot = [m.id for m in read_po(handle) if m.id]
    path = ROOT / "plugins" / plugin / "locale" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    untranslated = [m for m in pot if catalog.get(m) is None or catalog[m].fuzzy or not catalog[m].string]
    assert not untranslated, f"plugins/{plugin} {language}: {untranslated}"


def test_the_web_translates_with_the_plugin_catalogues():
    """ "Warranty claims" left the core catalogue with the warranty screens; the web still
    translates it, from the warranty plugin's catalogue."""
    with (ROOT / "web" / "translations" / "messages.pot").open("rb") as handle:
        assert read_po(handle).get("Warranty claims") is None
    i18n.catalog.cache_clear()
    with i18n.language_scope("fi"):
        assert i18n.gettext("Warranty claims") not in ("", "Warranty claims")
        assert i18n.gettext("Print post-operative instructions") != "Print post-operative instructions"
