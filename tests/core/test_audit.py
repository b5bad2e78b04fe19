"""The audit trail: one event per view, append-only for the app role, a tamper-evident chain."""

from __future__ import annotations

import dataclasses
import json
import uuid

import asyncpg
import pytest

from salonkeep.core.audit import chain, heads
from salonkeep.core.audit.service import AuditAction, client_history, record, search_events
from salonkeep.core.audit.tables import AuditEvent
from salonkeep.core.clients.service import ClientInput, create_client, get_client, search_clients
from salonkeep.core.visits.service import client_history as visit_history
from salonkeep.core.visits.service import record_service
from salonkeep.tenants import clock
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.tables import ROLES

from .privacy_helpers import owner_sql


def _as(world, role):
    return dataclasses.replace(
        world.ctx,
        role=role,
        actor_id=world.owner_id,
        actor_label=f"{role} person",
        branch_ids=frozenset({world.branch_id}),
        branch_id=world.branch_id,
        ip="192.0.2.7",
    )


async def _events(world, **filters):
    async with unit_of_work(world.ctx):
        where = AuditEvent.tenant_id == world.ctx.tenant_id
        for name, value in filters.items():
            where = where & (getattr(AuditEvent, name) == value)
        return await AuditEvent.objects().where(where).order_by(AuditEvent.occurred_at)


@pytest.fixture
async def client_a(tenant_a):
    with tenant_scope(tenant_a.ctx):
        return await create_client(
            ClientInput(
                branch_id=tenant_a.branch_id,
                first_name="Ella",
                last_name="Virta",
                phone="040 765 4321",
                allergies="Latex",
                health_notes="Pregnant, week 20",
            )
        )


@pytest.mark.parametrize("role", ROLES)
async def test_a_view_by_each_role_writes_exactly_one_event(tenant_a, client_a, role):
    before = len(await _events(tenant_a, client_id=client_a.id))
    ctx = _as(tenant_a, role)
    with tenant_scope(ctx):
        view = await get_client(client_a.id)
    after = await _events(tenant_a, client_id=client_a.id)
    assert len(after) == before + 1
    event = after[-1]
    assert (event.action, event.role, event.actor_id, event.branch_id, event.ip) == (
        "view",
        role,
        ctx.actor_id,
        tenant_a.branch_id,
        "192.0.2.7",
    )
    shown = set(event.fields.split(","))
    assert ("allergies" in shown) == (view.allergies is not None)
    # Names of fields only, never their values.
    assert "Latex" not in json.dumps([str(v) for v in event.to_dict().values()])


async def test_a_search_is_one_event_without_the_query_text(tenant_a, client_a):
    with tenant_scope(_as(tenant_a, "reception")):
        found = await search_clients("Virta")
    assert [c.id for c in found] == [client_a.id]
    events = await _events(tenant_a, action="search")
    assert len(events) == 1
    assert "Virta" not in json.dumps([str(v) for v in events[0].to_dict().values()])
    assert events[0].reason == "1 results"


async def test_creates_updates_and_visits_are_audited_and_readable_for_the_client(tenant_a, client_a):
    with tenant_scope(_as(tenant_a, "practitioner")):
        await record_service(client_a.id, service="Facial", category="facial", notes="calm skin")
        await visit_history(client_a.id)
    with tenant_scope(_as(tenant_a, "privacy_officer")):
        history = await client_history(client_a.id)
        everything = await search_events(action="create")
    assert [(e.action, e.subject) for e in history] == [
        ("create", "client"),
        ("create", "visit"),
        ("view", "client_history"),
    ]
    assert "allergies" in history[0].fields and "Latex" not in str(history)
    assert {e.subject for e in everything} == {"client", "visit"}


async def test_reception_cannot_read_the_audit_trail(tenant_a, client_a):
    from salonkeep.core.access import Forbidden

    with tenant_scope(_as(tenant_a, "reception")), pytest.raises(Forbidden):
        await client_history(client_a.id)


