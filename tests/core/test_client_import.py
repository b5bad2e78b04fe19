"""`salonkeep import clients`: presets from the documented export layouts, mapping, per-row
errors with nothing imported, duplicates (normalised phone/e-mail, earlier rows), consent only
where the file proves it, health fields encrypted, a re-run imports nothing twice."""

from __future__ import annotations

import pytest

from salonkeep.core import consent
from salonkeep.core.clients.service import ClientInput, create_client, get_client
from salonkeep.core.clients.tables import Client
from salonkeep.core.consent.tables import ConsentEvent
from salonkeep.tenants import scoped
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.db import unit_of_work

from .privacy_helpers import owner_sql
from .test_audit_tamper import run_cli as cli

# Written from Square's documented customer export/import columns (see docs/operations.md).
SQUARE = (
    "First Name,Last Name,Email Address,Phone Number,Birthday,Memo,Email Subscription Status\n"
    "Aino,Virtanen,AINO@Example.com,+358 40 111 2222,1990-04-01,Prefers mornings,Subscribed\n"
    "Eero,Laine,eero@example.com,,04-15-1985,,Unsubscribed\n"
    "Kaisa,Mäkinen,,040 333 4444,,,Unknown\n"
)
# Written from Fresha's client list layout (semicolon-separated, day-first dates).
FRESHA = (
    "First Name;Last Name;Mobile Number;Email;Date of Birth;Client Notes;"
    "Accepts Marketing;Accepts SMS Marketing\n"
    "Liisa;Koski;0401234567;liisa@example.com;01/02/1991;Sensitive skin;yes;no\n"
    "Liisa;Koski;+358401234567;;;;;\n"
    "Pekka;Nieminen;+358 50 765 4321;pekka@example.com;;;;yes\n"
)


def owner_of(world) -> TenantContext:
    return TenantContext(tenant_id=world.ctx.tenant_id, role="owner", actor_label="test")


async def clients_of(world) -> list[Client]:
    async with unit_of_work(world.ctx):
        return await scoped.objects(Client).order_by(Client.first_name)


async def consents_of(world) -> list[ConsentEvent]:
    async with unit_of_work(world.ctx):
        return await scoped.objects(ConsentEvent)


async def run_import(backend, monkeypatch, world, path, *args):
    return await cli(backend, monkeypatch, "import", "clients", "-t", world.slug, "--file", str(path), *args)


async def test_square_export_imports_once_with_consent_only_where_proven(
    backend, tenant_a, monkeypatch, tmp_path
):
    path = tmp_path / "square.csv"
    path.write_text(SQUARE)
    result = await run_import(backend, monkeypatch, tenant_a, path, "--preset", "square")
    assert result.exit_code == 0, result.output
    assert "imported 3 clients, 0 duplicates skipped" in result.output
    clients = {c.first_name: c for c in await clients_of(tenant_a)}
    assert set(clients) == {"Aino", "Eero", "Kaisa"}
    assert clients["Aino"].email == "aino@example.com" and clients["Aino"].phone == "+358401112222"
    assert str(clients["Eero"].date_of_birth) == "1985-04-15"  # Square's MM-DD-YYYY
    assert clients["Kaisa"].phone == "+358403334444"  # local number read for the tenant's country
    events = {(e.client_id, e.purpose): e for e in await consents_of(tenant_a)}
    assert set(events) == {
        (clients["Aino"].id, "marketing_email"),
        (clients["Eero"].id, "marketing_email"),
    }  # "Unknown" proves nothing: no event, consent unknown
    granted = events[(clients["Aino"].id, "marketing_email")]
    assert granted.granted and granted.channel == consent.Channel.IMPORTED
    assert "Email Subscription Status=Subscribed" in granted.wording
    assert not events[(clients["Eero"].id, "marketing_email")].granted

    again = await run_import(backend, monkeypatch, tenant_a, path, "--preset", "square")
    assert again.exit_code == 0, again.output
    assert "imported 0 clients, 3 duplicates skipped" in again.output
    assert len(await clients_of(tenant_a)) == 3 and len(await consents_of(tenant_a)) == 2


