"""Every route, walked as each branch-scoped person of branch A: nothing about a client of
branch B comes back, whatever ids and query parameters are sent (SQLite and PostgreSQL).

The routes come from the application itself (``app.routes``), so a new route is walked as soon
as it exists; a path parameter the walk cannot fill fails the test until it is added to
:data:`PARAMETERS` (or, with a reason, to :data:`SPECIAL_PARAMETERS`).

Branch B's client ("Quorra Leakmarker") carries unique markers: name, phone, e-mail and the
notes of calls about her. She was registered at branch A and moved to B afterwards, so her
aftercare calls are still planned at branch A: the call list must leave them out too. Two
colleagues recorded outcomes about her: one of branch B only, one of both branches (whom A's
manager may pick in the staff call log, and sees only the entries about A's clients of).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from salonkeep.core import consent
from salonkeep.core.aftercare import calls
from salonkeep.core.apikeys.service import create_api_key
from salonkeep.core.appointments import requests as booking_requests
from salonkeep.core.appointments import service as appointments
from salonkeep.core.catalogue import service as catalogue
from salonkeep.core.clients.service import ClientInput, create_client, update_client
from salonkeep.core.complaints import service as complaints
from salonkeep.core.privacy import alerts, breach, break_glass, obligations, rights, sharing
from salonkeep.core.visits import service as visits
from salonkeep.plugins.warranty import service as warranty
from salonkeep.tenants import clock
from salonkeep.tenants.context import TenantContext, tenant_scope
from salonkeep.tenants.onboarding import add_branch, add_staff
from salonkeep.web.app import create_app
from salonkeep.web.workspace.panels import all_sections

from .staff_helpers import PASSWORD, add_person, csrf_of, set_tenant_settings, sign_in
from .test_staff_roles import SECTIONS

BRANCH_ROLES = ("branch_manager", "practitioner", "reception")
#: What must never reach a person of branch A: branch B's client's name, phone (E.164 and its
#: national digits), e-mail, and the notes of the calls about her (which only roles that see
#: health data read at all, so the practitioner's walk is the one that tests them).
MARKERS = ("Quorra", "Leakmarker", "+358409998877", "409998877", "leak.marker@other.example", "NOTEMARK")
#: The same for the client of branch A (the walk must see some of these, or it proves nothing).
OWN_MARKERS = ("Ownbranch", "OWNNOTE")
_PARAMETER = re.compile(r"\{(\w+):[^}]+\}")


@dataclass
class Scene:
    """Two branches, a client in each, and everything recorded about them."""

    slug: str
    branch_b: uuid.UUID
    other_client: uuid.UUID
    other_staff: uuid.UUID  #: works at branch B only
    shared_staff: uuid.UUID  #: works at branches A and B
    other_touchpoint: uuid.UUID
    other_claim: uuid.UUID
    other_request: uuid.UUID
    other_alert: uuid.UUID  #: the privacy officer's alert about a break-glass on her
    other_breach: uuid.UUID  #: a breach whose window covers her record
    other_partner: uuid.UUID  #: a partner on the register (with a stored security report)
    other_complaint: uuid.UUID  #: her complaint at branch B (its description a marker)
    other_photo: uuid.UUID  #: a photo of that complaint (its bytes carry a marker)
    other_appointment: uuid.UUID  #: her appointment at branch B
    service: uuid.UUID  #: the catalogue service booked for her (catalogue data, no client's)
    own_client: uuid.UUID  #: the client of branch A ("Mine Ownbranch")


#: A value for every path parameter, always pointing at branch B (or outside A's reach).
def _parameters(scene: Scene) -> dict[str, str]:
    return {
        "client_id": str(scene.other_client),
        "staff_id": str(scene.other_staff),
        "touchpoint_id": str(scene.other_touchpoint),
        # Outgoing messages are touchpoints too (kind "message"); one of hers stands in.
        "message_id": str(scene.other_touchpoint),
        "claim_id": str(scene.other_claim),
        "request_id": str(scene.other_request),
        "alert_id": str(scene.other_alert),
        "breach_id": str(scene.other_breach),
        "partner_id": str(scene.other_partner),
        "complaint_id": str(scene.other_complaint),
        "photo_id": str(scene.other_photo),
        # The public complaint page of branch B (public by design: it shows the branch's name).
        "branch_id": str(scene.branch_b),
        "appointment_id": str(scene.other_appointment),
        "service_id": str(scene.service),
        "slug": scene.slug,
        "name": "warranty",
        # Every section of the profile is walked (see _walk_plan).
        "section": SECTION,
    }


#: Stands in for a profile section's key until the walk plan puts in each one.
SECTION = "{each-section}"


#: Routes whose parameters are not ids of tenant data, with the value to use and why.
SPECIAL_PARAMETERS: dict[str, dict[str, str]] = {
    # A set-password link is a one-time capability sent to one person; a wrong token is 404.
    "/t/{slug:str}/set-password/{token:str}": {"token": "not-a-token"},
    # The consent link is the client's own signed capability (it shows her consent page by
    # design, to whoever holds it); staff never see it for a client out of their scope.
    "/t/{slug:str}/consent/{token:str}": {"token": "not-a-token"},
    # The sign-up verification link is the new owner's signed capability; it names no client.
    "/signup/verify/{token:str}": {"token": "not-a-token"},
    # The survey link is the client's signed capability too (it shows the branch and the
    # service of one visit, nothing of the client); a wrong token is 404.
    "/t/{slug:str}/survey/{token:str}": {"token": "not-a-token"},
    # Client imports belong to the owner (clients.import, chain-wide): every other role gets
    # 403 whatever the id, and they name no client.
    "/app/clients/import/{import_id:uuid}": {"import_id": "00000000-0000-4000-8000-000000000001"},
    "/app/clients/import/{import_id:uuid}/progress": {"import_id": "00000000-0000-4000-8000-000000000001"},
    # Static files.
    "/static/{file_path:path}": {"file_path": "salonkeep.css"},
    # The OpenAPI schema in its formats.
    "/api/v1/schema/{path:str}": {"path": "openapi.json"},
    # Any other address under /app: the "not found" page in the layout.
    "/app/{rest:path}": {"rest": "no-such-page"},
}


def _queries(scene: Scene) -> list[dict[str, str]]:
    """Each route is asked without a query, and with every query parameter a handler might
    read pointed at branch B: its staff (one of B only, one of both branches), the branch,
    the client, searches for her name and phone (prefixes, so the search box echoing the query
    is not taken for her markers)."""
    hostile = {
        "branch": str(scene.branch_b),
        "client": str(scene.other_client),
        "client_id": str(scene.other_client),
        "q": "Leakmark",
        "actor": str(scene.other_staff),
        # Calendars (pages and API): branch B's day of her appointment.
        "branch_id": str(scene.branch_b),
        "date": "2026-04-01",
        "day": "2026-04-01",
    }
    return [
        {},
        {**hostile, "staff": str(scene.other_staff)},
        {**hostile, "staff": str(scene.shared_staff)},
        {"q": "40999887", "staff": str(scene.shared_staff)},
    ]


def _walk_plan(app: Any, scene: Scene) -> list[tuple[str, str]]:
    """(method, path) of every GET and HEAD route of ``app``, parameters filled in; a route
    of the profile's sections once per section (the plugins' too)."""
    plan = []
    values = _parameters(scene)
    sections = [section.key for section in all_sections()]
    assert "details" in sections and "warranty-claims" in sections
    for route in app.routes:
        assert isinstance(route, HTTPRoute), f"walk {route.path} too (not an HTTP route)"
        methods = sorted({"GET", "HEAD"} & set(route.methods))
        if not methods:
            continue
        special = SPECIAL_PARAMETERS.get(route.path, {})

        def fill(match: re.Match[str], special: dict[str, str] = special, path: str = route.path) -> str:
            name = match.group(1)
            if name in special:
                return special[name]
            assert name in values, f"{path}: give the walk a branch-B value for {{{name}}}"
            return values[name]

        path = _PARAMETER.sub(fill, route.path)
        paths = [path.replace(SECTION, key) for key in sections] if SECTION in path else [path]
        plan.extend((method, each) for each in paths for method in methods)
    return plan


async def _scene(world: Any, frozen_clock: Any) -> Scene:
    """Branch B with its client and her history, as the system."""
    with tenant_scope(world.ctx):
        other = await add_branch(name="Other street", address="Other street 2")
        only_b, _ = await add_staff(
            email=f"only-b@{world.slug}.example",
            name="Bonly Colleague",
            role="practitioner",
            branch_names=["Other street"],
            password=PASSWORD,
            agreement_signed=True,
        )
        both, _ = await add_staff(
            email=f"both@{world.slug}.example",
            name="Both Colleague",
            role="practitioner",
            branch_names=["Main street", "Other street"],
            password=PASSWORD,
            agreement_signed=True,
        )
        own = await create_client(
            ClientInput(branch_id=world.branch_id, first_name="Mine", last_name="Ownbranch")
        )
        details = {
            "first_name": "Quorra",
            "last_name": "Leakmarker",
            "phone": "+358 40 999 8877",
            "email": "leak.marker@other.example",
        }
        # Registered at branch A, moved to B later: her calls stay planned at branch A.
        theirs = await create_client(ClientInput(branch_id=world.branch_id, **details))
        await consent.grant(theirs.id, "health_data", channel="in_store_tablet", wording_shown="Health data")
        await visits.record_service(theirs.id, service="Lip filler", category="medical_aesthetics")
        await visits.record_sale(theirs.id, product="Skin Device", category="device")
        await visits.record_sale(theirs.id, product="Slim Gel", category="slimming")
        await consent.grant(own.id, "health_data", channel="in_store_tablet", wording_shown="Health data")
        await visits.record_service(own.id, service="Lip filler", category="medical_aesthetics")
        device = next(w for w in await warranty.warranties_of(theirs.id) if w.product == "Skin Device")
        claim = await warranty.open_claim(device.id, proof_of_purchase="R-1", description="Broken")
        await warranty.triage(claim.id)
        await warranty.agree_remedy(claim.id, "repair")
        await warranty.complete(claim.id)
        request = await rights.open_request(theirs.id, "access", note="Quorra asks")
        await update_client(theirs.id, ClientInput(branch_id=other.id, **details))
        facial = await catalogue.save_service(catalogue.ServiceInput(name="Walk facial", category="facial"))
        appointment = await appointments.book(
            theirs.id,
            staff_id=only_b.id,
            service_id=facial.id,
            branch_id=other.id,
            starts_at=datetime(2026, 4, 1, 10, 0, tzinfo=UTC),
        )
    frozen_clock.advance(timedelta(days=3))
    with tenant_scope(world.ctx):
        theirs_calls = [
            t
            for t in await calls.client_touchpoints(theirs.id)
            if t.kind == "call" and t.status == "planned" and t.due_at <= clock.now()
        ]
        own_calls = [
            t
            for t in await calls.client_touchpoints(own.id)
            if t.kind == "call" and t.status == "planned" and t.due_at <= clock.now()
        ]
    assert len(theirs_calls) >= 2 and len(own_calls) >= 2, (theirs_calls, own_calls)

    def colleague(staff_id: uuid.UUID, branches: set[uuid.UUID]) -> TenantContext:
        return TenantContext(
            tenant_id=world.ctx.tenant_id,
            actor_id=staff_id,
            role="practitioner",
            actor_label="colleague",
            branch_ids=frozenset(branches),
        )

    # Her calls are planned at branch A (where she was registered), so whoever records them
    # works at A too; the log entries carry the colleague's id all the same.
    with tenant_scope(colleague(only_b.id, {world.branch_id, other.id})):
        await calls.record_outcome(theirs_calls[0].id, "reached", "NOTEMARK by B")
    with tenant_scope(colleague(both.id, {world.branch_id, other.id})):
        await calls.record_outcome(theirs_calls[1].id, "no_answer", "NOTEMARK by both")
        await calls.record_outcome(own_calls[0].id, "reached", "OWNNOTE by both")
    # A colleague working at branch A only breaks the glass on her: the note (a marker) is on
    # the grant and the privacy officer's alert, which no branch-A walker may read.
    with tenant_scope(colleague(both.id, {world.branch_id})):
        await break_glass.open_break_glass(theirs.id, "emergency", "NOTEMARK break-glass")
    with tenant_scope(world.ctx):
        (alert,) = [a for a in await alerts.list_alerts() if a.client_id == theirs.id]
        leak = await breach.open_breach("NOTEMARK breach", clock.now())
        await breach.affected(leak.id, clock.now() - timedelta(days=30), clock.now() + timedelta(minutes=1))
        partner = await sharing.add_partner("Lab partner", "C-1", ["lab tests"])
        await obligations.update_partner_terms(partner.id, report_name="report.pdf", report_file=b"NOTEMARK")
        complaint = await complaints.record_complaint(
            branch_id=other.id,
            channel="phone",
            about="service",
            about_ref="Quorra's facial",
            description="NOTEMARK complaint",
            client_id=theirs.id,
        )
        photo = await complaints.add_attachment(complaint.id, b"\x89PNG\r\n\x1a\nNOTEMARK photo")
        # She also asked for a booking at branch B from its public page (her contact as given).
        await booking_requests.submit_request(
            world.ctx,
            other.id,
            booking_requests.RequestInput(
                service=str(facial.id),
                slot=f"{only_b.id}|{datetime(2026, 4, 2, 7, 0, tzinfo=UTC).isoformat()}",
                name="Quorra Leakmarker",
                email="leak.marker@other.example",
                phone="+358 40 999 8877",
                privacy_consent=True,
            ),
        )
    return Scene(
        slug=world.slug,
        branch_b=other.id,
        other_client=theirs.id,
        other_staff=only_b.id,
        shared_staff=both.id,
        other_touchpoint=theirs_calls[1].id,  # still open after "no answer"
        other_claim=claim.id,
        other_request=request.id,
        other_alert=alert.id,
        other_breach=leak.id,
        other_partner=partner.id,
        other_complaint=complaint.id,
        other_photo=photo,
        other_appointment=appointment.id,
        service=facial.id,
        own_client=own.id,
    )


async def _api_key(world: Any, role: str) -> str:
    with tenant_scope(world.ctx):
        _, key = await create_api_key(f"{role} walk", role, "Main street" if role in BRANCH_ROLES else "")
    return key


async def _walk(
    backend: Any, scene: Scene, email: str, key: str, *, hidden: bool = True
) -> dict[str, list[str]]:
    """Request every GET/HEAD route with every query; per request, the markers found (a 500
    fails at once). ``hidden``: branch B's client is out of the person's reach, so each
    section of her profile answers 404 (or 403 for a section the role may not open)."""
    found: dict[str, list[str]] = {}
    app = create_app(backend.settings)
    plan = _walk_plan(app, scene)
    assert len(plan) > 30  # the whole application, not a handful
    async with AsyncTestClient(app) as client:
        signed = await sign_in(client, scene.slug, email)
        assert signed.status_code == 200 and "/login" not in str(signed.url)
        for method, path in plan:
            headers = {"Authorization": f"Bearer {key}"} if path.startswith("/api/") else {}
            for query in _queries(scene):
                response = await client.request(method, path, params=query, headers=headers)
                where = _where(method, path, query)
                assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:300]}"
                if hidden and path.startswith(f"/app/clients/{scene.other_client}/s/"):
                    assert response.status_code in (403, 404), f"{where}: {response.status_code}"
                seen = [m for m in (*MARKERS, *OWN_MARKERS) if m in response.text]
                if seen:
                    found[where] = seen
        # Still signed in at the end: the walk looked at pages, not at the sign-in form.
        assert "Ownbranch" in (await client.get("/app/clients", params={"q": "Ownbranch"})).text
    return found


def _where(method: str, path: str, query: dict[str, str]) -> str:
    return f"{method} {httpx.URL(path, params=query)}"


def _leaks(found: dict[str, list[str]]) -> dict[str, list[str]]:
    """The requests that showed branch B's client, with her markers they showed."""
    leaked = {where: [m for m in seen if m in MARKERS] for where, seen in found.items()}
    return {where: seen for where, seen in leaked.items() if seen}


