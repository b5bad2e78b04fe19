"""Issue 17, item 5: the services' field messages reach staff in their language.

Services raise ``ValidationFailed`` with English messages; every fixed one is listed in
``salonkeep.web.service_messages`` (so it is in the catalogs) and staff pages translate them.
"""

from __future__ import annotations

import ast
from pathlib import Path

from litestar.testing import AsyncTestClient

from salonkeep.web import i18n, service_messages
from salonkeep.web.app import create_app

from .staff_helpers import add_person, csrf, sign_in

ROOT = Path(__file__).resolve().parents[2]
_RAISERS = {"ValidationFailed", "Conflict"}


def _fixed_messages() -> dict[str, str]:
    """Message → file, for every string literal a service gives ValidationFailed or Conflict
    (or writes into an ``errors`` dict), outside the CLI."""
    found: dict[str, str] = {}
    for root in ("core", "tenants", "plugins"):
        for path in (ROOT / root).rglob("*.py"):
            if "cli" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                values: list[ast.expr] = []
                if isinstance(node, ast.Call):
                    name = getattr(node.func, "id", getattr(node.func, "attr", None))
                    if name in _RAISERS:
                        for arg in node.args:
                            values += arg.values if isinstance(arg, ast.Dict) else [arg]  # type: ignore[misc]
                elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target = node.targets[0]
                    if isinstance(target, ast.Subscript) and getattr(target.value, "id", "") == "errors":
                        values.append(node.value)
                for value in values:
                    text = value.value if isinstance(value, ast.Constant) else None
                    if isinstance(text, str) and " " in text:
                        found.setdefault(text, str(path.relative_to(ROOT)))
    return found


def test_every_fixed_service_message_is_listed_for_the_catalogs():
    fixed = _fixed_messages()
    assert len(fixed) > 50  # the scan sees the services
    missing = {message: where for message, where in fixed.items() if message not in service_messages.MESSAGES}
    assert not missing, f"add to salonkeep.web.service_messages.MESSAGES (then extract): {missing}"


def test_messages_are_translated_and_nested_forms_too():
    with i18n.language_scope("fi"):
        errors = {"pin": "use 4 to 8 digits", "p": {"x": "is required"}}
        translated = service_messages.translate_errors(errors)
    assert translated["pin"] != "use 4 to 8 digits" and translated["p"]["x"] != "is required"
    assert service_messages.translate_errors({"pin": "use 4 to 8 digits"}) == {"pin": "use 4 to 8 digits"}


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
