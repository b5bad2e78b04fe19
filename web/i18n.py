"""UI languages: Babel catalogs under web/translations, chosen per request.

The catalogs are read from the committed ``.po`` files at start-up (compiled in memory), so a
fresh clone needs no build step. Plugins bring catalogues for their screens
(``salonkeep_translation_dirs``): their messages are looked up after the core's.
The language of a request is kept in a context variable set
by the edge: the person's preference, else the tenant's default, else English.
"""

from __future__ import annotations

import contextvars
import gettext as gettext_module
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from salonkeep.core.plugins.manager import get_plugins

TRANSLATIONS = Path(__file__).parent / "translations"
LANGUAGES = ("en", "zh", "ru", "fi")
LANGUAGE_NAMES = {"en": "English", "zh": "中文", "ru": "Русский", "fi": "Suomi"}
DEFAULT = "en"
#: The language a person picked on the sign-in page (kept after signing in, until their own
#: preference in My account says otherwise).
LANGUAGE_COOKIE = "sk_lang"

_language: contextvars.ContextVar[str] = contextvars.ContextVar("salonkeep_language", default=DEFAULT)


@cache
def catalog(language: str) -> gettext_module.NullTranslations:
    """The compiled catalog of ``language`` (English and unknown languages: no translation)."""
    po = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    if language == DEFAULT or not po.exists():
        return gettext_module.NullTranslations()
    with po.open("rb") as handle:
        messages = read_po(handle, locale=language)
    for folder in get_plugins().translation_dirs():
        _add_missing(messages, Path(folder) / language / "LC_MESSAGES", language)
    buffer = BytesIO()
    write_mo(buffer, messages)
    buffer.seek(0)
    return gettext_module.GNUTranslations(buffer)


def _add_missing(messages: Catalog, folder: Path, language: str) -> None:
    """Add the translated messages of the plugin catalogues in ``folder`` (``*.po`` compiled
    here, or ``*.mo``) that ``messages`` does not translate yet."""
    if not folder.is_dir():
        return
    for path in sorted([*folder.glob("*.po"), *folder.glob("*.mo")]):
        with path.open("rb") as handle:
            extra = read_po(handle, locale=language) if path.suffix == ".po" else read_mo(handle)
        for message in extra:
            known = messages.get(message.id) if message.id else None
            if message.id and message.string and (known is None or not known.string):
                messages[message.id] = message


def choose(*candidates: str | None) -> str:
    """The first supported language among ``candidates`` (``fi_FI`` counts as ``fi``)."""
    for candidate in candidates:
        if not candidate:
            continue
        code = candidate.replace("-", "_").split("_")[0].lower()
        if code in LANGUAGES:
            return code
    return DEFAULT


def from_accept_language(header: str) -> str | None:
    """The best supported language of an Accept-Language header, if any."""
    weighted: list[tuple[float, str]] = []
    for part in header.split(","):
        piece, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            weight = 0.0
        code = choose(piece) if piece else DEFAULT
        if piece and (code != DEFAULT or piece.lower().startswith("en")):
            weighted.append((weight, code))
    return max(weighted)[1] if weighted else None


def current_language() -> str:
    """The language of this request."""
    return _language.get()


def set_language(language: str) -> None:
    """Use ``language`` for the rest of this request (task)."""
    _language.set(choose(language))


def visitor_language(query_lang: str | None, cookie: str | None, accept: str, fallback: str | None) -> str:
    """The language of a visitor of a public page: one they picked (``?lang=``, the language
    cookie), else their browser's (Accept-Language), else ``fallback`` (the tenant's)."""
    return choose(query_lang, cookie, from_accept_language(accept or ""), fallback)


@contextmanager
def language_scope(language: str) -> Iterator[str]:
    """Use ``language`` inside the block."""
    token = _language.set(choose(language))
    try:
        yield _language.get()
    finally:
        _language.reset(token)


def gettext(message: str) -> str:
    """``message`` in the request's language."""
    return catalog(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the request's language."""
    return catalog(_language.get()).ngettext(singular, plural, n)


_ = gettext
