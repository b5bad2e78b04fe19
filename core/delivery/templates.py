"""Message templates: jinja2 text per programme message and language, rendered at send time.

A built-in template is ``core/delivery/message_templates/<programme>/<name>.<language>.txt``: its first
line is ``Subject: …``, the rest is the body. Every built-in message ships in English,
Chinese, Russian and Finnish (a test checks it). The client's language is tried first, then
the tenant's, then English. A plugin ships its own the same way in a folder it names with
``salonkeep_template_dirs``. An owner may override a template's text per tenant and language
(``tenant.settings["message_templates"]["<programme>/<name>"]["<language>"]``), checked
by :func:`validate` before it is saved. Everything renders in a sandbox
(``SandboxedEnvironment``): a template can use its values and filters, nothing else.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment

from salonkeep.core.delivery.outbox import Claimed
from salonkeep.core.formatting import install_filters
from salonkeep.core.plugins.manager import get_plugins
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.messages import field_message

FOLDER = Path(__file__).parent / "message_templates"
LANGUAGES = ("en", "zh", "ru", "fi")
_SANDBOX: dict[str, Any] = {"autoescape": False, "undefined": StrictUndefined, "keep_trailing_newline": False}
#: For owners' texts (no files).
_ENV = SandboxedEnvironment(**_SANDBOX)
install_filters(_ENV)


@functools.lru_cache(maxsize=1)
def _files() -> SandboxedEnvironment:
    """The built-in templates, then those in the plugins' template folders (a plugin ships
    ``<programme>/<name>.<language>.txt`` in a folder of ``salonkeep_template_dirs``)."""
    folders = [str(FOLDER), *get_plugins().template_dirs()]
    env = SandboxedEnvironment(loader=FileSystemLoader(folders), **_SANDBOX)
    install_filters(env)
    return env


def _split(text: str) -> tuple[str, str]:
    first, _, rest = text.strip().partition("\n")
    if not first.startswith("Subject:"):
        raise ValidationFailed({"template": "the first line must be 'Subject: …'"})
    return first.removeprefix("Subject:").strip(), rest.strip()


def _language(code: str) -> str:
    return (code or "en").replace("-", "_").split("_")[0].lower()


def built_in_names() -> list[str]:
    """Every built-in template name (``programme/name``)."""
    return sorted({f"{p.parent.name}/{p.name.split('.')[0]}" for p in FOLDER.glob("*/*.txt")})


def render(
    name: str,
    values: Mapping[str, Any],
    languages: list[str],
    overrides: Mapping[str, Any] | None = None,
    zone: str = "UTC",
) -> tuple[str, str, str]:
    """(subject, body, language) of template ``name`` in the first of ``languages`` it
    exists in (English last); a tenant override wins over the built-in text. Moments show in
    ``zone`` and the chosen language (``|date``, ``|time``, ``|datetime``)."""
    own = (overrides or {}).get(name) or {}
    for language in [*dict.fromkeys(_language(code) for code in languages), "en"]:
        if own.get(language):
            template = _ENV.from_string(str(own[language]))
        else:
            try:
                template = _files().get_template(f"{name}.{language}.txt")
            except TemplateNotFound:
                continue
        subject, body = _split(template.render(**values, lang=language, time_zone=zone))
        return subject, body, language
    raise TemplateNotFound(name)


def _moments(values: Mapping[str, Any]) -> dict[str, Any]:
    """Stored values, with moments (keys ending in ``_at``) as datetimes again."""
    found = dict(values)
    for key, value in values.items():
        if key.endswith("_at") and isinstance(value, str):
            with contextlib.suppress(ValueError):  # not a moment after all: shown as text
                found[key] = datetime.fromisoformat(value)
    return found


def render_message(
    row: Claimed,
    client: Mapping[str, Any],
    languages: list[str],
    salon: str,
    overrides: Mapping[str, Any],
    zone: str = "UTC",
) -> tuple[str, str, str]:
    """Subject, body and language of a claimed message for ``client``; a message planned
    without a template goes out with its planned title and text."""
    if not row.template:
        return str(row.title), str(row.script), _language(languages[0] if languages else "en")
    raw = row.template_vars
    stored = json.loads(raw) if isinstance(raw, str) else dict(raw or {})
    values = {**_moments(stored), "first_name": client.get("first_name") or "", "salon": salon}
    return render(str(row.template), values, languages, overrides, zone)


#: Values of the sample client a preview renders with (every value a built-in message uses).
SAMPLE = {
    "first_name": "Maija",
    "salon": "Aurora Beauty",
    "offer": "A birthday treat: 20% off one treatment this month.",
    "holiday": "New Year",
    "service": "Facial",
    "instructions": "Keep the treated area clean and out of the sun for a week.",
    "guest": "Anna",
    "item": "Night cream",
    "starts_at": datetime(2026, 3, 25, 8, 0, tzinfo=UTC),
    "link": "https://salon.example/t/aurora/consent/TOKEN",
    "note": "We are fully booked that week.",
}


def validate(text: str, values: Mapping[str, Any] | None = None) -> tuple[str, str]:
    """Check an owner's template text (sandboxed, strict: an unknown value is an error) by
    rendering it with sample values; (subject, body) of the preview, or ValidationFailed."""
    if len(text) > 5000:
        raise ValidationFailed({"template": "at most 5000 characters"})
    try:
        rendered = _ENV.from_string(text).render(**(values or SAMPLE), lang="en", time_zone="UTC")
    except TemplateError as exc:
        raise ValidationFailed(
            {"template": field_message("cannot render: {reason}", reason=str(exc))}
        ) from None
    return _split(rendered)
