"""Row-level security in PostgreSQL itself, tested as the app role with raw SQL.

Every tenant table is covered generically: the test seeds data for two tenants through the
services, then walks every table. A new tenant table without seed data here fails the test.
The tenant directory has policies of its own: readable by all, a row written only by its own
tenant's unit of work.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import asyncpg
import pytest

from salonkeep.core.aftercare import calls, programmes
from salonkeep.core.aftercare.referrals import record_referral
from salonkeep.core.apikeys.service import create_api_key
from salonkeep.core.apps import all_tables
from salonkeep.core.clients import import_jobs
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.complaints import escalation as complaint_escalation
from salonkeep.core.complaints import service as complaint_service
from salonkeep.core.complaints import survey as complaint_survey
from salonkeep.core.visits.service import book_appointment, record_sale, record_service
from salonkeep.plugins.warranty import service as warranty_service
from salonkeep.tenants import clock
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.isolation import DIRECTORY_POLICIES, POLICY_NAME, is_append_only, tenant_tables
from salonkeep.tenants.signin import SignInRefused, authenticate

from ..appointments.helpers import seed_catalogue_and_appointments
from ..conftest import APP_ROLE, make_tenant
from ..core.privacy_helpers import seed_privacy, seed_privacy_hardening

pytestmark = pytest.mark.postgres

TENANT_TABLES = [t._meta.tablename for t in tenant_tables(all_tables())]
APPEND_ONLY = {t._meta.tablename for t in all_tables() if is_append_only(t)}


@pytest.fixture
async def seeded(postgres_backend, backend):
    """Two tenants with a row in every tenant table."""
    if backend.name != "postgres":
        pytest.skip("PostgreSQL only")  # never reached: parametrised below
    worlds = [await make_tenant(), await make_tenant()]
    for world in worlds:
        with tenant_scope(world.ctx):
            client = await create_client(
                ClientInput(branch_id=world.branch_id, first_name="Seed", allergies="Seed allergy")
            )
            await record_service(client.id, service="Facial", category="facial")
            await record_sale(client.id, product="Serum", category="care", price_cents=4900)
            await book_appointment(client.id, service="Facial", starts_at=clock.now() + timedelta(days=3))
            await seed_privacy(client.id)
            await seed_privacy_hardening(world, client.id)
            await seed_catalogue_and_appointments(world, client.id)
            await create_api_key("Booking site", "reception", "Main street")
            await import_jobs.upload("seed.csv", b"first_name\nSeed\n")
            await programmes.set_setting("first_visit_call", "days_after", "2")
            await calls.set_preferred_time(client.id, "evenings")
            first_call = next(t for t in await calls.client_touchpoints(client.id) if t.kind == "call")
            await calls.record_outcome(first_call.id, "reached", "fine")
            member = await create_client(
                ClientInput(branch_id=world.branch_id, first_name="Member", kind="member")
            )
            await record_referral(client.id, member.id)
            warranty = (await warranty_service.warranties_of(client.id))[0]
            claim = await warranty_service.open_claim(
                warranty.id, proof_of_purchase="R-1", description="Broken pump"
            )
            await warranty_service.add_photo(claim.id, b"\x89PNG\r\n\x1a\n" + b"broken pump")
            await warranty_service.triage(claim.id)
            await warranty_service.agree_remedy(claim.id, "repair")
            await warranty_service.complete(claim.id)
            complaint = await complaint_service.record_complaint(
                branch_id=world.branch_id,
                channel="phone",
                about="product",
                description="Seed",
                client_id=client.id,
            )
            await complaint_service.add_notes(complaint.id, notes="Seed note")
            await complaint_service.add_attachment(complaint.id, b"\x89PNG\r\n\x1a\n" + bytes(16))
            await complaint_escalation.escalate_due(clock.now() + timedelta(days=30))
            surveyed = await record_service(client.id, service="Survey facial", category="facial")
            token = complaint_survey.make_token(world.ctx.tenant_id, surveyed.id)
            await complaint_survey.answer_survey(world.ctx.tenant_id, token, 4, "Seed comment")
        with pytest.raises(SignInRefused):  # a sign_in_failure row
            await authenticate(world.slug, f"owner@{world.slug}.example", "Wrong-Passw0rd")
    return worlds


@pytest.fixture
async def app_conn(postgres_backend):
    conn = await asyncpg.connect(postgres_backend.app_url)
    yield conn
    await conn.close()


@pytest.fixture
async def owner_conn(postgres_backend):
    conn = await asyncpg.connect(postgres_backend.owner_url)
    yield conn
    await conn.close()


async def _as_tenant(conn, tenant_id):
    await conn.execute("select set_config('salonkeep.tenant_id', $1, true)", str(tenant_id))


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
@pytest.mark.parametrize("table", TENANT_TABLES)
async def test_reads_are_scoped_to_the_tenant(seeded, app_conn, table):
    a, _ = seeded
    async with app_conn.transaction():
        await _as_tenant(app_conn, a.ctx.tenant_id)
        seen = {r["tenant_id"] for r in await app_conn.fetch(f"select tenant_id from {table}")}
    assert a.ctx.tenant_id in seen, f"seed a row of {table} for the isolation tests"
    assert seen == {a.ctx.tenant_id}


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
@pytest.mark.parametrize("table", TENANT_TABLES)
async def test_no_tenant_set_means_no_rows(seeded, app_conn, table):
    assert await app_conn.fetchval(f"select count(*) from {table}") == 0
    async with app_conn.transaction():
        await app_conn.execute("select set_config('salonkeep.tenant_id', '', true)")
        assert await app_conn.fetchval(f"select count(*) from {table}") == 0


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
@pytest.mark.parametrize("table", TENANT_TABLES)
async def test_writing_another_tenants_rows_is_refused(seeded, app_conn, owner_conn, table):
    a, b = seeded
    row = dict(
        await owner_conn.fetchrow(f"select * from {table} where tenant_id = $1 limit 1", b.ctx.tenant_id)
    )
    # Insert a row for B while acting as A: the policy's WITH CHECK refuses it.
    clone = {**row, "id": uuid.uuid4()}
    columns = ", ".join(clone)
    params = ", ".join(f"${i}" for i in range(1, len(clone) + 1))
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError, match="row-level security"):
        async with app_conn.transaction():
            await _as_tenant(app_conn, a.ctx.tenant_id)
            await app_conn.execute(f"insert into {table} ({columns}) values ({params})", *clone.values())
    if table in APPEND_ONLY:
        # Ledgers: the app role may not update or delete at all (tested in their own tests).
        return
    # Update or delete B's row while acting as A: the row is invisible, nothing changes.
    async with app_conn.transaction():
        await _as_tenant(app_conn, a.ctx.tenant_id)
        assert (
            await app_conn.execute(f"update {table} set tenant_id = tenant_id where id = $1", row["id"])
            == "UPDATE 0"
        )
        assert await app_conn.execute(f"delete from {table} where id = $1", row["id"]) == "DELETE 0"
    # Move one of A's rows over to B: refused.
    own = await owner_conn.fetchval(f"select id from {table} where tenant_id = $1 limit 1", a.ctx.tenant_id)
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError, match="row-level security"):
        async with app_conn.transaction():
            await _as_tenant(app_conn, a.ctx.tenant_id)
            await app_conn.execute(f"update {table} set tenant_id = $1 where id = $2", b.ctx.tenant_id, own)
    assert await owner_conn.fetchval(f"select tenant_id from {table} where id = $1", own) == a.ctx.tenant_id


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_catalog_every_tenant_table_is_forced_under_rls(owner_conn, backend):
    tables = await owner_conn.fetch(
        "select c.relname, c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner) "
        "as owner, c.relispartition from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = 'public' and c.relkind in ('r', 'p')"
    )
    # Partitions (the audit table's months) are checked in tests/core/test_audit_partitions.py.
    tables = [r for r in tables if not r["relispartition"]]
    by_name = {r["relname"]: r for r in tables}
    for name in TENANT_TABLES:
        row = by_name[name]
        assert row["relrowsecurity"] and row["relforcerowsecurity"], name
        assert row["owner"] != APP_ROLE, name
        has_tenant_id = await owner_conn.fetchval(
            "select count(*) from information_schema.columns where table_name = $1 "
            "and column_name = 'tenant_id' and data_type = 'uuid' and is_nullable = 'NO'",
            name,
        )
        assert has_tenant_id == 1, f"{name} needs a non-null uuid tenant_id"
        policy = await owner_conn.fetchrow(
            "select qual, with_check, cmd from pg_policies where tablename = $1 and policyname = $2",
            name,
            POLICY_NAME,
        )
        assert policy is not None, f"{name} has no {POLICY_NAME} policy"
        assert policy["cmd"] == "ALL"
        for expression in (policy["qual"], policy["with_check"]):
            assert expression.startswith("(tenant_id = (NULLIF(current_setting('salonkeep.tenant_id"), (
                expression
            )
    # Every table in the database is either a tenant table, the directory or piccolo's own.
    known = set(TENANT_TABLES) | {"tenant", "migration"}
    assert set(by_name) <= known, f"tables outside the isolation checks: {set(by_name) - known}"


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
@pytest.mark.parametrize("table", sorted(APPEND_ONLY))
async def test_append_only_tables_refuse_update_and_delete_to_the_app_role(owner_conn, backend, table):
    for privilege, expected in (("SELECT", True), ("INSERT", True), ("UPDATE", False), ("DELETE", False)):
        granted = await owner_conn.fetchval(
            "select has_table_privilege($1, $2, $3)", APP_ROLE, table, privilege
        )
        assert granted is expected, (table, privilege)


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_app_role_cannot_bypass_rls(owner_conn, backend):
    role = await owner_conn.fetchrow(
        "select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb from pg_roles where rolname = $1", APP_ROLE
    )
    assert role is not None
    assert not any(role.values())
    owned = await owner_conn.fetchval(
        "select count(*) from pg_class where relowner = (select oid from pg_roles where rolname=$1)", APP_ROLE
    )
    assert owned == 0
    assert (
        await owner_conn.fetchval("select has_table_privilege($1, 'migration', 'SELECT')", APP_ROLE) is False
    )


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_unique_keys_of_tenant_tables_include_tenant_id(owner_conn, backend):
    rows = await owner_conn.fetch(
        "select t.relname as table_name, i.relname as index_name, "
        "array(select a.attname from pg_attribute a where a.attrelid = t.oid "
        "      and a.attnum = any(ix.indkey)) as columns, ix.indisprimary "
        "from pg_index ix join pg_class t on t.oid = ix.indrelid "
        "join pg_class i on i.oid = ix.indexrelid "
        "join pg_namespace n on n.oid = t.relnamespace "
        "where n.nspname = 'public' and ix.indisunique"
    )
    for row in rows:
        if row["table_name"] not in TENANT_TABLES or row["indisprimary"]:
            continue
        assert "tenant_id" in row["columns"], (
            f"unique index {row['index_name']} on {row['table_name']} lacks tenant_id"
        )


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_pooled_connections_carry_no_tenant(postgres_backend, backend, tenant_a):
    """After a unit of work commits, its tenant is gone from the pooled connection."""
    from salonkeep.tenants.db import execute, unit_of_work

    async with unit_of_work(tenant_a.ctx):
        rows = await execute("select current_setting('salonkeep.tenant_id', true) as t")
        assert rows[0]["t"] == str(tenant_a.ctx.tenant_id)
    for _ in range(12):  # more than the pool size: every pooled connection is visited
        rows = await execute("select coalesce(current_setting('salonkeep.tenant_id', true), '') as t")
        assert rows[0]["t"] == ""


# --- the tenant directory ---------------------------------------------------------------


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_the_directory_is_readable_with_no_tenant_set(tenant_a, tenant_b, app_conn):
    """Sign-in resolves an organisation's slug before any tenant is set."""
    found = await app_conn.fetch(
        "select id, status from tenant where slug = any($1::text[])", [tenant_a.slug, tenant_b.slug]
    )
    assert {r["id"] for r in found} == {tenant_a.ctx.tenant_id, tenant_b.ctx.tenant_id}


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_the_directory_row_changes_only_for_its_own_tenant(tenant_a, tenant_b, app_conn, owner_conn):
    a, b = tenant_a.ctx.tenant_id, tenant_b.ctx.tenant_id
    for column, value in (("status", "suspended"), ("settings", '{"evil": true}'), ("slug", "taken")):
        # No tenant set: no row of the directory can be changed.
        assert await app_conn.execute(f"update tenant set {column} = $1", value) == "UPDATE 0"
        async with app_conn.transaction():
            await app_conn.execute("select set_config('salonkeep.tenant_id', '', true)")
            assert await app_conn.execute(f"update tenant set {column} = $1", value) == "UPDATE 0"
        # Tenant A set: B's row is untouched.
        async with app_conn.transaction():
            await _as_tenant(app_conn, a)
            assert (
                await app_conn.execute(f"update tenant set {column} = $1 where id = $2", value, b)
                == "UPDATE 0"
            )
    assert (await owner_conn.fetchrow("select status, slug from tenant where id = $1", b))[
        "status"
    ] == "active"
    # Its own row: yes (the tenant's settings, its language); its id may not change.
    async with app_conn.transaction():
        await _as_tenant(app_conn, a)
        assert await app_conn.execute("update tenant set settings = '{}' where id = $1", a) == "UPDATE 1"
        assert await app_conn.execute("update tenant set settings = '{}'") == "UPDATE 1"
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError, match="row-level security"):
        async with app_conn.transaction():
            await _as_tenant(app_conn, a)
            await app_conn.execute("update tenant set id = $1 where id = $2", uuid.uuid4(), a)


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_the_directory_takes_a_new_row_only_as_that_tenant(tenant_a, app_conn, owner_conn):
    def values(new_id):
        return (new_id, f"t-{new_id.hex[:12]}", "Sneaky", "Europe/Helsinki", "FI", "en")

    insert = (
        "insert into tenant (id, slug, name, time_zone, country, default_locale, status, settings) "
        "values ($1, $2, $3, $4, $5, $6, 'active', '{}')"
    )
    for acting_as in (None, tenant_a.ctx.tenant_id):
        with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError, match="row-level security"):
            async with app_conn.transaction():
                if acting_as is not None:
                    await _as_tenant(app_conn, acting_as)
                await app_conn.execute(insert, *values(uuid.uuid4()))
    new_id = uuid.uuid4()
    async with app_conn.transaction():  # how onboarding.create_tenant writes it
        await _as_tenant(app_conn, new_id)
        await app_conn.execute(insert, *values(new_id))
    assert await owner_conn.fetchval("select count(*) from tenant where id = $1", new_id) == 1
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError, match="permission denied"):
        async with app_conn.transaction():
            await _as_tenant(app_conn, new_id)
            await app_conn.execute("delete from tenant where id = $1", new_id)


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_catalog_the_directory_is_forced_under_its_own_policies(owner_conn, backend):
    row = await owner_conn.fetchrow(
        "select relrowsecurity, relforcerowsecurity from pg_class where relname = 'tenant' "
        "and relnamespace = 'public'::regnamespace"
    )
    assert row["relrowsecurity"] and row["relforcerowsecurity"]
    policies = {
        r["policyname"]: r
        for r in await owner_conn.fetch(
            "select policyname, cmd, qual, with_check from pg_policies where tablename = 'tenant'"
        )
    }
    assert set(policies) == set(DIRECTORY_POLICIES)
    own = "(id = (NULLIF(current_setting('salonkeep.tenant_id'"
    assert policies["directory_read"]["cmd"] == "SELECT" and policies["directory_read"]["qual"] == "true"
    assert policies["directory_insert"]["cmd"] == "INSERT"
    assert policies["directory_insert"]["with_check"].startswith(own)
    assert policies["directory_update"]["cmd"] == "UPDATE"
    for expression in (policies["directory_update"]["qual"], policies["directory_update"]["with_check"]):
        assert expression.startswith(own), expression
    for privilege, expected in (("SELECT", True), ("INSERT", True), ("UPDATE", True), ("DELETE", False)):
        granted = await owner_conn.fetchval(
            "select has_table_privilege($1, 'tenant', $2)", APP_ROLE, privilege
        )
        assert granted is expected, privilege
