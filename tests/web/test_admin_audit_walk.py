"""Every route that administers staff, branches, one's own account or the organisation's
settings is on the audit trail (release review: staff administration and settings changes
were missing from it). The walk takes the POST routes under ``/app/admin/`` and
``/app/account/`` and the calendar's settings routes from the app's route table, makes a real
change through each one as the owner, and fails when a route changed the tenant's data
without writing an audit row under the person who did it, or has no case here (a new route
must be walked). SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pyotp
from litestar.testing import AsyncTestClient

from salonkeep.core import staff as staff_service
from salonkeep.core.aftercare import programmes
from salonkeep.core.aftercare.tables import Touchpoint
from salonkeep.core.apikeys.tables import ApiKey
from salonkeep.core.audit.tables import AuditEvent
from salonkeep.core.catalogue.tables import CatalogueService
from salonkeep.core.cli.apikeys import apikey_app
from salonkeep.core.cli.main import branch_app, staff_app
from salonkeep.core.cli.programmes import programme_app
from salonkeep.core.delivery import templates
from salonkeep.core.tenant_backup import tenant_tables
from salonkeep.tenants import scoped
from salonkeep.tenants.context import tenant_scope
from salonkeep.tenants.db import unit_of_work
from salonkeep.tenants.onboarding import add_branch, add_staff
from salonkeep.tenants.tables import Tenant
from salonkeep.web.app import create_app

from ..conftest import run_cli
from ..delivery.helpers import add_client, queue
from .staff_helpers import PASSWORD, csrf_of, sign_in
from .visible_text import visible_text

#: The routes that change staff, branches, an account or settings (POST, by path prefix).
WALKED_PREFIXES = ("/app/admin/", "/app/account/", "/app/calendar/hours", "/app/calendar/policy")


def walked_routes(app: Any) -> set[str]:
    """The paths of the app's POST routes the walk must cover."""
    found = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if "POST" in handler.http_methods and route.path.startswith(WALKED_PREFIXES):
                found.add(route.path)
    return found


@dataclass
class Walk:
    """What the cases need: the tenant, the people and things to change, the open client."""

    world: Any
    client: Any
    token: str
    colleague: uuid.UUID
    messages: list[uuid.UUID] = field(default_factory=list)

    def db(self, work: Callable[..., Awaitable[Any]], *args: Any) -> Any:
        """Run ``work(*args)`` on the app's event loop, where its database engine lives while
        the client is open."""
        return self.client.blocking_portal.call(work, *args)


@dataclass(frozen=True)
class Step:
    """One request of a case: the address, the form and an uploaded file."""

    url: str
    data: dict[str, Any]
    files: dict[str, Any] | None = None


Case = Callable[[Walk], Awaitable[Step]]


async def _programme_flip(walk: Walk) -> Step:
    async def enabled() -> bool:
        with tenant_scope(walk.world.ctx):
            states = await programmes.list_programmes()
        return next(s for s in states if s.programme.name == "follow_up_137").enabled

    return Step("/app/admin/programmes/follow_up_137", {"enabled": "0" if walk.db(enabled) else "1"})


async def _template(walk: Walk) -> Step:
    name = templates.built_in_names()[0]
    built_in = (templates.FOLDER / f"{name}.en.txt").read_text(encoding="utf-8")
    return Step(
        "/app/admin/templates",
        {"name": name, "language": "en", "action": "save", "text": built_in + "\nSee you soon."},
    )


def _service_id(walk: Walk) -> uuid.UUID:
    return walk.db(_find_service, walk.world)


async def _find_service(world: Any) -> uuid.UUID:
    async with unit_of_work(world.ctx):
        row = (
            await scoped.select(CatalogueService, CatalogueService.id)
            .where(CatalogueService.name == "Walk facial")
            .first()
        )
    return row["id"]


async def _change_service(walk: Walk) -> Step:
    service = _service_id(walk)
    data = {"name": "Walk facial", "category": "facial", "price": "55.00", "duration_minutes": "45"}
    return Step(f"/app/admin/catalogue/services/{service}", data)


async def _branch_item(walk: Walk) -> Step:
    data = {
        "branch_id": str(walk.world.branch_id),
        "kind": "service",
        "item_id": str(_service_id(walk)),
    }
    return Step("/app/admin/catalogue/branch", {**data, "price": "49.00"})


async def _totp(walk: Walk) -> Step:
    page = (await walk.client.get("/app/account/totp")).text
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page)
    assert secret, "the set-up page shows the secret"
    code = pyotp.TOTP(secret.group(1)).now()
    return Step("/app/account/totp", {"code": code})


