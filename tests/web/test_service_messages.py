"""Issue 17, item 5: the services' field messages reach staff in their language.

Services raise ``ValidationFailed`` with English messages; every fixed one is listed in
``salonkeep.web.service_messages`` (so it is in the catalogs) and staff pages translate them.
A message with values is built with ``field_message`` (its template listed too, or in the
plugin's own catalogue): staff read it translated with the values filled in and codes as
labels, while the API and the CLI keep the English text.
"""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator
from pathlib import Path

import httpx
from babel.messages.pofile import read_po
from litestar.testing import AsyncTestClient
from markupsafe import escape

from salonkeep.core.access import STAFF_REFUSAL_MESSAGES
from salonkeep.core.apikeys.service import create_api_key
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.messages import FieldMessage, codes, field_message
from salonkeep.tenants.passwords import check_policy
from salonkeep.tenants.tenant_settings import CHECKERS
from salonkeep.web import i18n, labels, service_messages
from salonkeep.web.app import create_app

from .staff_helpers import add_person, csrf, csrf_of, sign_in

ROOT = Path(__file__).resolve().parents[2]
#: Exceptions (and row problems of the importers) whose arguments are field messages.
_RAISERS = {"ValidationFailed", "Conflict", "SettingRefused", "RowError", "problem"}
_BUILDER = "field_message"
_LANGUAGES = ("zh", "ru", "fi")


def _service_files() -> Iterator[Path]:
    """The Python files of the services (the CLI prints English and is left out)."""
    for root in ("core", "tenants", "plugins"):
        for path in sorted((ROOT / root).rglob("*.py")):
            if "cli" not in path.relative_to(ROOT).parts:
                yield path


def _name(call: ast.Call) -> str | None:
    return getattr(call.func, "id", getattr(call.func, "attr", None))


def _messages_given(tree: ast.AST) -> Iterator[ast.expr]:
    """Every expression given as a field message: arguments of ValidationFailed, Conflict,
    SettingRefused and the importers' row problems (values of a dict, comprehension or
    ``dict.fromkeys`` given to them) and values written into an ``errors`` dict
    (``errors[...] = …``, ``errors = {…}``)."""
    for node in ast.walk(tree):
        given: list[ast.expr] = []
        if isinstance(node, ast.Call) and _name(node) in _RAISERS:
            given += [*node.args, *(keyword.value for keyword in node.keywords)]
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            written = target.value if isinstance(target, ast.Subscript) else target
            if getattr(written, "id", "") == "errors":
                given.append(node.value)
        for value in given:
            yield from _leaves(value)


def _leaves(value: ast.expr) -> Iterator[ast.expr]:
    """The messages of ``value``: each value of a dict, a comprehension, ``dict.fromkeys``, a
    conditional."""
    if isinstance(value, ast.Call) and _name(value) == "fromkeys" and len(value.args) == 2:
        yield from _leaves(value.args[1])
    elif isinstance(value, ast.Dict):
        for item in value.values:
            yield from _leaves(item)
    elif isinstance(value, ast.DictComp):
        yield from _leaves(value.value)
    elif isinstance(value, ast.IfExp):
        yield from _leaves(value.body)
        yield from _leaves(value.orelse)
    else:
        yield value