async def test_fresha_export_duplicates_against_existing_clients_and_earlier_rows(
    backend, tenant_a, monkeypatch, tmp_path
):
    with tenant_scope(owner_of(tenant_a)):
        existing = ClientInput(branch_id=tenant_a.branch_id, first_name="P", email="PEKKA@example.com")
        await create_client(existing)
    path = tmp_path / "fresha.csv"
    path.write_text(FRESHA)
    dry = await run_import(backend, monkeypatch, tenant_a, path, "--preset", "fresha", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "1 clients would be imported, 2 duplicates skipped" in dry.output
    assert "row 3: skipped, duplicate (same as row 2)" in dry.output
    assert "row 4: skipped, duplicate (an existing client has this email)" in dry.output
    assert len(await clients_of(tenant_a)) == 1  # a dry run writes nothing
    done = await run_import(backend, monkeypatch, tenant_a, path, "--preset", "fresha")
    assert done.exit_code == 0, done.output
    liisa = next(c for c in await clients_of(tenant_a) if c.first_name == "Liisa")
    assert str(liisa.date_of_birth) == "1991-02-01" and liisa.needs == "Sensitive skin"
    purposes = {(e.purpose, e.granted) for e in await consents_of(tenant_a)}
    assert purposes == {("marketing_email", True), ("marketing_sms", False)}


async def test_health_fields_are_encrypted_on_the_way_in(backend, tenant_a, monkeypatch, tmp_path):
    path = tmp_path / "own.csv"
    path.write_text(
        "Name,Puhelin,Allergiat,Terveys\nMaija Meikäläinen,0407654321,latex-allergy,pregnant-2026\n"
    )
    result = await run_import(
        backend, monkeypatch, tenant_a, path,
        "--map", "Name=full_name", "--map", "Puhelin=phone",
        "--map", "Allergiat=allergies", "--map", "Terveys=health_notes",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    [client] = await clients_of(tenant_a)
    assert (client.first_name, client.last_name) == ("Maija", "Meikäläinen")
    raw = await owner_sql(backend, tenant_a.ctx.tenant_id, "select * from client where id = $1", client.id)
    stored = " ".join(str(v) for v in raw[0].values())
    assert "latex-allergy" not in stored and "pregnant-2026" not in stored
    with tenant_scope(owner_of(tenant_a)):
        view = await get_client(client.id)
    assert (view.allergies, view.health_notes) == ("latex-allergy", "pregnant-2026")


async def test_one_percent_bad_rows_are_each_reported_and_nothing_is_imported(
    backend, tenant_a, monkeypatch, tmp_path
):
    lines = ["first_name,last_name,phone,email"]
    bad = {17: "phone", 42: "email", 77: "first_name"}
    for i in range(100):
        phone, email, first = f"+3584012{i:05d}", f"c{i}@example.com", f"Client{i}"
        row = i + 2
        if bad.get(row) == "phone":
            phone = "12"
        elif bad.get(row) == "email":
            email = "not-an-email"
        elif bad.get(row) == "first_name":
            first = ""
        lines.append(f"{first},Test,{phone},{email}")
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n")
    result = await run_import(backend, monkeypatch, tenant_a, path)
    assert result.exit_code == 2
    for row, field in bad.items():
        assert f"row {row}: {field}:" in result.output
    assert "error: 3 of 100 rows are invalid; nothing was imported" in result.output
    assert await clients_of(tenant_a) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--preset", "nosuch"], "preset: unknown preset 'nosuch'"),
        (["--map", "Nope=phone"], "no such column"),
        (["--map", "first_name=shoe_size"], "unknown field 'shoe_size'"),
        (["--branch", "Atlantis"], "no branch named 'Atlantis'"),
    ],
)
async def test_bad_options_are_one_line_and_exit_2(backend, tenant_a, monkeypatch, tmp_path, args, message):
    path = tmp_path / "a.csv"
    path.write_text("first_name\nAino\n")
    result = await run_import(backend, monkeypatch, tenant_a, path, *args)
    assert result.exit_code == 2 and message in result.output
    assert result.output.startswith("error: ") and len(result.output.strip().splitlines()) == 1
    assert await clients_of(tenant_a) == []


async def test_an_excel_workbook_in_the_square_layout_imports_like_its_csv(
    backend, tenant_a, monkeypatch, tmp_path
):
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(
        ["First Name", "Last Name", "Email Address", "Phone Number", "Birthday", "Email Subscription Status"]
    )
    sheet.append(
        ["Aino", "Virtanen", "aino@example.com", "+358401112222", datetime(1990, 4, 1), "Subscribed"]
    )
    sheet.append(["Eero", "Laine", "bad-address", "", None, ""])
    path = tmp_path / "square.xlsx"
    book.save(path)
    refused = await run_import(backend, monkeypatch, tenant_a, path, "--preset", "square")
    assert refused.exit_code == 2 and "row 3: email:" in refused.output
    assert await clients_of(tenant_a) == []
    sheet.delete_rows(3)
    book.save(path)
    result = await run_import(backend, monkeypatch, tenant_a, path, "--preset", "square")
    assert result.exit_code == 0, result.output
    [aino] = await clients_of(tenant_a)
    assert str(aino.date_of_birth) == "1990-04-01" and aino.phone == "+358401112222"


async def test_a_file_that_is_neither_csv_nor_a_workbook_is_one_error(
    backend, tenant_a, monkeypatch, tmp_path
):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    result = await run_import(backend, monkeypatch, tenant_a, path)
    assert result.exit_code == 2 and "file: not a readable Excel workbook" in result.output
