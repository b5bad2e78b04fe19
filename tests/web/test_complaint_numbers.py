"""The complaint numbers: a fixture of complaints with known times (the settable clock), the
figures computed here in plain Python from the same fixture, and compared with the staff page,
its CSV and the API; a branch manager sees their own branch only."""

from __future__ import annotations

import csv
import io
import re
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from litestar.testing import AsyncTestClient

from salonkeep.core.apikeys.service import create_api_key
from salonkeep.core.clients.service import ClientInput, create_client
from salonkeep.core.complaints import service, survey
from salonkeep.core.visits.service import record_service
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.onboarding import add_branch, add_staff
from salonkeep.tenants.tenant_settings import update_tenant_settings
from salonkeep.web.app import create_app

from .staff_helpers import PASSWORD, sign_in

T0 = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)
NOW_HOURS = 70
PERIOD = {"start": "2026-03-27", "end": "2026-03-31"}


@dataclass
class Spec:
    """One complaint of the fixture, its times in hours after T0."""

    name: str
    branch: str  # "A" or "B"
    client: str | None
    channel: str
    category: str
    received: float
    contacted: float | None = None
    #: (hour, remedy, accepted) per proposal.
    proposals: tuple[tuple[float, str, bool], ...] = ()
    closed: float | None = None
    assignee: str | None = None  # "owner" or "manager"


SPECS = [
    Spec("c1", "A", "X", "phone", "quality", 0, 2,
         ((30, "explanation", False), (30, "free_correction", True)), 31, "owner"),
    Spec("c2", "A", "X", "in_store", "quality", 1, 30, ((50, "refund", True),), 50, "owner"),
    Spec("c5", "B", "Z", "phone", "price", 2, 3, (), None, "owner"),
    Spec("c3", "A", None, "website", "hygiene", 3, 5, ((40, "explanation", False),), 40, "manager"),
    Spec("c4", "A", "Y", "email", "waiting", 4),
    Spec("c6", "A", "W", "social_media", "other", 60),
]  # fmt: skip
#: Received before the period: counted nowhere.
EARLY = Spec("c0", "A", "Y", "phone", "quality", -48, -47)
#: Survey scores per branch (answered inside the period).
SCORES = {"A": [5, 4, 2], "B": [3]}


def expected(specs: list[Spec], scores: list[int], promise: float = 24) -> dict[str, object]:
    """The figures, computed straight from the specs."""
    contact = [s.contacted - s.received for s in specs if s.contacted is not None]
    resolved_at = {}
    for s in specs:
        accepted = [h for h, _, ok in s.proposals if ok]
        if accepted:
            resolved_at[s.name] = accepted[0]
        elif s.closed is not None:
            resolved_at[s.name] = s.closed
    resolution = [resolved_at[s.name] - s.received for s in specs if s.name in resolved_at]
    due = [s for s in specs if s.contacted is not None or s.received + promise <= NOW_HOURS]
    within = [s for s in due if s.contacted is not None and s.contacted - s.received <= promise]
    closed = [s for s in specs if s.closed is not None and s.proposals]
    clients = [s.client for s in specs if s.client]
    return {
        "complaints": len(specs),
        "quality": sum(1 for s in specs if s.category == "quality"),
        "phone": sum(1 for s in specs if s.channel == "phone"),
        "median_first_contact_hours": statistics.median(contact),
        "promise_due": len(due),
        "within_promise": len(within),
        "within_promise_share": len(within) / len(due),
        "resolved": len(resolution),
        "median_resolution_hours": statistics.median(resolution),
        "mean_rounds": sum(len(s.proposals) for s in specs if s.name in resolved_at) / len(resolution),
        "explanation": sum(1 for s in specs for _, r, _ in s.proposals if r == "explanation"),
        "satisfied_share": sum(1 for s in closed if s.proposals[-1][2]) / len(closed),
        "survey_answers": len(scores),
        "survey_mean": sum(scores) / len(scores),
        "score_2": scores.count(2),
        "clients": len(set(clients)),
        "repeat_complainants": sum(1 for c in set(clients) if clients.count(c) >= 2),
        "owner_first_contact": statistics.median(
            [s.contacted - s.received for s in specs if s.assignee == "owner" and s.contacted is not None]
        ),
    }