def _functions(tree: ast.AST) -> dict[str, ast.FunctionDef]:
    return {node.name: node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def _untranslatable(value: ast.expr, functions: dict[str, ast.FunctionDef], seen: frozenset[str]) -> bool:
    """``value`` builds a message the catalogs cannot hold: an f-string, ``+``/``%``, a call
    (``str(exc)``, ``.format``, ``.join``) other than ``field_message`` or a helper of the module
    that itself returns only fixed or field messages. Names and look-ups pass messages on."""
    if isinstance(value, ast.Constant | ast.Name | ast.Attribute | ast.Subscript):
        return False
    if isinstance(value, ast.Call):
        name = _name(value)
        if name == _BUILDER:
            return False
        helper = functions.get(name or "")
        if helper is not None and name not in seen and isinstance(value.func, ast.Name):
            returned = [n.value for n in ast.walk(helper) if isinstance(n, ast.Return) and n.value]
            return any(
                _untranslatable(leaf, functions, seen | {name})
                for result in returned
                for leaf in _leaves(result)
            )
        return True
    return True


def _templates(tree: ast.AST) -> Iterator[ast.expr]:
    """The first argument of every ``field_message`` call."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node) == _BUILDER and node.args:
            yield node.args[0]


def _own_catalogue(path: Path) -> Path | None:
    """The catalogue template of the plugin ``path`` belongs to, if the plugin has one."""
    parts = path.relative_to(ROOT).parts
    if parts[0] == "plugins" and len(parts) > 2 and (ROOT / "plugins" / parts[1] / "locale").is_dir():
        return ROOT / "plugins" / parts[1] / "locale" / "messages.pot"
    return None


def _fixed_messages() -> dict[str, str]:
    """Message → file, for every string literal a service gives as a field message."""
    found: dict[str, str] = {}
    for path in _service_files():
        for value in _messages_given(ast.parse(path.read_text())):
            text = value.value if isinstance(value, ast.Constant) else None
            if isinstance(text, str) and " " in text:
                found.setdefault(text, str(path.relative_to(ROOT)))
    return found


def _pot(path: Path) -> set[str]:
    with path.open("rb") as handle:
        return {message.id for message in read_po(handle) if isinstance(message.id, str) and message.id}


def _fields(text: str) -> set[tuple[str, str | None]]:
    parsed = string.Formatter().parse(text)
    return {(name, conversion) for _, name, _, conversion in parsed if name is not None}


def test_every_fixed_service_message_is_listed_for_the_catalogs():
    fixed = _fixed_messages()
    assert len(fixed) > 50  # the scan sees the services
    missing = {message: where for message, where in fixed.items() if message not in service_messages.MESSAGES}
    assert not missing, f"add to salonkeep.web.service_messages.MESSAGES (then extract): {missing}"


def test_no_service_builds_a_message_the_catalogs_cannot_hold():
    """An f-string, ``"…" + x``, ``str(exc)`` or ``.format`` given as a field message stays
    English for staff: build it with ``field_message`` (a constant template) instead."""
    built: list[str] = []
    templates = 0
    for path in _service_files():
        source = path.read_text()
        tree = ast.parse(source)
        functions = _functions(tree)
        where = path.relative_to(ROOT)
        for value in _messages_given(tree):
            if _untranslatable(value, functions, frozenset()):
                built.append(f"{where}:{value.lineno}: {ast.get_source_segment(source, value)}")
        for template in _templates(tree):
            templates += 1
            if not (isinstance(template, ast.Constant) and isinstance(template.value, str)):
                built.append(f"{where}:{template.lineno}: a template that is not a string literal")
    assert templates > 60  # the scan sees the messages with values
    assert not built, "build these with field_message(template, **values):\n" + "\n".join(built)


def test_the_detector_sees_built_messages():
    source = (
        "def _why(n):\n    return f'at most {n}'\n"
        "def _fine(n):\n    return field_message('at most {n}', n=n) if n else 'is required'\n"
        "def check(errors, exc, n):\n"
        "    errors['a'] = f'at most {n}'\n"
        "    errors['b'] = 'needs ' + ', '.join(n)\n"
        "    raise ValidationFailed({'c': str(exc), 'd': _why(n), 'e': _fine(n), 'f': exc.message})\n"
    )
    tree = ast.parse(source)
    functions = _functions(tree)
    given = [value for value in _messages_given(tree) if _untranslatable(value, functions, frozenset())]
    flagged = [ast.get_source_segment(source, value) for value in given]
    assert flagged == ["f'at most {n}'", "'needs ' + ', '.join(n)", "str(exc)", "_why(n)"]


def test_every_template_is_in_a_catalogue_and_translated_with_its_values():
    web_pot = _pot(ROOT / "web" / "translations" / "messages.pot")
    missing: dict[str, str] = {}
    for path in _service_files():
        own = _own_catalogue(path)
        known = _pot(own) if own else set(service_messages.MESSAGES)
        for template in _templates(ast.parse(path.read_text())):
            text = template.value if isinstance(template, ast.Constant) else None
            if isinstance(text, str) and (text not in known or (own is None and text not in web_pot)):
                missing[text] = str(path.relative_to(ROOT))
    assert not missing, f"list in service_messages.MESSAGES (or the plugin's catalogue); extract: {missing}"
    i18n.catalog.cache_clear()
    broken = []
    for template in service_messages.MESSAGES:
        for language in _LANGUAGES:
            with i18n.language_scope(language):
                translated = i18n.gettext(template)
            if (translated == template and "{" in template) or _fields(translated) != _fields(template):
                broken.append(f"{language}: {template!r} → {translated!r}")
    assert not broken, "translate each template keeping its {placeholders}:\n" + "\n".join(broken)


#: Kinds ``labels.label`` knows besides its registries: the tenant's categories, the installed
#: programmes.
_OTHER_KINDS = {"category", "programme"}


def test_every_kind_of_code_in_a_message_has_labels():
    """``code(x, kind)`` / ``codes(xs, kind)`` name a kind the labels know, with a label
    (never the code itself) for every code."""
    kinds: dict[str, str] = {}
    for path in _service_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and _name(node) in ("code", "codes") and len(node.args) > 1:
                kind = node.args[1]
                if isinstance(kind, ast.Constant):
                    kinds.setdefault(kind.value, str(path.relative_to(ROOT)))
    assert len(kinds) > 10
    known = set(labels.REGISTRY) | set(labels.MESSAGE_CODES) | _OTHER_KINDS
    assert {kind: where for kind, where in kinds.items() if kind not in known} == {}
    for kind, entries in labels.MESSAGE_CODES.items():
        assert entries and all(english and english != code for code, english in entries.items()), kind
    assert labels.label("warranty", "covered_by") != labels.label("warranty")  # a bare code: the programme


def test_messages_picked_from_tables_are_listed_for_the_catalogs():
    """Messages a service picks from a table (the scan sees a look-up, not the text)."""
    try:
        check_policy("")
    except ValidationFailed as exc:
        message = exc.errors["password"]
    assert isinstance(message, FieldMessage)
    needs = message.values["needs"]
    assert message == "the password needs " + ", ".join(needs.values)  # type: ignore[attr-defined]
    picked = [
        *needs.values,  # type: ignore[attr-defined]
        *STAFF_REFUSAL_MESSAGES.values(),
        *(message for _check, message in CHECKERS.values()),
    ]
    listed = set(service_messages.MESSAGES)
    assert [text for text in picked if str(getattr(text, "template", text)) not in listed] == []


def test_messages_are_translated_and_nested_forms_too():
    with i18n.language_scope("fi"):
        errors = {"pin": "use 4 to 8 digits", "p": {"x": "is required"}}
        translated = service_messages.translate_errors(errors)
    assert translated["pin"] != "use 4 to 8 digits" and translated["p"]["x"] != "is required"
    assert service_messages.translate_errors({"pin": "use 4 to 8 digits"}) == {"pin": "use 4 to 8 digits"}


def test_a_message_with_values_is_english_text_and_translated_with_labels():
    message = field_message("choose one of {choices}", choices=codes(("owner", "reception"), "role"))
    assert message == "choose one of owner, reception" and isinstance(message, str)
    with i18n.language_scope("fi"):
        finnish = service_messages.translate_errors({"role": message})["role"]
        owner, reception = labels.label("owner", "role"), labels.label("reception", "role")
        template = i18n.gettext("choose one of {choices}")
    assert owner in finnish and reception in finnish and "owner" not in finnish
    assert finnish.startswith(template.split("{")[0]) and template != "choose one of {choices}"
    with i18n.language_scope("en"):  # English pages read labels too, never codes
        assert service_messages.translate_errors(message) == "choose one of Owner or Reception"


def _bad_client(branch_id: str) -> dict[str, str]:
    return {"first_name": "A" * 101, "kind": "wizard", "branch_id": branch_id}


async def test_a_message_with_values_reaches_staff_in_their_language(backend, tenant_a):
    """A Finnish receptionist's refused client form reads the limit and the client kinds in
    Finnish: the template translated, the number filled in, the kinds as Finnish labels."""
    email = await add_person(tenant_a, "reception")
    with i18n.language_scope("fi"):
        too_long = i18n.gettext("must be at most {limit} characters").format(limit=100)
        kinds = [labels.label(kind, "client_kind") for kind in ("new", "member", "guest")]
        choose = i18n.gettext("choose one of {choices}").split("{")[0]
    assert "100" in too_long and too_long != "must be at most 100 characters"
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await client.get("/login?lang=fi")
        await sign_in(client, tenant_a.slug, email)
        token = csrf_of((await client.get("/app/clients/new")).text)
        form = {**_bad_client(str(tenant_a.branch_id)), "_csrf_token": token}
        refused = await client.post("/app/clients", data=form)
    assert refused.status_code == 422
    page = refused.text
    assert str(escape(too_long)) in page and "must be at most 100 characters" not in page
    assert str(escape(choose)) in page and all(str(escape(kind)) in page for kind in kinds)
    assert "choose one of new, member, guest" not in page


async def test_the_api_keeps_the_english_text(backend, tenant_a):
    with tenant_scope(tenant_a.ctx):
        _, key = await create_api_key("Front desk", "owner", "Main street")
    transport = httpx.ASGITransport(app=create_app(backend.settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as api:
        refused = await api.post(
            "/api/v1/clients",
            json={
                "first_name": "Aino",
                "phone": "12",
                "kind": "wizard",
                "branch_id": str(tenant_a.branch_id),
            },
            headers={"Authorization": f"Bearer {key}", "Accept-Language": "fi"},
        )
    assert refused.status_code == 422
    assert refused.json()["errors"] == {
        "phone": "not a valid phone number: '12'",
        "kind": "choose one of new, member, guest",
    }


async def test_a_field_message_of_a_service_reads_in_the_persons_language(backend, tenant_a):
    email = await add_person(tenant_a, "reception")
    with i18n.language_scope("fi"):
        finnish = i18n.gettext("use 4 to 8 digits")
    assert finnish != "use 4 to 8 digits"
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await client.get("/login?lang=fi")  # picked on the sign-in page, kept after
        await sign_in(client, tenant_a.slug, email)
        token = await csrf(client)
        refused = await client.post("/app/account/pin", data={"pin": "12", "_csrf_token": token})
        assert refused.status_code == 422
        assert finnish in refused.text and "use 4 to 8 digits" not in refused.text