@pytest.mark.parametrize("role", BRANCH_ROLES)
async def test_no_route_shows_a_branch_scoped_person_a_client_of_another_branch(
    backend, tenant_a, frozen_clock, role
):
    scene = await _scene(tenant_a, frozen_clock)
    email = await add_person(tenant_a, role)  # works at branch A ("Main street")
    key = await _api_key(tenant_a, role)
    found = await _walk(backend, scene, email, key)
    assert _leaks(found) == {}
    # The walk reached branch A's own data on the way.
    assert any("Ownbranch" in seen for seen in found.values()), found


async def test_the_walk_finds_the_client_when_the_tenant_shares_clients_chain_wide(
    backend, tenant_a, frozen_clock
):
    """The same walk, for a tenant that shares clients chain-wide: branch B's client is now
    visible on the profile, search, the call log and the API, so the walk can catch a leak."""
    scene = await _scene(tenant_a, frozen_clock)
    await set_tenant_settings(tenant_a, share_clients_chain_wide=True)
    email = await add_person(tenant_a, "branch_manager")
    key = await _api_key(tenant_a, "branch_manager")
    leaks = _leaks(await _walk(backend, scene, email, key, hidden=False))
    client = scene.other_client
    hostile = _queries(scene)[1]  # the query naming branch B's colleague
    for expected in (
        _where("GET", f"/app/clients/{client}", {}),
        # Each section the manager opens shows her (the header's name; htmx: the section).
        *(_where("GET", f"/app/clients/{client}/s/{section}", {}) for section in SECTIONS["branch_manager"]),
        _where("GET", f"/app/clients/{client}/aftercare", {}),
        _where("GET", "/app/clients", hostile),
        _where("GET", "/app/calls/log", hostile),
        _where("GET", f"/api/v1/clients/{client}", {}),
    ):
        assert expected in leaks, (expected, sorted(leaks))