def _fixed(url: str, data: dict[str, Any], files: dict[str, Any] | None = None) -> Case:
    async def case(walk: Walk) -> Step:
        return Step(url.format(walk=walk), data, files)

    return case


POLICY = {
    name: f"Answer about {name}" for name in ("collected", "purposes", "recipients", "choices", "complaints")
}
STAFF_CSV = "name,email,role,branch\nIlona Import,ilona-{slug}@example.com,reception,Main street\n"

#: Path (as in the route table) → the change it makes, in the order walked (one's own
#: sessions end last).
CASES: dict[str, Case] = {
    "/app/admin/staff": _fixed(
        "/app/admin/staff",
        {
            "email": "walk-invite@example.com",
            "name": "Walk Invite",
            "role": "reception",
            "branch": "Main street",
        },
    ),
    "/app/admin/staff/{staff_id:uuid}/role": _fixed(
        "/app/admin/staff/{walk.colleague}/role", {"role": "reception"}
    ),
    "/app/admin/staff/{staff_id:uuid}/branches": _fixed(
        "/app/admin/staff/{walk.colleague}/branches", {"branch": ["Main street", "Harbour"]}
    ),
    "/app/admin/staff/{staff_id:uuid}/active": _fixed(
        "/app/admin/staff/{walk.colleague}/active", {"active": "0"}
    ),
    "/app/admin/staff/import": lambda walk: _fixed(
        "/app/admin/staff/import",
        {},
        {"file": ("staff.csv", STAFF_CSV.format(slug=walk.world.slug).encode(), "text/csv")},
    )(walk),
    "/app/admin/branches": _fixed("/app/admin/branches", {"name": "Seaside", "address": "Beach road 2"}),
    "/app/admin/settings": _fixed(
        "/app/admin/settings", {"idle_lock_seconds": "600", "share_clients_chain_wide": "1"}
    ),
    "/app/admin/settings/break-glass": _fixed(
        "/app/admin/settings/break-glass", {"break_glass_minutes": "20", "break_glass_off_reception": "1"}
    ),
    "/app/admin/settings/survey": _fixed(
        "/app/admin/settings/survey",
        {"survey_send": "1", "survey_after_hours": "48", "survey_low_score": "2"},
    ),
    "/app/admin/settings/privacy": _fixed(
        "/app/admin/settings/privacy",
        {"reconsent_mode": "pause_marketing", "confidentiality_version": "1", "reminder_days": "14"},
    ),
    "/app/admin/privacy-policy": _fixed("/app/admin/privacy-policy", {**POLICY, "locale": "en"}),
    "/app/admin/programmes/{name:str}": _programme_flip,
    "/app/admin/templates": _template,
    "/app/admin/messages/{message_id:uuid}/{verb:str}": _fixed(
        "/app/admin/messages/{walk.messages[0]}/retry", {}
    ),
    "/app/admin/catalogue/services": _fixed(
        "/app/admin/catalogue/services", {"name": "Walk facial", "category": "facial", "price": "50.00"}
    ),
    "/app/admin/catalogue/services/{service_id:uuid}": _change_service,
    "/app/admin/catalogue/products": _fixed(
        "/app/admin/catalogue/products", {"name": "Walk serum", "category": "treatment", "price": "20.00"}
    ),
    "/app/admin/catalogue/categories": _fixed(
        "/app/admin/catalogue/categories", {"kind": "service", "code": "walk_care", "label": "Walk care"}
    ),
    "/app/admin/catalogue/branch": _branch_item,
    "/app/calendar/hours": lambda walk: _fixed(
        "/app/calendar/hours",
        {
            "branch": str(walk.world.branch_id),
            "staff_id": str(walk.world.owner_id),
            "weekday": "0",
            "starts": "09:00",
            "ends": "17:00",
        },
    )(walk),
    "/app/calendar/policy": _fixed(
        "/app/calendar/policy", {"late_cancel_notice_hours": "12", "salon_cancel_gesture": "A free coffee"}
    ),
    "/app/account/language": _fixed("/app/account/language", {"locale": "fi"}),
    "/app/account/pin": _fixed("/app/account/pin", {"pin": "4827"}),
    "/app/account/totp": _totp,
    "/app/account/totp/remove": _fixed("/app/account/totp/remove", {}),
    "/app/account/password": _fixed(
        "/app/account/password",
        {
            "old_password": PASSWORD,
            "new_password": "An0ther-Passw0rd",
            "new_password_again": "An0ther-Passw0rd",
        },
    ),
    "/app/account/sign-out-everywhere": _fixed("/app/account/sign-out-everywhere", {}),
}