@dataclass
class Scene:
    manager_email: str
    branch_a: object
    branch_b: object
    owner_id: object
    manager_id: object


async def _build(world, frozen_clock) -> Scene:
    """Play the fixture through the services, in time order, on the settable clock."""
    await update_tenant_settings(world.ctx.tenant_id, {"survey_low_score": 0})
    at = {"h": 0.0}

    def move_to(hours: float) -> None:
        frozen_clock.advance(timedelta(hours=hours - at["h"]))
        at["h"] = hours

    with tenant_scope(world.ctx):
        branch_b = await add_branch(name="Harbour", address="Harbour 2")
        manager, _ = await add_staff(
            email=f"manager@{world.slug}.example", name="Manager", role="branch_manager",
            branch_names=["Main street"], password=PASSWORD, agreement_signed=True,
        )  # fmt: skip
        branches = {"A": world.branch_id, "B": branch_b.id}
        people = {"owner": world.owner_id, "manager": manager.id}
        clients = {}
        for name, branch in (("X", "A"), ("Y", "A"), ("W", "A"), ("Z", "B")):
            made = await create_client(ClientInput(branch_id=branches[branch], first_name=name))
            clients[name] = made.id
        early = await service.record_complaint(
            branch_id=branches["A"], channel=EARLY.channel, about="service", category=EARLY.category,
            description="early", client_id=clients["Y"], received_at=T0 + timedelta(hours=EARLY.received),
        )  # fmt: skip
        await service.mark_first_contact(early.id, T0 + timedelta(hours=EARLY.contacted or 0))
        ids = {}
        events = []
        for s in SPECS:
            events.append((s.received, 0, s, "record"))
            if s.contacted is not None:
                events.append((s.contacted, 1, s, "contact"))
            for index, (hour, remedy, accepted) in enumerate(s.proposals):
                events.append((hour, 2 + index, s, ("propose", remedy, accepted)))
            if s.closed is not None:
                events.append((s.closed, 9, s, "close"))
        for hour, _, s, what in sorted(events, key=lambda e: (e[0], e[1], e[2].name)):
            move_to(hour)
            if what == "record":
                made = await service.record_complaint(
                    branch_id=branches[s.branch], channel=s.channel, about="service", category=s.category,
                    description=f"complaint {s.name}", client_id=clients[s.client] if s.client else None,
                )  # fmt: skip
                ids[s.name] = made.id
                if s.assignee:
                    await service.assign(made.id, people[s.assignee])
            elif what == "contact":
                await service.mark_first_contact(ids[s.name])
            elif what == "close":
                await service.close_complaint(ids[s.name], "done")
            else:
                _, remedy, accepted = what
                await service.propose_remedy(ids[s.name], remedy)
                await service.record_answer(ids[s.name], accepted)
        move_to(65)
        for branch, scores in SCORES.items():
            client = clients["X" if branch == "A" else "Z"]
            for score in scores:
                visit = await record_service(client, service="Facial", category="facial")
                await survey.answer_survey(
                    world.ctx.tenant_id, survey.make_token(world.ctx.tenant_id, visit.id), score
                )
        move_to(NOW_HOURS)
    return Scene(f"manager@{world.slug}.example", branches["A"], branches["B"], world.owner_id, manager.id)


def _csv(text: str) -> dict[tuple[str, str], str]:
    return {(row["section"], row["key"]): row["value"] for row in csv.DictReader(io.StringIO(text))}


def _cell(page: str, section: str, key: str) -> str:
    found = re.search(rf'id="fig-{section}-{key}">([^<]*)<', page)
    assert found, (section, key)
    return found.group(1)


def _close(shown: str, value: float) -> bool:
    return abs(float(shown.replace(",", "").rstrip("%")) - value) < 1e-6


