"""Field messages built with values: plain English for the API and the CLI, translatable on pages.

A service that refuses input with a message holding values (a limit, a name, the codes to
choose from) builds it with :func:`field_message` from an English template and the values::

    field_message("must be at most {limit} characters", limit=200)
    field_message("choose one of {choices}", choices=codes(ROLES, "role"))
    field_message("the claim is {status}; agree a remedy first", status=code(claim.status, "claim_status"))

The result is a ``str``, the English text the API and the CLI show unchanged ("choose one of
owner, branch_manager, …": codes as they are typed). It also carries its template and values:
the web translates the template in the person's language and fills the values there, showing
codes (:func:`code`, :func:`codes`) as their labels. Other values (numbers, names a person
typed, dates already formatted) are shown as given. Every template is listed for the catalogs
(``salonkeep.web.service_messages``; a plugin with its own catalogue extracts its templates
itself): tests/web/test_service_messages.py fails on a template missing there and on a message
built any other way (an f-string, ``+``, ``str.format``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal


@dataclass(frozen=True)
class Code:
    """A code in a message (a status, role, purpose, channel, remedy, kind): English shows the
    code, the web its label of ``kind`` (a kind of ``salonkeep.web.labels.REGISTRY``)."""

    value: str
    kind: str | None = None

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Codes:
    """Codes listed in a message ("choose one of …"): English joins the codes with commas, the
    web lists their labels the way the person's language lists alternatives (``or``) or
    items that all apply (``and``)."""

    values: tuple[str, ...]
    kind: str | None = None
    conjunction: Literal["or", "and"] = "or"

    def __str__(self) -> str:
        return ", ".join(self.values)


@dataclass(frozen=True)
class Phrases:
    """Phrases listed in a message ("the password needs …", "the format … or …"): English
    joins items that all apply with commas and alternatives with "or"; the web translates each
    phrase the catalogs know (fixed English phrases are listed like the templates) and lists
    them the way the person's language does."""

    values: tuple[str, ...]
    conjunction: Literal["or", "and"] = "and"

    def __str__(self) -> str:
        return (" or " if self.conjunction == "or" else ", ").join(self.values)


def code(value: object, kind: str | None = None) -> Code:
    """``value`` (a code of ``kind``) as a value of a field message."""
    return Code(str(value), kind)


def codes(
    values: Iterable[object], kind: str | None = None, conjunction: Literal["or", "and"] = "or"
) -> Codes:
    """``values`` (codes of ``kind``) listed as one value of a field message: alternatives
    (``or``, the default) or items that all apply (``and``)."""
    return Codes(tuple(str(value) for value in values), kind, conjunction)


def phrases(values: Iterable[str], conjunction: Literal["or", "and"] = "and") -> Phrases:
    """``values`` (fixed English phrases) listed as one value of a field message."""
    return Phrases(tuple(values), conjunction)


class FieldMessage(str):
    """A field message with values: the English text, with its :attr:`template` and
    :attr:`values` kept for translation."""

    template: str
    values: Mapping[str, object]

    def __new__(cls, template: str, values: Mapping[str, object]) -> FieldMessage:
        message = super().__new__(cls, template.format(**values))
        message.template = template
        message.values = MappingProxyType(dict(values))
        return message

    def __reduce__(self) -> tuple[Any, ...]:
        return (FieldMessage, (self.template, dict(self.values)))


def field_message(template: str, /, **values: object) -> FieldMessage:
    """The message ``template`` (English, ``{name}`` placeholders) filled with ``values``;
    give codes as :func:`code` / :func:`codes` so that people read their labels."""
    return FieldMessage(template, values)
