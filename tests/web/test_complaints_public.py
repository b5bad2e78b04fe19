"""The public complaint page of a branch: a complaint filed with no account, bad input refused
field by field, robots (honeypot, stale or forged form tokens) and bursts from one address
refused with nothing stored, and the same answer whether or not the contact is a client."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from litestar.testing import AsyncTestClient

from salonkeep.core.complaints import public_form, service
from salonkeep.tenants.context import tenant_scope
from salonkeep.web.app import create_app

from .staff_helpers import add_client, csrf_of

GOOD = {
    "name": "Aino Virtanen",
    "email": "aino@example.com",
    "phone": "",
    "about": "service",
    "description": "My hair colour came out uneven.",
    "contact_consent": "yes",
}


async def _form(client, world) -> dict[str, str]:
    page = await client.get(f"/t/{world.slug}/complaint/{world.branch_id}")
    assert page.status_code == 200 and 'name="website"' in page.text
    token = re.search(r'name="form_token" value="([^"]+)"', page.text)
    assert token
    return {"_csrf_token": csrf_of(page.text), "form_token": token.group(1)}


async def _stored(world) -> list[service.ComplaintView]:
    with tenant_scope(world.ctx):
        return await service.list_complaints()


async def test_a_client_files_a_complaint_without_an_account(backend, tenant_a, frozen_clock):
    async with AsyncTestClient(create_app(backend.settings)) as client:
        hidden = await _form(client, tenant_a)
        frozen_clock.advance(timedelta(seconds=30))
        sent = await client.post(
            f"/t/{tenant_a.slug}/complaint/{tenant_a.branch_id}", data={**GOOD, **hidden}
        )
    assert sent.status_code == 200 and "Thank you" in sent.text
    (made,) = await _stored(tenant_a)
    with tenant_scope(tenant_a.ctx):
        detail = await service.get_complaint(made.id)
    assert (detail.channel, detail.about, detail.client_id, detail.contact_consent) == (
        "website",
        "service",
        None,
        True,
    )
    assert (detail.contact_name, detail.contact_email) == ("Aino Virtanen", "aino@example.com")
    assert detail.description == GOOD["description"]
    assert detail.first_contact_due_at == made.received_at + timedelta(hours=24)


async def test_bad_input_is_refused_field_by_field(backend, tenant_a, frozen_clock):
    async with AsyncTestClient(create_app(backend.settings)) as client:
        hidden = await _form(client, tenant_a)
        frozen_clock.advance(timedelta(seconds=30))
        bad = {"name": "", "email": "not-an-address", "phone": "12", "about": "weather", "description": ""}
        refused = await client.post(
            f"/t/{tenant_a.slug}/complaint/{tenant_a.branch_id}", data={**bad, **hidden}
        )
        assert refused.status_code == 422
        for field in ("name", "email", "phone", "about", "description", "contact_consent"):
            assert f'id="{field}-error"' in refused.text, field
        no_contact = await client.post(
            f"/t/{tenant_a.slug}/complaint/{tenant_a.branch_id}", data={**GOOD, "email": "", **hidden}
        )
        assert no_contact.status_code == 422 and 'id="email-error"' in no_contact.text
        missing = await client.get(f"/t/{tenant_a.slug}/complaint/{uuid.uuid4()}")
        assert missing.status_code == 404
    assert await _stored(tenant_a) == []


async def test_robots_are_refused_and_nothing_is_stored(backend, tenant_a, frozen_clock):
    url = f"/t/{tenant_a.slug}/complaint/{tenant_a.branch_id}"
    async with AsyncTestClient(create_app(backend.settings)) as client:
        hidden = await _form(client, tenant_a)
        too_fast = await client.post(url, data={**GOOD, **hidden})
        assert too_fast.status_code == 400 and 'id="form-error"' in too_fast.text
        frozen_clock.advance(timedelta(seconds=30))
        forged = await client.post(url, data={**GOOD, **hidden, "form_token": "complaint.AAAA.BBBB"})
        assert forged.status_code == 400
        honeypot = await client.post(url, data={**GOOD, **hidden, "website": "http://spam.example"})
        assert honeypot.status_code == 200 and "Thank you" in honeypot.text
        frozen_clock.advance(timedelta(hours=3))
        stale = await client.post(url, data={**GOOD, **hidden})
        assert stale.status_code == 400
    assert await _stored(tenant_a) == []


async def test_a_burst_from_one_address_is_refused_after_the_limit(backend, tenant_a, frozen_clock):
    url = f"/t/{tenant_a.slug}/complaint/{tenant_a.branch_id}"
    statuses = []
    async with AsyncTestClient(create_app(backend.settings)) as client:
        hidden = await _form(client, tenant_a)
        frozen_clock.advance(timedelta(seconds=30))
        for n in range(100):
            sent = await client.post(url, data={**GOOD, "description": f"Burst {n}", **hidden})
            statuses.append(sent.status_code)
    limit = public_form.MAX_PER_HOUR
    assert statuses == [200] * limit + [429] * (100 - limit)
    with tenant_scope(tenant_a.ctx):
        stored = [await service.get_complaint(c.id) for c in await service.list_complaints()]
    assert sorted(c.description for c in stored) == sorted(f"Burst {n}" for n in range(limit))


async def test_the_answer_never_tells_whether_the_contact_is_a_client(backend, tenant_a, frozen_clock):
    await add_client(tenant_a, email="known@example.com")
    url = f"/t/{tenant_a.slug}/complaint/{tenant_a.branch_id}"
    answers = []
    async with AsyncTestClient(create_app(backend.settings)) as client:
        for email in ("known@example.com", "stranger@example.com"):
            hidden = await _form(client, tenant_a)
            frozen_clock.advance(timedelta(seconds=30))
            sent = await client.post(url, data={**GOOD, "email": email, **hidden})
            answers.append((sent.status_code, re.sub(r'name="_csrf_token" value="[^"]+"', "", sent.text)))
    assert answers[0] == answers[1]
    assert all(c.client_id is None for c in await _stored(tenant_a))


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


async def test_photos_come_with_the_complaint_and_bad_files_store_nothing(backend, tenant_a, frozen_clock):
    """A multipart form: up to three photos checked by their bytes and sealed under the tenant
    key with the complaint; a bad file, a fourth photo, a file in another field or a NUL in a
    text field (multipart is not read by the input guard) is refused by name, nothing stored."""
    url = f"/t/{tenant_a.slug}/complaint/{tenant_a.branch_id}"
    async with AsyncTestClient(create_app(backend.settings)) as client:
        hidden = await _form(client, tenant_a)
        frozen_clock.advance(timedelta(seconds=30))
        refusals = []
        for files, data in (
            ([("file", ("doc.png", b"%PDF-1.7 not a photo", "image/png"))], GOOD),
            ([("file", (f"p{n}.png", PNG, "image/png")) for n in range(4)], GOOD),
            ([("file", ("p.png", PNG, "image/png"))], {**GOOD, "description": "Broken\x00jar"}),
        ):
            refused = await client.post(url, data={**data, **hidden}, files=files)
            refusals.append((refused.status_code, 'id="file-error"' in refused.text))
            if "\x00" in data["description"]:
                assert 'id="description-error"' in refused.text
        stray = await client.post(
            url, data={**GOOD, **hidden}, files=[("other", ("p.png", PNG, "image/png"))]
        )
        assert stray.status_code == 422 and "file" in stray.json()["errors"]
    assert await _stored(tenant_a) == []
    async with AsyncTestClient(create_app(backend.settings)) as client:
        hidden = await _form(client, tenant_a)
        frozen_clock.advance(timedelta(seconds=30))
        sent = await client.post(
            url,
            data={**GOOD, **hidden},
            files=[("file", ("jar.png", PNG, "image/png")), ("file", ("lid.jpg", JPEG, "image/jpeg"))],
        )
    assert refusals == [(422, True), (422, True), (422, False)]
    assert sent.status_code == 200 and "Thank you" in sent.text
    (made,) = await _stored(tenant_a)
    with tenant_scope(tenant_a.ctx):
        detail = await service.get_complaint(made.id)
        photos = [await service.read_attachment(a, made.id) for a in detail.attachment_ids]
    assert sorted(photos) == sorted([("image/png", PNG), ("image/jpeg", JPEG)])