async def test_page_csv_and_api_show_the_figures_computed_from_the_fixture(backend, tenant_a, frozen_clock):
    scene = await _build(tenant_a, frozen_clock)
    mine = expected([s for s in SPECS if s.branch == "A"], SCORES["A"])
    everyone = expected(SPECS, SCORES["A"] + SCORES["B"])
    assert mine["complaints"] == 5 and everyone["complaints"] == 6  # the early one is outside
    with tenant_scope(tenant_a.ctx):
        _, manager_key = await create_api_key("manager key", "branch_manager", "Main street")
        _, owner_key = await create_api_key("owner key", "owner", "Main street")
    query = {"branch": str(scene.branch_a), **PERIOD}
    async with AsyncTestClient(create_app(backend.settings)) as client:
        assert (await sign_in(client, tenant_a.slug, scene.manager_email)).status_code == 200
        page = await client.get("/app/complaint-numbers", params=query)
        assert page.status_code == 200
        assert 'data-nav="complaint_numbers"' in page.text and '<svg id="chart-category"' in page.text
        exported = await client.get("/app/complaint-numbers.csv", params=query)
        assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
        everything = await client.get("/app/complaint-numbers.csv", params={**query, "branch": "all"})
        other = await client.get("/app/complaint-numbers", params={**query, "branch": str(scene.branch_b)})
        bad = await client.get("/app/complaint-numbers", params={**query, "start": "2026-13-01"})
        api = await client.get(
            "/api/v1/complaints/numbers",
            params={"branch_id": str(scene.branch_a), **PERIOD},
            headers={"Authorization": f"Bearer {manager_key}"},
        )
        api_other = await client.get(
            "/api/v1/complaints/numbers",
            params={"branch_id": str(scene.branch_b), **PERIOD},
            headers={"Authorization": f"Bearer {manager_key}"},
        )
        api_all = await client.get(
            "/api/v1/complaints/numbers", params=PERIOD, headers={"Authorization": f"Bearer {owner_key}"}
        )
        api_bad = await client.get(
            "/api/v1/complaints/numbers",
            params={"start": "2026-03-31", "end": "2026-03-01"},
            headers={"Authorization": f"Bearer {owner_key}"},
        )
    # A branch manager: their branch only ("all" is their branches; asking the page for another
    # branch shows their own, the API answers "not found").
    assert str(scene.branch_b) not in other.text
    assert _cell(other.text, "total", "complaints") == str(mine["complaints"])
    assert api_other.status_code == 404
    assert bad.status_code == 422 and 'id="start-error"' in bad.text
    assert api_bad.status_code == 422 and "start" in api_bad.json()["errors"]
    rows = _csv(exported.text)
    assert _csv(everything.text)[("total", "complaints")] == str(mine["complaints"])
    data = api.json()
    owner_data = api_all.json()
    for source in ("page", "csv", "api"):
        value = {
            "page": lambda section, key: _cell(page.text, section, key),
            "csv": lambda section, key: rows[(section, key)],
            "api": None,
        }[source]
        if value is None:
            continue
        assert value("total", "complaints") == str(mine["complaints"]), source
        assert value("category", "quality") == str(mine["quality"]), source
        assert value("channel", "phone") == str(mine["phone"]), source
        assert _close(value("first_contact", "median_hours"), mine["median_first_contact_hours"]), source
        assert value("first_contact", "promise_due") == str(mine["promise_due"]), source
        assert value("first_contact", "within_promise") == str(mine["within_promise"]), source
        assert _close(value("resolution", "median_hours"), mine["median_resolution_hours"]), source
        assert value("remedy_proposed", "explanation") == str(mine["explanation"]), source
        assert value("survey", "answers") == str(mine["survey_answers"]), source
        assert value("survey_score", "2") == str(mine["score_2"]), source
        assert value("total", "repeat_complainants") == str(mine["repeat_complainants"]), source
        assert value("total", "clients") == str(mine["clients"]), source
    # Shares and means: exact in the CSV, rounded to a tenth (of a percent) on the page.
    assert _close(rows[("first_contact", "within_promise_share")], round(mine["within_promise_share"], 4))
    assert _cell(page.text, "first_contact", "within_promise_share") == f"{mine['within_promise_share']:.1%}"
    assert _close(rows[("resolution", "mean_rounds")], round(mine["mean_rounds"], 4))
    assert _close(rows[("resolution", "satisfied_share")], round(mine["satisfied_share"], 4))
    assert _close(rows[("survey", "mean")], round(mine["survey_mean"], 4))
    assert _close(rows[("staff_first_contact_hours", str(scene.owner_id))], mine["owner_first_contact"])
    # The API: the same figures, unrounded.
    assert data["complaints"] == mine["complaints"] and data["by_category"]["quality"] == mine["quality"]
    assert data["median_first_contact_hours"] == pytest.approx(mine["median_first_contact_hours"])
    assert data["within_promise_share"] == pytest.approx(mine["within_promise_share"])
    assert data["median_resolution_hours"] == pytest.approx(mine["median_resolution_hours"])
    assert data["mean_rounds"] == pytest.approx(mine["mean_rounds"])
    assert data["satisfied_share"] == pytest.approx(mine["satisfied_share"])
    assert data["survey_mean"] == pytest.approx(mine["survey_mean"])
    assert data["repeat_complainants"] == mine["repeat_complainants"]
    assert {s["name"]: s["median_first_contact_hours"] for s in data["staff"]}["Owner"] == pytest.approx(
        mine["owner_first_contact"]
    )
    # The owner, every branch.
    assert owner_data["branch_id"] is None and owner_data["complaints"] == everyone["complaints"]
    assert owner_data["median_first_contact_hours"] == pytest.approx(everyone["median_first_contact_hours"])
    assert owner_data["survey_mean"] == pytest.approx(everyone["survey_mean"])
    assert owner_data["within_promise_share"] == pytest.approx(everyone["within_promise_share"])


