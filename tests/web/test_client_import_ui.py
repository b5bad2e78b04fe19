"""The client import pages: an owner uploads a CSV, maps a column, sees each bad row, must tick
"valid rows only" to go on, a real arq worker runs the job and the page polls its progress;
other roles get 403 and bad uploads name the field."""

from __future__ import annotations

import re
import uuid

from arq.worker import Worker
from litestar.testing import AsyncTestClient

from salonkeep.core.clients.tables import Client
from salonkeep.tenants import scoped
from salonkeep.tenants.db import unit_of_work
from salonkeep.web.app import create_app

from ..burst_worker import run_jobs
from .staff_helpers import add_person, csrf_of, sign_in

CSV = (
    "Given,Surname,Mobile,Mail\n"
    "Aino,Virtanen,+358401112222,aino@example.com\n"
    "Eero,Laine,12,eero@example.com\n"
    "Kaisa,Mäkinen,0403334444,\n"
)


async def _clients(world) -> list[str]:
    async with unit_of_work(world.ctx):
        return sorted(c.first_name for c in await scoped.objects(Client))


async def _run_worker(backend, queue: str) -> Worker:
    return await run_jobs(backend.settings.redis_url, queue=queue)


async def test_owner_maps_previews_confirms_and_follows_the_worker(backend, tenant_a, monkeypatch):
    for key, value in backend.env.items():
        monkeypatch.setenv(key, value)
    owner = await add_person(tenant_a, "owner")
    queue = f"arq:test:import:{uuid.uuid4().hex}"
    app = create_app(backend.settings)
    async with AsyncTestClient(app) as client:
        app.state.import_queue = queue
        await sign_in(client, tenant_a.slug, owner)
        page = await client.get("/app/clients/import")
        assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
        token = csrf_of(page.text)
        uploaded = await client.post(
            "/app/clients/import",
            files={"file": ("old-system.csv", CSV.encode(), "text/csv")},
            data={"_csrf_token": token, "preset": ""},
        )
        assert uploaded.status_code == 200, uploaded.text  # followed the redirect
        address = str(uploaded.url)
        import_id = address.rsplit("/", 1)[-1]
        # No column is named like a field: the mapping step says what is missing.
        assert "first_name" in uploaded.text and 'name="col_0"' in uploaded.text
        mapped = await client.post(
            f"/app/clients/import/{import_id}/mapping",
            data={
                "_csrf_token": token,
                "preset": "",
                "col_0": "first_name",
                "col_1": "last_name",
                "col_2": "phone",
                "col_3": "email",
            },
        )
        assert mapped.status_code == 200
        assert re.search(r'data-row="3"><td>3</td><td>Phone</td>', mapped.text)
        assert 'data-figure="new"' in mapped.text and 'name="skip_invalid"' in mapped.text
        refused = await client.post(f"/app/clients/import/{import_id}/confirm", data={"_csrf_token": token})
        assert refused.status_code == 422 and 'id="skip_invalid-error"' in refused.text
        queued = await client.post(
            f"/app/clients/import/{import_id}/confirm", data={"_csrf_token": token, "skip_invalid": "1"}
        )
        assert queued.status_code == 200 and 'hx-trigger="every 1s"' in queued.text
    # The database is read outside the app's session (on PostgreSQL the app's engine lives in
    # the test client's event loop): neither the refusal nor the queuing imported anything.
    assert await _clients(tenant_a) == []
    # The worker binds the database for itself (as its process would): run it between sessions.
    worker = await _run_worker(backend, queue)
    assert (worker.jobs_complete, worker.jobs_failed) == (1, 0)
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, owner)
        progress = f"/app/clients/import/{import_id}/progress"
        fragment = await client.get(progress, headers={"hx-request": "true"})
        assert 'data-status="done"' in fragment.text and "hx-trigger" not in fragment.text
        assert 'data-figure="imported"' in fragment.text
    assert await _clients(tenant_a) == ["Aino", "Kaisa"]


async def test_other_roles_get_403_and_bad_uploads_name_the_field(backend, tenant_a):
    owner = await add_person(tenant_a, "owner")
    manager = await add_person(tenant_a, "branch_manager")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, manager)
        assert (await client.get("/app/clients/import")).status_code == 403
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, owner)
        token = csrf_of((await client.get("/app/clients/import")).text)
        empty = await client.post(
            "/app/clients/import",
            files={"file": ("empty.csv", b"", "text/csv")},
            data={"_csrf_token": token},
        )
        assert empty.status_code == 422 and 'id="file-error"' in empty.text
        unknown = await client.get(f"/app/clients/import/{uuid.uuid4()}")
        assert unknown.status_code == 404