async def _chain_of(backend, world, n=5):
    with tenant_scope(world.ctx):
        for i in range(n):
            await record(AuditAction.SIGN_IN, subject="staff", subject_id=uuid.uuid4(), reason=f"sign in {i}")
    report = await chain.seal(backend.settings, world.ctx.tenant_id)
    assert report.sealed[world.ctx.tenant_id] >= n and not report.refused
    result = await chain.verify(backend.settings, world.ctx.tenant_id)
    assert result.ok and result.rows >= n and result.signed_head_checked, result
    return result


async def test_sealing_continues_the_chain_and_verifies(backend, tenant_a):
    first = await _chain_of(backend, tenant_a, 3)
    second = await _chain_of(backend, tenant_a, 4)
    assert second.rows == first.rows + 4
    signed = heads.read_signed_head(backend.settings, tenant_a.ctx.tenant_id)
    assert signed["seq"] == second.rows and signed["hash"] == second.head_hash


async def test_an_edited_row_is_named(backend, tenant_a):
    await _chain_of(backend, tenant_a)
    await owner_sql(
        backend,
        tenant_a.ctx.tenant_id,
        "update audit_event set reason = 'nothing' where seq = 3 and tenant_id = $1",
        tenant_a.ctx.tenant_id,
    )
    await chain.seal(backend.settings, tenant_a.ctx.tenant_id)
    result = await chain.verify(backend.settings, tenant_a.ctx.tenant_id)
    assert not result.ok and result.broken_seq == 3 and "edited" in result.problem


async def test_an_edited_row_with_a_recomputed_hash_breaks_the_next_link(backend, tenant_a):
    await _chain_of(backend, tenant_a)
    tid = tenant_a.ctx.tenant_id
    row = (await owner_sql(backend, tid, "select * from audit_event where seq = 2 and tenant_id = $1", tid))[
        0
    ]
    row["reason"] = "forged"
    forged = chain.link_hash(row["prev_hash"], row, 2)
    await owner_sql(
        backend,
        tid,
        "update audit_event set reason = 'forged', hash = $1 where seq = 2 and tenant_id = $2",
        forged,
        tid,
    )
    result = await chain.verify(backend.settings, tid)
    assert not result.ok and result.broken_seq == 3


async def test_a_deleted_row_is_named(backend, tenant_a):
    await _chain_of(backend, tenant_a)
    tid = tenant_a.ctx.tenant_id
    await owner_sql(backend, tid, "delete from audit_event where seq = 4 and tenant_id = $1", tid)
    await chain.seal(backend.settings, tid)
    result = await chain.verify(backend.settings, tid)
    assert not result.ok and result.broken_seq == 4 and "deleted" in result.problem


async def test_deleting_the_newest_rows_is_caught_by_the_signed_head(backend, tenant_a):
    last = await _chain_of(backend, tenant_a)
    tid = tenant_a.ctx.tenant_id
    await owner_sql(backend, tid, "delete from audit_event where seq = $1 and tenant_id = $2", last.rows, tid)
    result = await chain.verify(backend.settings, tid)
    assert not result.ok and result.broken_seq == last.rows


async def test_an_inserted_sealed_row_is_named(backend, tenant_a):
    await _chain_of(backend, tenant_a)
    tid = tenant_a.ctx.tenant_id
    # Shift links 3.. up by one and slip a forged row in as link 3.
    rows = await owner_sql(
        backend, tid, "select * from audit_event where tenant_id = $1 order by seq desc", tid
    )
    for row in rows:
        if row["seq"] >= 3:
            await owner_sql(
                backend, tid, "update audit_event set seq = $1 where id = $2", row["seq"] + 1, row["id"]
            )
    template = next(r for r in rows if r["seq"] == 3)
    forged = {**template, "id": uuid.uuid4(), "reason": "never happened", "seq": 3}
    columns = ", ".join(forged)
    params = ", ".join(f"${i}" for i in range(1, len(forged) + 1))
    await owner_sql(backend, tid, f"insert into audit_event ({columns}) values ({params})", *forged.values())
    result = await chain.verify(backend.settings, tid)
    assert not result.ok and result.broken_seq == 3


