"""Client imports as web jobs and the bulk path: the file stored encrypted and blanked at the
end, invalid rows refused until the owner confirms importing the valid ones, a job delivered
twice or a file uploaded twice imports nothing twice, cancellation rolls back, another
tenant sees nothing; and the bulk path's clients are whole (encrypted health fields, search
terms, an audit event each, imported consents) with no registration planning."""

from __future__ import annotations

import pytest

from salonkeep.core.aftercare.tables import Touchpoint
from salonkeep.core.audit.tables import AuditEvent
from salonkeep.core.clients import import_jobs
from salonkeep.core.clients.service import get_client, search_clients
from salonkeep.core.clients.tables import Client, ClientImport
from salonkeep.core.consent.tables import ConsentEvent
from salonkeep.tenants import scoped
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.errors import NotFound, ValidationFailed

from .privacy_helpers import owner_sql
from .test_client_import import SQUARE


def owner_of(world) -> TenantContext:
    return TenantContext(tenant_id=world.ctx.tenant_id, role="owner", actor_label="owner@test")


async def rows_of(world, table) -> list:
    async with unit_of_work(world.ctx):
        return await scoped.objects(table)


def with_health(text: str) -> bytes:
    lines = text.splitlines()
    out = [lines[0] + ",Allergies"] + [
        f"{line},{'latex ALLERGY-7' if i == 0 else ''}" for i, line in enumerate(lines[1:])
    ]
    return ("\n".join(out) + "\n").encode()


async def upload_and_run(world, data: bytes, *, skip_invalid: bool = False, progress=None) -> ClientImport:
    with tenant_scope(owner_of(world)):
        row = await import_jobs.upload("file.csv", data, preset="square" if b"Subscription" in data else "")
        if b"Allergies" in data:
            await import_jobs.set_mapping(row.id, "square", {"Allergies": "allergies"}, "")
        await import_jobs.confirm(row.id, skip_invalid=skip_invalid)
    await import_jobs.run(world.ctx.tenant_id, row.id, progress)
    with tenant_scope(owner_of(world)):
        return await import_jobs.get_import(row.id)


async def test_an_import_job_writes_whole_clients_once_and_keeps_no_file(backend, tenant_a):
    data = with_health(SQUARE)
    seen: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        seen.append((done, total))

    job = await upload_and_run(tenant_a, data, progress=progress)
    assert (job.status, job.imported, job.duplicates, job.invalid) == ("done", 3, 0, 0)
    assert job.file_enc == "" and job.finished_at is not None
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)
    clients = {c.first_name: c for c in await rows_of(tenant_a, Client)}
    assert sorted(clients) == ["Aino", "Eero", "Kaisa"]
    assert clients["Aino"].phone == "+358401112222" and clients["Aino"].email == "aino@example.com"
    # Health fields are ciphertext in the database and read back through the service.
    raw = await owner_sql(
        backend, tenant_a.ctx.tenant_id, "select allergies_enc from client where id = $1", clients["Aino"].id
    )
    assert raw and "ALLERGY-7" not in str(raw[0]["allergies_enc"])
    with tenant_scope(owner_of(tenant_a)):
        assert (await get_client(clients["Aino"].id)).allergies == "latex ALLERGY-7"
        assert [c.first_name for c in await search_clients("mäki")] == ["Kaisa"]
    # One audit event per created client; consent only where the file proves it.
    audits = [a for a in await rows_of(tenant_a, AuditEvent) if a.action == "create"]
    assert sorted(a.client_id for a in audits) == sorted(c.id for c in clients.values())
    consents = {
        (c.client_id, c.purpose): (c.granted, c.channel) for c in await rows_of(tenant_a, ConsentEvent)
    }
    assert consents == {
        (clients["Aino"].id, "marketing_email"): (True, "imported"),
        (clients["Eero"].id, "marketing_email"): (False, "imported"),
    }
    # Imported history is not a registration: nothing is planned at import.
    assert await rows_of(tenant_a, Touchpoint) == []

    # The job delivered again finds nothing to claim; the same file again imports nothing.
    assert await import_jobs.run(tenant_a.ctx.tenant_id, job.id) == "done"
    again = await upload_and_run(tenant_a, data)
    assert (again.status, again.imported, again.duplicates) == ("done", 0, 3)
    assert again.file_sha256 == job.file_sha256
    assert len(await rows_of(tenant_a, Client)) == 3


