"""Call notes are health data (security review, finding 4): what staff write with an outcome,
and the text the escalation tasks carry from it, is encrypted at rest and read only by the
roles that see health data; the others learn that a note exists. On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import importlib
import uuid
from datetime import timedelta

import pytest

from salonkeep.core.access import ROLE_ACTIONS, Action, Forbidden
from salonkeep.core.aftercare import calls
from salonkeep.core.aftercare.notes import NOTE_COLUMNS
from salonkeep.core.aftercare.tables import CallLogEntry, Touchpoint
from salonkeep.core.audit.tables import AuditEvent
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.privacy import rights
from salonkeep.core.visits.service import record_sale
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import execute, unit_of_work
from salonkeep.tenants.onboarding import add_staff

from ..conftest import run_cli
from .privacy_helpers import owner_sql
from .test_encryption import database_text

ROLES = tuple(ROLE_ACTIONS)
#: The roles that see health data (core.access: HEALTH_FIELDS), so call notes too.
SEE_NOTES = {"owner", "practitioner", "privacy_officer"}
MIGRATION = importlib.import_module(
    "salonkeep.core.aftercare.piccolo_migrations.aftercare_2026_11_25t23_26_00_000000"
)


def _as(world, role: str, actor_id=None):
    return dataclasses.replace(
        world.ctx,
        role=role,
        actor_id=actor_id or world.owner_id,
        actor_label=role,
        branch_ids=frozenset({world.branch_id}),
    )


@pytest.fixture
async def reaction(tenant_a, frozen_clock):
    """A practitioner's "abnormal reaction" on a product follow-up call, with a note unique to
    the test: (client, practitioner context, note, the call's id)."""
    note = f"swelling after filler {uuid.uuid4().hex[:8]}"
    with tenant_scope(tenant_a.ctx):
        member, _ = await add_staff(
            email=f"pia-{uuid.uuid4().hex[:6]}@example.com",
            name="Pia Practitioner",
            role="practitioner",
            branch_names=["Main street"],
            password="Str0ng-Passw0rd",
        )
        client = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Noora"))
        await record_sale(client.id, product="Lip serum", category="treatment")
    practitioner = _as(tenant_a, "practitioner", member.id)
    frozen_clock.advance(timedelta(days=3))
    with tenant_scope(practitioner):
        (call, *_) = await calls.due_calls(tenant_a.branch_id)
        await calls.record_outcome(call.touchpoint_id, "abnormal_reaction", f"  {note} ")
    return client, practitioner, note, call.touchpoint_id


async def test_the_note_and_its_copies_are_encrypted_at_rest(backend, tenant_a, reaction):
    client, _, note, _ = reaction
    dump = database_text(backend)
    assert "abnormal_reaction" in dump and "Abnormal reaction reported" in dump  # a real dump
    assert "swelling after filler" not in dump
    async with unit_of_work(tenant_a.ctx):
        log = await CallLogEntry.objects().where(CallLogEntry.client_id == client.id)
        touchpoints = await Touchpoint.objects().where(Touchpoint.client_id == client.id)
    assert [e.note[:4] for e in log] == ["sk1:"]
    assert {t.note[:4] for t in touchpoints if t.outcome} == {"sk1:"}
    tasks = [t for t in touchpoints if t.kind == "task"]
    # The core's escalation (branch manager) and the plugin's (practitioner) carry the note.
    assert sorted(t.assigned_role for t in tasks) == ["branch_manager", "practitioner"]
    assert all(t.detail.startswith("sk1:") and note not in t.script + t.title for t in tasks)


@pytest.mark.parametrize("role", ROLES)
async def test_who_reads_the_note_role_by_role(backend, tenant_a, reaction, role):
    client, _, note, call_id = reaction
    ctx = _as(tenant_a, role)
    sees = role in SEE_NOTES
    with tenant_scope(ctx):
        touchpoints = {t.id: t for t in await calls.client_touchpoints(client.id)}
        if Action.CALLS_WORK in ROLE_ACTIONS[role]:
            (entry,) = await calls.call_log(client.id)
            assert (entry.note, entry.note_hidden) == ((note, False) if sees else ("", True))
            tasks = [i for i in await calls.due_calls(tenant_a.branch_id) if i.kind == "task"]
            assert len(tasks) == 2
            for task in tasks:
                assert (task.detail.text, task.detail.hidden) == ((note, False) if sees else ("", True))
                assert note not in task.script + task.title
        else:
            with pytest.raises(Forbidden):
                await calls.call_log(client.id)
    called = touchpoints[call_id]
    assert (called.note.text, called.note.hidden) == ((note, False) if sees else ("", True))
    for task in (t for t in touchpoints.values() if t.kind == "task"):
        assert (task.detail.text, task.detail.hidden) == ((note, False) if sees else ("", True))
    # Every note read in clear text is on the client's audit trail, under the reader.
    async with unit_of_work(tenant_a.ctx):
        rows = await AuditEvent.objects().where(
            (AuditEvent.client_id == client.id)
            & (AuditEvent.actor_label == role)
            & (AuditEvent.action == "view")
        )
    note_fields = {f"{table}.{column}" for table, column in NOTE_COLUMNS}
    read = {f for r in rows for f in r.fields.split(",")} & note_fields
    expected = {"touchpoint.note", "touchpoint.detail"} if sees else set()
    if sees and Action.CALLS_WORK in ROLE_ACTIONS[role]:
        expected.add("call_log.note")
    assert read == expected


async def test_export_has_the_note_and_erasure_shreds_it(backend, tenant_a, reaction):
    client, _, note, _ = reaction
    with tenant_scope(_as(tenant_a, "privacy_officer")):
        exported = await rights.export_client(client.id)
        assert [e["note"] for e in exported["tables"]["call_log"]] == [note]
        details = sorted(t["detail"] for t in exported["tables"]["touchpoint"] if t["detail"])
        assert details == [note, note]
        report = await rights.erase_client(client.id)
        assert report.key_shredded
        after = await rights.export_client(client.id)
    assert after["tables"]["call_log"] == [] and after["tables"]["touchpoint"] == []
    assert note not in str(after)


async def test_a_plugin_that_copies_the_note_into_a_script_is_redacted(tenant_a, frozen_clock):
    from salonkeep.core.plugins import host
    from salonkeep.core.plugins.api import PlannedTask

    note = "bruising under the left eye"
    with tenant_scope(tenant_a.ctx):
        client = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Iida"))
    async with unit_of_work(tenant_a.ctx):
        plan = await host.build_plan(client.id)
        copied = PlannedTask(
            "product_follow_up",
            "copy",
            plan.now,
            f"See the client: {note}",
            body=f"They said: {note}.",
            detail="earlier text",
        )
        assert await host.write_planned([copied], plan, tenant_a.branch_id, private=(note, "ok")) == 1
    for role, expected in (("practitioner", f"earlier text\nThey said: {note}."), ("reception", "")):
        with tenant_scope(_as(tenant_a, role)):
            (task,) = await calls.client_touchpoints(client.id)
        assert (task.title, task.script, task.detail.text) == (
            "See the client: …",
            "They said: ….",
            expected,
        ), role


async def test_the_migration_encrypts_existing_clear_notes(backend, tenant_a, frozen_clock):
    """Rows as an earlier release wrote them (clear text, the note copied into the tasks'
    scripts), encrypted by ``salonkeep migrate`` and readable afterwards."""
    note = f"swelling after filler {uuid.uuid4().hex[:8]}"
    with tenant_scope(tenant_a.ctx):
        client = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Vanha"))
    call_id, task_id, booking_id, other_id, entry_id = (uuid.uuid4() for _ in range(5))
    old_rows = [
        (call_id, "call", "Day 1 check-in", "How is it?", note, "abnormal_reaction"),
        (task_id, "task", "Abnormal reaction reported", f"Reported on the call. Note: {note}", "", None),
        (booking_id, "task", "Book the appointment the client asked for", "Thursday", "", None),
        (other_id, "call", "Day 7 check-in", "Anything unusual?", "", None),
    ]
    async with unit_of_work(tenant_a.ctx):
        for number, (tp_id, kind, title, script, tp_note, outcome) in enumerate(old_rows):
            await execute(
                "insert into touchpoint (id, tenant_id, client_id, branch_id, programme, kind, due_at, "
                "title, script, purpose, status, urgency, dedupe_key, attempts, outcome, note, missed, "
                "created_at, detail) values ({}, {}, {}, {}, 'medical_aftercare', {}, {}, {}, {}, "
                "'service', 'planned', 'normal', {}, 0, {}, {}, {}, {}, '')",
                tp_id,
                tenant_a.ctx.tenant_id,
                client.id,
                tenant_a.branch_id,
                kind,
                frozen_clock(),
                title,
                script,
                f"old:{client.id}:{number}",
                outcome,
                tp_note,
                False,
                frozen_clock(),
            )
        for entry, tp_id, text in ((entry_id, call_id, note), (uuid.uuid4(), other_id, "Thursday")):
            await execute(
                "insert into call_log (id, tenant_id, touchpoint_id, client_id, programme, outcome, note, "
                "recorded_at) values ({}, {}, {}, {}, 'medical_aftercare', 'reached', {}, {})",
                entry,
                tenant_a.ctx.tenant_id,
                tp_id,
                client.id,
                text,
                frozen_clock(),
            )
    assert note in database_text(backend)  # the old release's clear text
    for _ in range(2):  # ``salonkeep migrate`` as on an upgrade; a second run changes nothing
        forget = "delete from migration where name = $1"
        await owner_sql(backend, tenant_a.ctx.tenant_id, forget, MIGRATION.ID)
        run_cli("migrate", env=backend.env, check=True)
    dump = database_text(backend)
    assert "swelling after filler" not in dump and "Day 7 check-in" in dump
    with tenant_scope(_as(tenant_a, "practitioner")):
        seen = {t.id: t for t in await calls.client_touchpoints(client.id)}
        log = await calls.call_log(client.id)
    assert sorted(e.note for e in log) == sorted([note, "Thursday"])
    assert seen[call_id].note.text == note
    assert (seen[task_id].script, seen[task_id].detail.text) == (
        "Reported on the call. Note: …",
        f"Reported on the call. Note: {note}",
    )
    assert (seen[booking_id].script, seen[booking_id].detail.text) == ("…", "Thursday")
    assert (seen[other_id].script, seen[other_id].detail.text) == ("Anything unusual?", "")
    with tenant_scope(_as(tenant_a, "reception")):
        hidden = {t.id: t for t in await calls.client_touchpoints(client.id)}
        assert all(e.note_hidden and not e.note for e in await calls.call_log(client.id))
    assert hidden[task_id].detail.hidden and not hidden[task_id].detail.text