async def test_an_unsealed_row_backdated_into_the_sealed_range_is_named(backend, tenant_a):
    await _chain_of(backend, tenant_a)
    tid = tenant_a.ctx.tenant_id
    template = (
        await owner_sql(backend, tid, "select * from audit_event where seq = 1 and tenant_id = $1", tid)
    )[0]
    forged = {
        **template,
        "id": uuid.uuid4(),
        "seq": None,
        "prev_hash": None,
        "hash": None,
        "sealed_at": None,
        "reason": "backdated",
    }
    forged["occurred_at"] = chain._when(template["occurred_at"]).replace(year=2020)
    if backend.name == "sqlite":
        forged["occurred_at"] = forged["occurred_at"].isoformat()
    columns = ", ".join(forged)
    params = ", ".join(f"${i}" for i in range(1, len(forged) + 1))
    await owner_sql(backend, tid, f"insert into audit_event ({columns}) values ({params})", *forged.values())
    await chain.seal(backend.settings, tid)
    result = await chain.verify(backend.settings, tid)
    assert not result.ok and "inserted into the sealed range" in result.problem


async def test_rewriting_the_whole_table_is_caught_by_the_signed_head(backend, tenant_a):
    await _chain_of(backend, tenant_a)
    tid = tenant_a.ctx.tenant_id
    rows = await owner_sql(backend, tid, "select * from audit_event where tenant_id = $1 order by seq", tid)
    prev = chain.GENESIS
    for row in rows:
        if row["seq"] == 2:
            row["reason"] = "rewritten"
        digest = chain.link_hash(prev, row, row["seq"])
        await owner_sql(
            backend,
            tid,
            "update audit_event set reason = $1, prev_hash = $2, hash = $3 where id = $4",
            row["reason"],
            prev,
            digest,
            row["id"],
        )
        prev = digest
    result = await chain.verify(backend.settings, tid)
    assert not result.ok and "signed chain head" in result.problem


async def test_a_forged_head_file_is_refused(backend, tenant_a):
    await _chain_of(backend, tenant_a)
    path = heads.head_path(backend.settings, tenant_a.ctx.tenant_id)
    head = json.loads(path.read_text())
    path.write_text(json.dumps({**head, "seq": head["seq"] - 1}))
    result = await chain.verify(backend.settings, tenant_a.ctx.tenant_id)
    assert not result.ok and "bad signature" in result.problem


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_the_app_role_may_only_append_to_the_audit_trail(backend, tenant_a, client_a):
    conn = await asyncpg.connect(backend.app_url)
    try:
        for sql in ("update audit_event set reason = 'x'", "delete from audit_event"):
            with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError, match="permission denied"):
                async with conn.transaction():
                    await conn.execute(
                        "select set_config('salonkeep.tenant_id', $1, true)", str(tenant_a.ctx.tenant_id)
                    )
                    await conn.execute(sql)
    finally:
        await conn.close()


async def test_a_clients_history_lists_every_event_however_many(tenant_a, client_a, frozen_clock):
    """The access report is a data-subject right: no silent cut-off (it once stopped at 5,000)."""
    many = 5_050
    async with unit_of_work(tenant_a.ctx):
        for start in range(0, many, 1_000):
            await AuditEvent.insert(
                *[
                    AuditEvent(
                        id=uuid.uuid4(),
                        tenant_id=tenant_a.ctx.tenant_id,
                        occurred_at=clock.now(),
                        action="view",
                        client_id=client_a.id,
                        subject_id=client_a.id,
                        fields="first_name",
                    )
                    for _ in range(start, min(start + 1_000, many))
                ]
            )
    with tenant_scope(tenant_a.ctx):
        history = await client_history(client_a.id)
    assert sum(1 for e in history if e.action == "view" and e.fields == ("first_name",)) == many