async def test_the_uploaded_file_is_stored_encrypted(backend, tenant_a):
    with tenant_scope(owner_of(tenant_a)):
        row = await import_jobs.upload("square.csv", SQUARE.encode(), preset="square")
        plan = await import_jobs.preview(row.id)
    assert len(plan.new) == 3
    raw = await owner_sql(
        backend, tenant_a.ctx.tenant_id, "select file_enc from client_import where id = $1", row.id
    )
    assert raw[0]["file_enc"] and "Virtanen" not in raw[0]["file_enc"]


async def test_invalid_rows_import_nothing_until_the_owner_confirms_the_valid_ones(backend, tenant_a):
    lines = ["first_name,phone"] + [f"Client{i},+3584012{i:05d}" for i in range(99)] + ["Bad,12"]
    data = ("\n".join(lines) + "\n").encode()
    with tenant_scope(owner_of(tenant_a)):
        row = await import_jobs.upload("bad.csv", data)
        plan = await import_jobs.preview(row.id)
        assert [(e.row, e.field) for e in plan.errors] == [(101, "phone")]
        with pytest.raises(ValidationFailed) as refused:
            await import_jobs.confirm(row.id, skip_invalid=False)
        assert "skip_invalid" in refused.value.errors
        assert (await import_jobs.get_import(row.id)).status == "uploaded"
    assert await rows_of(tenant_a, Client) == []
    with tenant_scope(owner_of(tenant_a)):
        await import_jobs.confirm(row.id, skip_invalid=True)
    await import_jobs.run(tenant_a.ctx.tenant_id, row.id)
    with tenant_scope(owner_of(tenant_a)):
        job = await import_jobs.get_import(row.id)
    assert (job.status, job.imported, job.invalid) == ("done", 99, 1)
    assert len(await rows_of(tenant_a, Client)) == 99


async def test_cancelling_a_running_import_rolls_everything_back(backend, tenant_a):
    lines = ["first_name,email"] + [f"Client{i},c{i}@example.com" for i in range(2500)]

    async def cancel_after_first_round(done: int, total: int) -> None:
        if done >= 1000:
            raise import_jobs.ImportCancelled()

    job = await upload_and_run(
        tenant_a, ("\n".join(lines) + "\n").encode(), progress=cancel_after_first_round
    )
    assert (job.status, job.imported, job.file_enc) == ("cancelled", 0, "")
    assert await rows_of(tenant_a, Client) == []
    assert [a for a in await rows_of(tenant_a, AuditEvent) if a.action == "create"] == []


async def test_a_queued_import_is_cancelled_at_once(backend, tenant_a):
    with tenant_scope(owner_of(tenant_a)):
        row = await import_jobs.upload("square.csv", SQUARE.encode(), preset="square")
        await import_jobs.confirm(row.id, skip_invalid=False)
        assert await import_jobs.cancel_queued(row.id)
    assert await import_jobs.run(tenant_a.ctx.tenant_id, row.id) == "cancelled"
    assert await rows_of(tenant_a, Client) == []


async def test_another_tenant_sees_no_import(backend, tenant_a, tenant_b):
    with tenant_scope(owner_of(tenant_a)):
        row = await import_jobs.upload("square.csv", SQUARE.encode(), preset="square")
    with tenant_scope(owner_of(tenant_b)):
        with pytest.raises(NotFound):
            await import_jobs.get_import(row.id)
        assert await import_jobs.recent_imports() == []
        with pytest.raises(NotFound):
            await import_jobs.confirm(row.id, skip_invalid=False)
    # A job naming the wrong tenant claims nothing.
    assert await import_jobs.run(tenant_b.ctx.tenant_id, row.id) == "missing"
    with tenant_scope(owner_of(tenant_a)):
        assert (await import_jobs.get_import(row.id)).status == "uploaded"


@pytest.mark.parametrize(
    ("data", "field"),
    [(b"", "file"), (b"\xff\xfe\x00bad", "file"), (b"a,b\n1,2\n", "preset")],
)
async def test_bad_uploads_name_the_field(backend, tenant_a, data, field):
    with tenant_scope(owner_of(tenant_a)), pytest.raises(ValidationFailed) as refused:
        await import_jobs.upload("x.csv", data, preset="nosuch" if field == "preset" else "")
    assert field in refused.value.errors