async def _state(world: Any) -> dict[str, str]:
    """A digest of every tenant table (the audit trail aside) and the tenant's settings."""
    digests: dict[str, str] = {}
    async with unit_of_work(world.ctx):
        for table in tenant_tables():
            if table is AuditEvent:
                continue
            rows = await scoped.rows(table, "*", order_by="id")
            digests[table._meta.tablename] = hashlib.sha256(
                json.dumps(rows, default=str, sort_keys=True).encode()
            ).hexdigest()
        tenant = await Tenant.select(Tenant.settings).where(Tenant.id == world.ctx.tenant_id).first()
    digests["tenant.settings"] = hashlib.sha256(str(tenant["settings"]).encode()).hexdigest()
    return digests


async def _audit_ids(world: Any, *, actor_label: str | None = None) -> set[uuid.UUID]:
    """The audit rows that record a change (not the views and searches of a page) by the
    owner, or by ``actor_label`` (the CLI's rows are signed ``cli``)."""
    who = AuditEvent.actor_label == actor_label if actor_label else AuditEvent.actor_id == world.owner_id
    async with unit_of_work(world.ctx):
        rows = await scoped.select(AuditEvent, AuditEvent.id, AuditEvent.action).where(who)
    return {row["id"] for row in rows if row["action"] not in ("view", "search")}


async def _setting_up(world: Any) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """A second branch, a colleague to administer and a failed message to retry."""
    with tenant_scope(world.ctx):
        await add_branch(name="Harbour")
        colleague, _ = await add_staff(
            email=f"walk-colleague@{world.slug}.example",
            name="Walk Colleague",
            role="practitioner",
            branch_names=["Main street"],
            password=PASSWORD,
            agreement_signed=True,
        )
    client = await add_client(world)
    failed = await queue(world, client.id)
    async with unit_of_work(world.ctx):
        await scoped.update_rows(Touchpoint, "status = 'failed'", "id = {}", failed[0])
    return colleague.id, failed


async def test_every_admin_and_settings_route_audits_the_change_it_makes(backend, tenant_a):
    app = create_app(backend.settings)
    routes = walked_routes(app)
    assert routes, "the route table has admin routes"
    assert sorted(routes - set(CASES)) == [], "a route that changes staff or settings has no walk case"
    assert sorted(set(CASES) - routes) == [], "a walk case for a route that is gone"
    colleague, failed = await _setting_up(tenant_a)
    problems: list[str] = []
    async with AsyncTestClient(app) as client:
        await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example")
        token = csrf_of((await client.get("/app/account")).text)
        walk = Walk(tenant_a, client, token, colleague, failed)
        for path, case in CASES.items():
            step = await case(walk)
            state, audited = walk.db(_state, tenant_a), walk.db(_audit_ids, tenant_a)
            response = await client.post(
                step.url, data={**step.data, "_csrf_token": token}, files=step.files, follow_redirects=False
            )
            if response.status_code >= 400:
                problems.append(
                    f"{path}: the change was refused ({response.status_code}) {response.text[-600:]}"
                )
                continue
            after = walk.db(_state, tenant_a)
            changed = [name for name, digest in after.items() if state.get(name) != digest]
            new_rows = walk.db(_audit_ids, tenant_a) - audited
            if not changed:
                problems.append(f"{path}: the case changed nothing (make it change something)")
            elif not new_rows:
                problems.append(f"{path}: changed {', '.join(changed)} without an audit row")
    assert problems == []


#: The CLI's groups of commands about staff, branches, API keys and programme settings.
CLI_GROUPS = {"staff": staff_app, "branch": branch_app, "apikey": apikey_app, "programme": programme_app}
#: Their commands that only read.
CLI_READ_ONLY = {"staff list", "branch list", "apikey list", "programme list", "programme preview"}


async def _key_id(world: Any) -> str:
    async with unit_of_work(world.ctx):
        row = await scoped.select(ApiKey, ApiKey.id).where(ApiKey.name == "Walk booking site").first()
    return str(row["id"])


