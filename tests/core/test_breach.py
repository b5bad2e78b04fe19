"""The breach register: the affected clients come from the audit trail, letters in four
languages, the authority report in art. 33(3) order, and the ``salonkeep breach`` commands."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest

from salonkeep.core.apikeys.service import authenticate, create_api_key, key_label
from salonkeep.core.audit.tables import AuditEvent
from salonkeep.core.clients.service import ClientInput, create_client, get_client, search_clients
from salonkeep.core.formatting import format_datetime
from salonkeep.core.privacy import breach
from salonkeep.tenants import clock
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.tenants.onboarding import add_staff

from .test_audit_tamper import run_cli


@pytest.fixture
async def world(tenant_a, frozen_clock):
    """Four clients (one per letter language); a practitioner who looks at two of them in the
    window and one outside it, an API key that reads a third, the owner reading the fourth."""
    with tenant_scope(tenant_a.ctx):
        clients = []
        for name, lang in (("Anna", "en"), ("Li", "zh"), ("Olga", "ru"), ("Aino", "fi")):
            made = await create_client(
                ClientInput(
                    branch_id=tenant_a.branch_id,
                    first_name=name,
                    allergies="Latex",
                    email=f"{name}@x.example",
                )
            )
            async with unit_of_work(tenant_a.ctx):
                from salonkeep.core.clients.tables import Client

                await Client.update({Client.preferred_locale: lang}).where(Client.id == made.id)
            clients.append(made)
        nurse, _ = await add_staff(
            email="nurse@example.com",
            name="Nurse",
            role="practitioner",
            branch_names=["Main street"],
            password="Str0ng-Passw0rd",
        )
        key, token = await create_api_key("Booking site", "reception", "Main street")
    nurse_ctx = dataclasses.replace(
        tenant_a.ctx,
        actor_id=nurse.id,
        role="practitioner",
        branch_ids=frozenset({tenant_a.branch_id}),
        actor_label="Nurse",
    )
    start = clock.now()
    frozen_clock.advance(timedelta(hours=1))
    with tenant_scope(nurse_ctx):
        await get_client(clients[0].id)
        await get_client(clients[1].id)
        await get_client(clients[1].id)
    key_ctx = await authenticate(token)
    with tenant_scope(key_ctx):
        await get_client(clients[2].id)
    with tenant_scope(tenant_a.ctx):
        await get_client(clients[3].id)
    frozen_clock.advance(timedelta(hours=2))
    end = clock.now()
    frozen_clock.advance(timedelta(hours=1))
    with tenant_scope(nurse_ctx):
        await get_client(clients[3].id)  # after the window
        await search_clients("A")
    return tenant_a, clients, nurse, key, start, end


async def _expected(tenant, start, end, actor_id, label=None):
    """What the audit rows the fixture wrote say, computed here from the rows themselves."""
    who = AuditEvent.actor_id == actor_id if label is None else AuditEvent.actor_label == label
    async with unit_of_work(tenant.ctx):
        rows = await AuditEvent.objects().where(
            (AuditEvent.tenant_id == tenant.ctx.tenant_id)
            & who
            & (AuditEvent.occurred_at >= start)
            & (AuditEvent.occurred_at < end)
            & AuditEvent.client_id.is_not_null()
        )
    found: dict = {}
    for row in rows:
        found.setdefault(row.client_id, set()).update(f for f in row.fields.split(",") if f)
    return {cid: tuple(sorted(fields)) for cid, fields in found.items()}


async def test_affected_clients_match_the_audit_rows(world):
    tenant, clients, nurse, key, start, end = world
    with tenant_scope(tenant.ctx):
        made = await breach.open_breach("Nurse's laptop stolen", end)
        by_nurse = await breach.affected(made.id, start, end, staff_email="nurse@example.com")
        by_key = await breach.affected(made.id, start, end, api_key_id=key.id)
        everyone = await breach.affected(made.id, start, end)
        kept = await breach.get_breach(made.id)
    expected = await _expected(tenant, start, end, nurse.id)
    assert {a.client_id: a.fields for a in by_nurse} == expected
    assert set(expected) == {clients[0].id, clients[1].id}
    assert {a.client_id: a.events for a in by_nurse} == {clients[0].id: 1, clients[1].id: 2}
    assert all({"health", "contact"} <= set(a.categories) for a in by_nurse)
    assert {a.client_id: a.fields for a in by_key} == await _expected(
        tenant, start, end, None, key_label(key)
    )
    assert [a.client_id for a in by_key] == [clients[2].id]
    assert {a.client_id for a in everyone} == {c.id for c in clients}
    assert (kept.window_from, kept.window_to, kept.staff_id, kept.api_key_id) == (start, end, None, None)
    assert kept.deadline == end + timedelta(hours=72)


async def test_bad_input_is_refused_naming_the_field(world):
    tenant, _, _, key, start, end = world
    with tenant_scope(tenant.ctx):
        for summary, found_at, field in (
            ("", end, "summary"),
            ("x", datetime(2026, 3, 1, 9, 0), "found_at"),
            ("x", clock.now() + timedelta(days=1), "found_at"),
        ):
            with pytest.raises(ValidationFailed) as bad:
                await breach.open_breach(summary, found_at)
            assert field in bad.value.errors
        made = await breach.open_breach("x", end)
        with pytest.raises(ValidationFailed) as bad:
            await breach.affected(made.id, end, start)
        assert "to" in bad.value.errors
        with pytest.raises(ValidationFailed) as bad:
            await breach.affected(made.id, start, end, staff_email="nobody@example.com")
        assert "staff" in bad.value.errors
        with pytest.raises(ValidationFailed):
            await breach.affected(made.id, start, end, staff_email="nurse@example.com", api_key_id=key.id)
        assert await breach.list_breaches() == [await breach.get_breach(made.id)]


async def test_letters_in_the_clients_languages_and_the_authority_report(world):
    tenant, clients, _, _, start, end = world
    with tenant_scope(tenant.ctx):
        made = await breach.open_breach("A laptop was stolen", end)
        await breach.affected(made.id, start, end)
        await breach.update_breach(
            made.id, consequences="Low risk", measures="Passwords reset", decision="Notify all"
        )
        letters = [await breach.notification_letter(made.id, c.id) for c in clients]
        report = await breach.authority_report(made.id)
    subjects = [subject for subject, _ in letters]
    assert subjects == [
        "Notice of a personal data breach",
        "个人数据泄露通知",
        "Уведомление об утечке персональных данных",
        "Ilmoitus henkilötietojen tietoturvaloukkauksesta",
    ]
    bodies = [body for _, body in letters]
    assert "health information" in bodies[0] and "Anna" in bodies[0]
    assert "健康信息" in bodies[1] and "Li" in bodies[1]
    assert "сведения о здоровье" in bodies[2]
    assert "terveystiedot" in bodies[3] and "Passwords reset" in bodies[3]
    assert all("A laptop was stolen" in body and "owner@" in body for body in bodies)
    order = [
        report.index(mark) for mark in ("(a) Nature", "(b) Data protection", "(c) Likely", "(d) Measures")
    ]
    assert order == sorted(order)
    assert "approximately 4 clients" in report and "Notify all" in report


async def test_another_tenant_sees_no_breach(world, tenant_b):
    tenant, _, _, _, _, end = world
    with tenant_scope(tenant.ctx):
        made = await breach.open_breach("x", end)
    with tenant_scope(tenant_b.ctx):
        assert await breach.list_breaches() == []
        with pytest.raises(NotFound):
            await breach.get_breach(made.id)


async def test_the_breach_commands(world, backend, monkeypatch):
    tenant, clients, _, key, start, end = world
    opened = await run_cli(
        backend,
        monkeypatch,
        "breach",
        "open",
        "-t",
        tenant.slug,
        "--summary",
        "Stolen laptop",
        "--found-at",
        end.isoformat(),
    )
    assert opened.exit_code == 0, opened.output
    breach_id = opened.output.split()[1]
    listed = await run_cli(backend, monkeypatch, "breach", "list", "-t", tenant.slug)
    deadline = format_datetime(end + timedelta(hours=72), "Europe/Helsinki", "en", show_zone=True)
    assert breach_id in listed.output and deadline in listed.output
    found = await run_cli(
        backend,
        monkeypatch,
        "breach",
        "affected",
        "-t",
        tenant.slug,
        "--id",
        breach_id,
        "--from",
        start.isoformat(),
        "--to",
        end.isoformat(),
        "--staff",
        "nurse@example.com",
    )
    assert found.exit_code == 0, found.output
    assert str(clients[0].id) in found.output and str(clients[2].id) not in found.output
    assert "2 clients affected" in found.output
    by_key = await run_cli(
        backend,
        monkeypatch,
        "breach",
        "affected",
        "-t",
        tenant.slug,
        "--id",
        breach_id,
        "--from",
        start.isoformat(),
        "--to",
        end.isoformat(),
        "--apikey",
        str(key.id),
    )
    assert str(clients[2].id) in by_key.output and "1 clients affected" in by_key.output
    for args in (
        ("open", "-t", tenant.slug, "--summary", "x", "--found-at", "yesterday"),
        ("open", "-t", tenant.slug, "--summary", "x", "--found-at", "2026-03-27T09:00"),
        ("affected", "-t", tenant.slug, "--id", "nope", "--from", start.isoformat(), "--to", end.isoformat()),
        (
            "affected",
            "-t",
            tenant.slug,
            "--id",
            breach_id,
            "--from",
            end.isoformat(),
            "--to",
            start.isoformat(),
        ),
    ):
        refused = await run_cli(backend, monkeypatch, "breach", *args)
        assert refused.exit_code == 2, (args, refused.output)
        assert refused.output.startswith("error: ")
