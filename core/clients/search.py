"""Search terms of clients: every word of the name and the phone's digits, normalised.

Client search matches a query word against the *start* of these terms, with range predicates
(``term >= word and term < next``) that a btree index serves. Under PostgreSQL row-level
security the planner may only use an index ahead of the policy for *leakproof* operators:
``text_ge``/``text_lt`` and ``uuid_eq`` are, ``LIKE``/``ILIKE`` are not, which is why the
search does not use ``LIKE`` on the client table (see docs/performance.md). The term column has
the ``C`` collation on PostgreSQL (byte order), as SQLite's default, so the range is exact.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

#: Terms are cut to this length (the column's size); longer query words are cut alike.
MAX_TERM = 100
_WORD = re.compile(r"[^\W_]+")
_PHONE_QUERY = re.compile(r"^\+?[\d\s().-]+$")


def normalise(text: str) -> str:
    """Lower-case, accents folded (``Jääskeläinen`` → ``jaaskelainen``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_terms(*names: str) -> set[str]:
    """Every word of the names, normalised."""
    return {word[:MAX_TERM] for name in names for word in _WORD.findall(normalise(name or ""))}


def phone_terms(phone: str) -> set[str]:
    """The digits of an E.164 number: international (``358401234567``), national
    (``401234567``) and national with the trunk zero (``0401234567``)."""
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return set()
    terms = {digits}
    try:
        number = phonenumbers.parse(phone if phone.startswith("+") else f"+{digits}", None)
    except phonenumbers.NumberParseException:
        return terms
    national = str(number.national_number)
    return terms | {national, f"0{national}"}


def client_terms(first_name: str, last_name: str, phone: str) -> set[str]:
    """The search terms of a client."""
    return name_terms(first_name, last_name) | phone_terms(phone)


def query_words(query: str) -> list[str]:
    """The words of a search query, each to be matched against the start of some term.

    A query of digits (with spaces, dashes, brackets or a leading ``+``) is one phone word."""
    query = query.strip()
    if _PHONE_QUERY.match(query) and any(ch.isdigit() for ch in query):
        return [re.sub(r"\D", "", query)[:MAX_TERM]]
    return sorted({word[:MAX_TERM] for word in _WORD.findall(normalise(query))}, key=len, reverse=True)


def upper_bound(word: str) -> str:
    """The smallest string greater than every string starting with ``word`` (code point order)."""
    last = ord(word[-1])
    if last >= 0x10FFFF:  # pragma: no cover - no normalised word ends with the last code point
        return word + "\U0010ffff"
    following = last + 1
    if 0xD800 <= following <= 0xDFFF:
        # Surrogates are no characters (no database stores them): U+D7FF's successor is U+E000.
        following = 0xE000
    return word[:-1] + chr(following)