async def test_complaints_through_the_api_list_read_and_create(backend, tenant_a, tenant_b, frozen_clock):
    with tenant_scope(tenant_a.ctx):
        _, key = await create_api_key("desk", "reception", "Main street")
        client = await create_client(ClientInput(branch_id=tenant_a.branch_id, first_name="Aino"))
    with tenant_scope(tenant_b.ctx):
        theirs = await service.record_complaint(
            branch_id=tenant_b.branch_id, channel="phone", about="service", description="Other tenant"
        )
    auth = {"Authorization": f"Bearer {key}"}
    async with AsyncTestClient(create_app(backend.settings)) as http:
        refused = await http.post(
            "/api/v1/complaints/",
            json={
                "branch_id": str(tenant_a.branch_id),
                "channel": "fax",
                "about": "service",
                "description": "",
            },
            headers=auth,
        )
        made = await http.post(
            "/api/v1/complaints/",
            json={"branch_id": str(tenant_a.branch_id), "channel": "phone", "about": "service",
                  "category": "quality", "description": "Uneven colour", "client_id": str(client.id)},
            headers=auth,
        )  # fmt: skip
        listed = await http.get("/api/v1/complaints/", params={"open": "true"}, headers=auth)
        read = await http.get(f"/api/v1/complaints/{made.json()['id']}", headers=auth)
        foreign = await http.get(f"/api/v1/complaints/{theirs.id}", headers=auth)
        numbers = await http.get("/api/v1/complaints/numbers", headers=auth)
    assert refused.status_code == 422 and {"channel", "description"} <= set(refused.json()["errors"])
    assert made.status_code == 201 and made.json()["first_contact_due_at"] == "2026-03-28T09:00:00Z"
    assert [c["id"] for c in listed.json()] == [made.json()["id"]]
    assert read.status_code == 200 and read.json()["description"] == "Uneven colour"
    assert foreign.status_code == 404
    assert numbers.status_code == 403  # the numbers are for reports.view (owners, branch managers)