def _cli_cases(world: Any, csv_path: Any) -> dict[str, Callable[[], Awaitable[list[str]]]]:
    """Command → its arguments making a real change, in the order run."""
    t = ["-t", world.slug]

    def fixed(*args: str) -> Callable[[], Awaitable[list[str]]]:
        async def case() -> list[str]:
            return [*args[:2], *t, *args[2:]]

        return case

    async def revoke() -> list[str]:
        return ["apikey", "revoke", *t, "--id", await _key_id(world)]

    return {
        "staff add": fixed(
            "staff",
            "add",
            "--email",
            "cli-walk@example.com",
            "--name",
            "Cli Walk",
            "--role",
            "reception",
            "--branch",
            "Main street",
        ),
        "staff import": fixed("staff", "import", "--file", str(csv_path)),
        "staff hours": fixed(
            "staff",
            "hours",
            "--staff",
            f"owner@{world.slug}.example",
            "--day",
            "tue",
            "--from",
            "10:00",
            "--to",
            "18:00",
        ),
        "branch add": fixed("branch", "add", "--name", "Cli branch", "--time-zone", "Europe/Stockholm"),
        "apikey create": fixed("apikey", "create", "--name", "Walk booking site", "--role", "owner"),
        "apikey revoke": revoke,
        "programme disable": fixed("programme", "disable", "follow_up_137"),
        "programme enable": fixed("programme", "enable", "follow_up_137"),
        "programme set": fixed("programme", "set", "follow_up_137", "max_attempts", "5"),
    }


async def test_every_cli_command_that_changes_staff_or_settings_is_audited(backend, tenant_a, tmp_path):
    csv_path = tmp_path / "staff.csv"
    csv_path.write_text(
        f"name,email,role,branch\nCli Import,cli-import@{tenant_a.slug}.example,reception,Main street\n"
    )
    cases = _cli_cases(tenant_a, csv_path)
    commands = {
        f"{group} {command.name or command.callback.__name__}"
        for group, app in CLI_GROUPS.items()
        for command in app.registered_commands
    }
    assert sorted(commands - set(cases) - CLI_READ_ONLY) == [], (
        "a CLI command that may change state has no case"
    )
    problems: list[str] = []
    for name, case in cases.items():
        args = await case()
        state, audited = await _state(tenant_a), await _audit_ids(tenant_a, actor_label="cli")
        result = run_cli(*args, env=backend.env)
        if result.returncode != 0:
            problems.append(f"{name}: refused: {result.stdout}{result.stderr}")
            continue
        changed = [table for table, digest in (await _state(tenant_a)).items() if state.get(table) != digest]
        if not changed:
            problems.append(f"{name}: the case changed nothing")
        elif not await _audit_ids(tenant_a, actor_label="cli") - audited:
            problems.append(f"{name}: changed {', '.join(changed)} without an audit row")
    assert problems == []


async def test_the_privacy_audit_screen_says_who_changed_what_in_plain_words(backend, tenant_a):
    owner = dataclasses.replace(tenant_a.ctx, role="owner", actor_id=tenant_a.owner_id, actor_label="Owner")
    with tenant_scope(tenant_a.ctx):
        colleague, _ = await add_staff(
            email=f"screen@{tenant_a.slug}.example",
            name="Screen",
            role="practitioner",
            branch_names=["Main street"],
        )
    with tenant_scope(owner):
        await staff_service.update_security_settings({"idle_lock_seconds": 600})
        await staff_service.change_role(colleague.id, "reception")
    async with AsyncTestClient(create_app(backend.settings)) as client:
        await sign_in(client, tenant_a.slug, f"owner@{tenant_a.slug}.example")
        settings = (await client.get("/app/privacy/audit?action=settings.change")).text
        staff = (await client.get("/app/privacy/audit?action=staff.change")).text
        token = csrf_of(settings)
        await client.post("/app/account/language", data={"locale": "fi", "_csrf_token": token})
        finnish = (await client.get("/app/privacy/audit?action=staff.change")).text
    # Filtered by the kind of event, each row in plain words with the values before and after.
    assert set(re.findall(r'<tr data-action="([^"]+)"', settings)) == {"settings.change"}
    assert set(re.findall(r'<tr data-action="([^"]+)"', staff)) == {"staff.change"}
    assert "Screen lock after (seconds): 300 → 600" in visible_text(settings)
    assert "Settings changed" in visible_text(settings) and "settings.change" not in visible_text(settings)
    assert "idle_lock_seconds" not in visible_text(settings)
    assert "Role: Practitioner → Reception" in visible_text(staff)
    assert "Rooli: Kosmetologi → Vastaanotto" in visible_text(finnish)
