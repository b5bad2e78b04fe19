"""Encryption at rest: sensitive client fields never reach the database in clear text."""

from __future__ import annotations

import dataclasses
import sqlite3
import subprocess

import pytest

from salonkeep.core.clients.service import ClientInput, create_client, get_client, update_client
from salonkeep.core.clients.tables import Client
from salonkeep.core.keys import master
from salonkeep.core.keys.service import (
    DecryptionFailed,
    decrypt_fields,
    forget_cached_keys,
    rotate_tenant_key,
    shred_client_key,
)
from salonkeep.core.keys.tables import ClientKey, TenantKey
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work

SECRETS = {
    "allergies": "Allergic to Lidocaine-7731",
    "health_notes": "Takes Warfarin-5519 daily",
    "id_number": "131052-308T",
    "treatment_notes": "Filler 0.8ml left nasolabial-4420",
}


def database_text(backend) -> str:
    """Everything the database holds, as text (pg_dump, or the SQLite dump)."""
    if backend.name == "postgres":
        return subprocess.run(
            ["pg_dump", "--data-only", backend.owner_url], capture_output=True, text=True, check=True
        ).stdout
    with sqlite3.connect(backend.settings.sqlite_path) as conn:
        return "\n".join(conn.iterdump())


@pytest.fixture
async def secret_client(tenant_a):
    with tenant_scope(tenant_a.ctx):
        return await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Sirpa", **SECRETS))


async def test_the_database_never_holds_sensitive_fields_in_clear_text(backend, tenant_a, secret_client):
    from salonkeep.core.aftercare import calls
    from salonkeep.core.visits.service import record_sale

    with tenant_scope(tenant_a.ctx):
        await update_client(
            secret_client.id,
            ClientInput(branch_id=tenant_a.branch_id, first_name="Sirpa", health_notes="Beta-blocker-8812"),
        )
        view = await get_client(secret_client.id)
        # A call note (and the escalation tasks that carry it) is health data too (finding 4).
        await record_sale(secret_client.id, product="Lip serum", category="treatment")
        call = next(t for t in await calls.client_touchpoints(secret_client.id) if t.kind == "call")
        await calls.record_outcome(call.id, "abnormal_reaction", "Swelling after filler-6631")
    assert (view.allergies, view.health_notes, view.id_number) == (
        SECRETS["allergies"],
        "Beta-blocker-8812",
        SECRETS["id_number"],
    )
    dump = database_text(backend)
    assert "Sirpa" in dump  # the dump is real and holds this client
    assert "abnormal_reaction" in dump
    for value in [*SECRETS.values(), "Beta-blocker-8812", "Lidocaine", "Warfarin", "Swelling after"]:
        assert value not in dump, value


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("owner", set(SECRETS)),
        ("privacy_officer", set(SECRETS)),
        ("practitioner", {"allergies", "health_notes", "treatment_notes"}),
        ("branch_manager", set()),
        ("reception", {"id_number"}),
    ],
)
async def test_roles_get_clear_text_only_for_their_fields(tenant_a, secret_client, role, sees):
    ctx = dataclasses.replace(tenant_a.ctx, role=role, branch_ids=frozenset({tenant_a.branch_id}))
    with tenant_scope(ctx):
        view = await get_client(secret_client.id)
    for name, value in SECRETS.items():
        assert getattr(view, name) == (value if name in sees else None), name


async def test_ciphertext_is_bound_to_its_client_and_field(tenant_a, secret_client):
    with tenant_scope(tenant_a.ctx):
        other = await create_client(
            ClientInput(branch_id=tenant_a.branch_id, first_name="Other", allergies="x")
        )
    async with unit_of_work(tenant_a.ctx):
        row = await Client.objects().where(Client.id == secret_client.id).first()
        with pytest.raises(DecryptionFailed):
            await decrypt_fields(tenant_a.ctx, secret_client.id, {"health_notes": row.allergies_enc})
        with pytest.raises(DecryptionFailed):
            await decrypt_fields(tenant_a.ctx, other.id, {"allergies": row.allergies_enc})


async def test_shredding_the_client_key_makes_the_data_unreadable(tenant_a, secret_client):
    async with unit_of_work(tenant_a.ctx):
        row = await Client.objects().where(Client.id == secret_client.id).first()
        assert await shred_client_key(tenant_a.ctx, secret_client.id)
    forget_cached_keys()
    async with unit_of_work(tenant_a.ctx):
        with pytest.raises(DecryptionFailed, match="shredded"):
            await decrypt_fields(tenant_a.ctx, secret_client.id, {"allergies": row.allergies_enc})


async def test_rotation_rewraps_every_client_key_and_keeps_data_readable(tenant_a, secret_client):
    with tenant_scope(tenant_a.ctx):
        second = await create_client(
            ClientInput(branch_id=tenant_a.branch_id, first_name="B", allergies="Nuts")
        )
    rotation = await rotate_tenant_key(tenant_a.ctx)
    assert rotation.new_version == 2 and rotation.rewrapped == 2 and rotation.retired_versions == (1,)
    forget_cached_keys()
    with tenant_scope(tenant_a.ctx):
        assert (await get_client(secret_client.id)).allergies == SECRETS["allergies"]
        assert (await get_client(second.id)).allergies == "Nuts"
    async with unit_of_work(tenant_a.ctx):
        keys = await TenantKey.objects().where(TenantKey.tenant_id == tenant_a.ctx.tenant_id)
        versions = await ClientKey.select(ClientKey.tenant_key_version).where(
            ClientKey.tenant_id == tenant_a.ctx.tenant_id
        )
    assert {(k.version, k.state, bool(k.wrapped)) for k in keys} == {
        (1, "retired", False),
        (2, "active", True),
    }
    assert {v["tenant_key_version"] for v in versions} == {2}


async def test_another_master_key_cannot_read_the_data(tenant_a, secret_client):
    original = master.master_key()
    forget_cached_keys()
    master.set_master_key(b"\x01" * 32)
    try:
        with tenant_scope(tenant_a.ctx), pytest.raises(DecryptionFailed):
            await get_client(secret_client.id)
    finally:
        master.set_master_key(original)
        forget_cached_keys()


async def test_visit_treatment_notes_are_encrypted_and_need_to_know(backend, tenant_a, secret_client):
    from salonkeep.core.visits.service import client_history, record_service

    note = f"Reaction to hyaluronidase-{secret_client.id.hex[:8]}"
    with tenant_scope(tenant_a.ctx):
        visit = await record_service(
            secret_client.id, service="Filler", category="medical_aesthetics", notes=note
        )
    assert visit.notes == note
    assert note not in database_text(backend)
    for role, expected in (("practitioner", note), ("reception", "")):
        ctx = dataclasses.replace(tenant_a.ctx, role=role, branch_ids=frozenset({tenant_a.branch_id}))
        with tenant_scope(ctx):
            history = await client_history(secret_client.id)
        assert [v.notes for v in history.visits] == [expected], role
