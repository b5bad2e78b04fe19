"""Issue 17, item 2: people read plain words, never codes.

Every page under /app (the routes come from the application, so a new screen is walked as
soon as it exists) is opened by every role on a tenant with a full day recorded (consents,
services of every kind, a warranty repair, a complaint, calls, a rights request, a breach);
the words a person reads must hold no code of the label registry (``salonkeep.web.labels``)
and no other snake_case word.
"""

from __future__ import annotations

import re

import pytest
from litestar.testing import AsyncTestClient

from salonkeep.web import labels
from salonkeep.web.app import create_app

from .staff_helpers import ROLES, add_person, sign_in
from .test_branch_scope_walk import _scene, _walk_plan
from .visible_text import visible_text

#: A code as the services write it: lower-case words joined by "_" (``health_data``).
SNAKE_CASE = re.compile(r"(?<![\w{%$./@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w}(/@-])")


#: A template value named in a help text on purpose ("Values such as {{ first_name }} ...").
PLACEHOLDER = re.compile(r"\{\{.*?\}\}")


def codes_in(text: str) -> set[str]:
    """The codes of ``text``: snake_case words and registry codes standing alone."""
    found = set(SNAKE_CASE.findall(PLACEHOLDER.sub("", text)))
    found |= {line.strip() for line in text.splitlines() if line.strip() in labels.standalone_codes()}
    return found


def test_the_detector_sees_codes_and_passes_plain_words():
    assert codes_in("Saved. follow_up_137") == {"follow_up_137"}
    assert codes_in("Consent: health_data (in_store_tablet)") == {"health_data", "in_store_tablet"}
    assert codes_in("Kind\nnew") == {"new"}
    assert not codes_in("Kind\nNew client · Medical aesthetics · aino@example.com")
    assert not codes_in("{client_first_name} {{ first_name }} https://example.com/a_b")


def test_every_registry_code_has_a_label_in_every_language():
    for kind, entries in labels.REGISTRY.items():
        assert entries, kind
        for code, label in entries.items():
            assert label and label != code, f"{kind}.{code}"
    assert labels.label("health_data", "consent_purpose") == "Health data"
    assert labels.label("unheard_of_code", "consent_purpose") == "Unheard of code"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_no_page_shows_a_code_to_any_role(backend, tenant_a, frozen_clock):
    scene = await _scene(tenant_a, frozen_clock)
    people = {role: await add_person(tenant_a, role) for role in ROLES}
    app = create_app(backend.settings)
    pages = [path for method, path in _walk_plan(app, scene) if method == "GET" and path.startswith("/app")]
    assert len(pages) > 30
    problems: dict[str, set[str]] = {}
    async with AsyncTestClient(app) as client:
        for role, email in people.items():
            client.cookies.clear()
            await sign_in(client, scene.slug, email)
            for path in pages:
                response = await client.get(path)
                assert response.status_code < 500, f"{role} {path}: {response.status_code}"
                if "text/html" not in response.headers.get("content-type", ""):
                    continue
                found = codes_in(visible_text(response.text))
                if found:
                    problems[f"{role} {path}"] = found
    assert not problems, "\n".join(f"{where}: {sorted(codes)}" for where, codes in sorted(problems.items()))