async def test_a_manager_picks_only_colleagues_of_their_branches_and_sees_only_their_clients(
    backend, tenant_a, frozen_clock
):
    scene = await _scene(tenant_a, frozen_clock)
    email = await add_person(tenant_a, "branch_manager")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, scene.slug, email)
        mine = await client.get("/app/calls/log")
        assert mine.status_code == 200
        # The colleague of branch B only is not in the list, and asking for them is 404.
        assert "Bonly Colleague" not in mine.text and "Both Colleague" in mine.text
        assert (await client.get(f"/app/calls/log?staff={scene.other_staff}")).status_code == 404
        # The colleague of both branches: the entries about A's client, none about B's.
        shared = await client.get(f"/app/calls/log?staff={scene.shared_staff}")
        assert shared.status_code == 200
        # (A manager sees that a note exists, not the note: call notes are health data.)
        assert "Mine Ownbranch" in shared.text and "Leakmarker" not in shared.text
        # The dashboard's call list leaves out her calls still planned at branch A.
        dashboard = await client.get("/app")
        assert "Mine Ownbranch" in dashboard.text and "Leakmarker" not in dashboard.text


async def test_a_call_of_a_client_of_another_branch_cannot_be_recorded(backend, tenant_a, frozen_clock):
    """Her call is still planned at branch A, but she is B's client now: 404, nothing written."""
    scene = await _scene(tenant_a, frozen_clock)
    email = await add_person(tenant_a, "reception")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, scene.slug, email)
        token = csrf_of((await client.get("/app")).text)
        response = await client.post(
            f"/app/calls/{scene.other_touchpoint}/outcome",
            data={"outcome": "reached", "note": "NOTEMARK", "_csrf_token": token},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 404 and "Leakmarker" not in response.text
    with tenant_scope(tenant_a.ctx):
        touchpoints = await calls.client_touchpoints(scene.other_client)
    [still] = [t for t in touchpoints if t.id == scene.other_touchpoint]
    assert still.status == "planned" and still.attempts == 1  # the colleague's "no answer" only
