"""Client records: create, read, search and update, for the current tenant and role.

Every function reads the tenant context, checks the role (:mod:`salonkeep.core.access`),
limits branch-scoped roles to their branches, and returns :class:`ClientView` objects that
hold only the fields the role may see (the others are ``None`` and listed in ``hidden``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from piccolo.columns.combination import Combinable

from salonkeep.core import audit, events
from salonkeep.core.access import (
    HEALTH_FIELDS,
    SENSITIVE_FIELDS,
    TREATMENT_FIELDS,
    Action,
    BranchScope,
    Forbidden,
    can,
    current_branch_scope,
    require,
    sees_health_data,
    visible_client_fields,
)
from salonkeep.core.clients.search import MAX_TERM, client_terms, normalise, query_words, upper_bound
from salonkeep.core.clients.tables import (
    CLIENT_KINDS,
    Client,
    ClientSearchTerm,
    client_row,
    visible_client_row,
)
from salonkeep.core.formatting import local_date
from salonkeep.core.keys.service import decrypt_fields, encrypt_fields, seal_new_clients
from salonkeep.core.privacy import break_glass
from salonkeep.tenants import clock, read_request, scoped, validation
from salonkeep.tenants.context import TenantContext, current
from salonkeep.tenants.db import execute, get_engine, is_postgres, unit_of_work
from salonkeep.tenants.errors import ValidationFailed
from salonkeep.tenants.messages import codes, field_message
from salonkeep.tenants.onboarding import get_tenant
from salonkeep.tenants.tables import Branch, Tenant


@dataclass
class ClientInput:
    """What staff enter for a client. Empty strings mean "not given"; for the needs and health
    fields ``None`` means "leave unchanged" (roles that cannot see them never send them)."""

    branch_id: UUID
    first_name: str
    last_name: str = ""
    date_of_birth: date | None = None
    phone: str = ""
    email: str = ""
    kind: str = "new"
    needs: str | None = None
    allergies: str | None = None
    health_notes: str | None = None
    id_number: str | None = None
    treatment_notes: str | None = None


#: Client fields kept encrypted at rest: field name → column holding its ciphertext.
ENCRYPTED_COLUMNS: dict[str, str] = {name: f"{name}_enc" for name in sorted(SENSITIVE_FIELDS)}
_FREE_TEXT = ("needs", "allergies", "health_notes", "id_number", "treatment_notes")
_MAX_LENGTH = {"id_number": 64}


@dataclass(frozen=True)
class ClientView:
    """A client as the acting role may see it."""

    id: UUID
    branch_id: UUID
    first_name: str
    last_name: str
    kind: str | None
    date_of_birth: date | None
    phone: str | None
    email: str | None
    preferred_locale: str | None
    needs: str | None
    allergies: str | None
    health_notes: str | None
    created_at: datetime
    updated_at: datetime
    hidden: frozenset[str] = field(default_factory=frozenset)
    id_number: str | None = None
    treatment_notes: str | None = None
    restricted: bool = False
    erased: bool = False
    #: Set while the client is seen through an open break-glass grant: when it ends.
    break_glass_until: datetime | None = None

    @property
    def full_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}".strip()


_OPTIONAL_FIELDS = (
    "kind",
    "date_of_birth",
    "phone",
    "email",
    "preferred_locale",
    "needs",
    "allergies",
    "health_notes",
    "id_number",
    "treatment_notes",
)


def to_view(
    client: Client,
    ctx: TenantContext,
    clear: dict[str, str] | None = None,
    extra: frozenset[str] = frozenset(),
) -> ClientView:
    """The role-filtered view of a client row. ``clear`` holds the decrypted sensitive fields
    (see :func:`clear_fields`); without it they show as ``None``. ``extra`` are fields shown
    beyond the role's (an open break-glass grant's health fields)."""
    visible = visible_client_fields(ctx) | extra
    clear = clear or {}

    def pick(name: str) -> Any:
        if name not in visible:
            return None
        if name in SENSITIVE_FIELDS:
            return clear.get(name)
        return getattr(client, name)

    hidden = frozenset(name for name in _OPTIONAL_FIELDS if name not in visible)
    return ClientView(
        id=client.id,
        branch_id=client.branch_id,
        first_name=client.first_name,
        last_name=client.last_name,
        kind=pick("kind"),
        date_of_birth=pick("date_of_birth"),
        phone=pick("phone"),
        email=pick("email"),
        preferred_locale=pick("preferred_locale"),
        needs=pick("needs"),
        allergies=pick("allergies"),
        health_notes=pick("health_notes"),
        created_at=client.created_at,
        updated_at=client.updated_at,
        hidden=hidden,
        id_number=pick("id_number"),
        treatment_notes=pick("treatment_notes"),
        restricted=bool(client.restricted),
        erased=client.erased_at is not None,
    )


async def clear_fields(
    ctx: TenantContext, client: Client, extra: frozenset[str] = frozenset()
) -> dict[str, str]:
    """Decrypt the sensitive fields of ``client`` that the context may see (inside a unit of
    work), plus ``extra`` ones. Nothing is decrypted for roles that see none of them."""
    visible = visible_client_fields(ctx) | extra
    wanted = {name: getattr(client, column) for name, column in ENCRYPTED_COLUMNS.items() if name in visible}
    if not any(wanted.values()):
        return {name: "" for name in wanted}
    return await decrypt_fields(ctx, client.id, wanted)


async def _view(ctx: TenantContext, client: Client, extra: frozenset[str] = frozenset()) -> ClientView:
    return to_view(client, ctx, await clear_fields(ctx, client, extra), extra)


async def _validated(ctx: TenantContext, data: ClientInput) -> dict[str, Any]:
    return check_client_input(ctx, await get_tenant(ctx.tenant_id), data)


def check_client_input(ctx: TenantContext, tenant: Tenant, data: ClientInput) -> dict[str, Any]:
    """The cleaned fields of ``data`` for a client of ``tenant`` (phone and e-mail normalised),
    or :class:`ValidationFailed` naming every bad field; :class:`Forbidden` when the role may
    not write a health field. Reads nothing: importers check every row with it first."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {
        "branch_id": data.branch_id,
        "last_name": data.last_name.strip(),
        "date_of_birth": data.date_of_birth,
        "phone": "",
        "email": "",
        "kind": data.kind,
    }
    try:
        clean["first_name"] = validation.required_text(data.first_name, "first_name", 100)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if len(clean["last_name"]) > 100:
        errors["last_name"] = "must be at most 100 characters"
    if data.phone.strip():
        try:
            clean["phone"] = validation.phone(data.phone, tenant.country)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if data.email.strip():
        try:
            clean["email"] = validation.email(data.email)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if data.kind not in CLIENT_KINDS:
        errors["kind"] = field_message("choose one of {choices}", choices=codes(CLIENT_KINDS, "client_kind"))
    if data.date_of_birth and data.date_of_birth > local_date(clock.now(), tenant.time_zone):
        errors["date_of_birth"] = "is in the future"
    elif data.date_of_birth:
        try:
            validation.plausible_year(data.date_of_birth, "date_of_birth")
        except ValidationFailed as exc:
            errors.update(exc.errors)
    for name in _FREE_TEXT:
        value = getattr(data, name)
        if value is None:
            continue
        if name in HEALTH_FIELDS | TREATMENT_FIELDS and not can(ctx, Action.CLIENT_EDIT_HEALTH):
            raise Forbidden(f"the role {ctx.role!r} may not change health information")
        if name not in visible_client_fields(ctx):
            raise Forbidden(f"the role {ctx.role!r} may not change {name}")
        limit = _MAX_LENGTH.get(name, 5000)
        if len(value) > limit:
            errors[name] = field_message("must be at most {limit} characters", limit=limit)
        clean[name] = value.strip()
    if errors:
        raise ValidationFailed(errors)
    return clean


async def _write_terms(ctx: TenantContext, client: Client, *, replace: bool) -> None:
    """(Re)write the search terms of ``client`` (inside the unit of work that writes it)."""
    if replace:
        await scoped.delete(ClientSearchTerm).where(ClientSearchTerm.client_id == client.id)
    terms = client_terms(client.first_name, client.last_name or "", client.phone or "")
    await scoped.insert(
        *[scoped.new(ClientSearchTerm, client_id=client.id, term=term) for term in sorted(terms)]
    )


async def _check_branch(branch_id: UUID, scope: BranchScope) -> None:
    if not scope.allows(branch_id) or not await scoped.exists(Branch, Branch.id == branch_id):
        raise ValidationFailed({"branch_id": "no such branch"})


async def create_client(data: ClientInput) -> ClientView:
    """Register a client of the current tenant."""
    ctx = current()
    require(ctx, Action.CLIENT_CREATE)
    clean = await _validated(ctx, data)
    scope = await current_branch_scope(ctx)
    async with unit_of_work(ctx):
        await _check_branch(data.branch_id, scope)
        now = clock.now()
        client_id = uuid4()
        plain = {k: v for k, v in clean.items() if k not in SENSITIVE_FIELDS}
        secret = {k: v for k, v in clean.items() if k in SENSITIVE_FIELDS}
        client = scoped.new(Client, **plain, id=client_id, created_at=now, updated_at=now)
        await scoped.insert(client)
        await _write_terms(ctx, client, replace=False)
        if any(secret.values()):
            # The client's data key refers to the client row, so it comes second.
            sealed = await encrypt_fields(ctx, client_id, secret)
            for name, value in sealed.items():
                setattr(client, ENCRYPTED_COLUMNS[name], value)
            await client.save([getattr(Client, ENCRYPTED_COLUMNS[name]) for name in sealed])
        await audit.record(
            audit.AuditAction.CREATE,
            client_id=client.id,
            fields=[k for k, v in clean.items() if v not in ("", None)],
            ctx=ctx,
        )
        await events.publish(
            events.ClientRegistered(
                tenant_id=ctx.tenant_id, client_id=client.id, branch_id=client.branch_id, occurred_at=now
            )
        )
        view = to_view(client, ctx, {name: secret.get(name, "") for name in SENSITIVE_FIELDS})
    return view


@dataclass(frozen=True)
class PossibleDuplicate:
    """An existing client with the same phone or e-mail as the one being entered."""

    id: UUID
    full_name: str
    #: The fields that match: ``phone``, ``email`` or both.
    matched: tuple[str, ...]


def _normalised(value: str, check: Any) -> str:
    """``value`` as stored (E.164 phone, lower-cased e-mail), or "" when it is not valid (the
    save reports that)."""
    if not value.strip():
        return ""
    try:
        return str(check(value))
    except ValidationFailed:
        return ""


async def find_duplicates(
    phone: str = "", email: str = "", exclude: UUID | None = None
) -> list[PossibleDuplicate]:
    """Clients in the person's branch scope (not erased, not ``exclude``) whose phone or
    e-mail is the same as ``phone`` or ``email`` once normalised as a save would store them
    (``040 123 4567`` is ``+358401234567`` for a Finnish tenant; e-mail case is ignored).
    Clients out of scope are never named. One audit event (the fields compared, no values)."""
    ctx = current()
    require(ctx, Action.CLIENT_CREATE)
    tenant = await get_tenant(ctx.tenant_id)
    wanted_phone = _normalised(phone, lambda v: validation.phone(v, tenant.country))
    wanted_email = _normalised(email, validation.email)
    if not wanted_phone and not wanted_email:
        return []
    scope = await current_branch_scope(ctx)
    same = [Client.phone == wanted_phone] if wanted_phone else []
    same += [Client.email == wanted_email] if wanted_email else []
    condition = same[0] if len(same) == 1 else (same[0] | same[1])
    async with unit_of_work(ctx):
        query = scope.restrict(scoped.objects(Client), Client.branch_id).where(
            condition, Client.erased_at.is_null()
        )
        if exclude is not None:
            query = query.where(Client.id != exclude)
        rows = await query.order_by(Client.last_name).limit(10)
        await audit.record(
            audit.AuditAction.SEARCH,
            subject="client_duplicate_check",
            fields=[name for name, value in (("phone", wanted_phone), ("email", wanted_email)) if value],
            reason=f"{len(rows)} results",
            ctx=ctx,
        )
    return [
        PossibleDuplicate(
            id=row.id,
            full_name=f"{row.first_name} {row.last_name}".strip(),
            matched=tuple(
                name
                for name, stored, entered in (
                    ("phone", row.phone, wanted_phone),
                    ("email", row.email, wanted_email),
                )
                if entered and stored == entered
            ),
        )
        for row in rows
    ]


#: Clients written per round of :func:`create_clients_bulk` (progress is reported per round).
BULK_ROUND = 1000


@dataclass(frozen=True)
class CheckedClient:
    """A :class:`ClientInput` that :func:`check_input` accepted, with its cleaned fields: an
    importer checks every row once and hands these to :func:`create_clients_bulk`."""

    input: ClientInput
    clean: dict[str, Any]
    tenant_id: UUID


def check_input(ctx: TenantContext, tenant: Tenant, data: ClientInput) -> CheckedClient:
    """:func:`check_client_input` kept with its input (raises the same errors)."""
    return CheckedClient(data, check_client_input(ctx, tenant, data), tenant.id)


async def create_clients_bulk(
    rows: Sequence[ClientInput | CheckedClient],
    *,
    reason: str = "import",
    progress: Callable[[int], Awaitable[None]] | None = None,
) -> list[UUID]:
    """Register many clients of the current tenant at once (an import): every row checked as
    :func:`create_client` checks it (rows given as :class:`CheckedClient` were checked
    already, by :func:`check_input` for this tenant), then multi-row inserts of the clients,
    their wrapped data keys (health fields encrypted in one pass), search terms and one
    ``create`` audit event each, in one unit of work: all of them or none.

    Unlike :func:`create_client` it publishes no ``ClientRegistered`` event: imported clients
    are history, not new registrations, so no programme plans a welcome for them; the daily
    planning sweep (:mod:`salonkeep.core.aftercare.planning`) plans their yearly touchpoints
    like everyone else's. ``progress`` is awaited with the count written after every round of
    :data:`BULK_ROUND` clients; an exception it raises (a cancellation) rolls everything back.
    Returns the new ids in the order of ``rows``.
    """
    ctx = current()
    require(ctx, Action.CLIENT_CREATE)
    tenant = await get_tenant(ctx.tenant_id)
    cleaned: list[dict[str, Any]] = []
    for number, data in enumerate(rows, start=1):
        if isinstance(data, CheckedClient) and data.tenant_id == tenant.id:
            cleaned.append(data.clean)
            continue
        try:
            plain = data.input if isinstance(data, CheckedClient) else data
            cleaned.append(check_client_input(ctx, tenant, plain))
        except ValidationFailed as exc:
            raise ValidationFailed({f"row {number} {k}": v for k, v in exc.errors.items()}) from None
    scope = await current_branch_scope(ctx)
    ids = [uuid4() for _ in cleaned]
    async with unit_of_work(ctx):
        for branch_id in {clean["branch_id"] for clean in cleaned}:
            await _check_branch(branch_id, scope)
        now = clock.now()
        for start in range(0, len(cleaned), BULK_ROUND):
            part = list(
                zip(ids[start : start + BULK_ROUND], cleaned[start : start + BULK_ROUND], strict=True)
            )
            await _insert_round(ctx, part, now, reason)
            if progress is not None:
                await progress(start + len(part))
    return ids


async def _insert_round(
    ctx: TenantContext, part: list[tuple[UUID, dict[str, Any]]], now: datetime, reason: str
) -> None:
    secrets = {cid: {k: clean.get(k) or "" for k in SENSITIVE_FIELDS} for cid, clean in part}
    sealed = await seal_new_clients(ctx, secrets)
    clients: list[dict[str, object]] = []
    terms: list[dict[str, object]] = []
    audits: list[audit.AuditItem] = []
    for client_id, clean in part:
        row: dict[str, object] = {
            "id": client_id,
            "branch_id": clean["branch_id"],
            "first_name": clean["first_name"],
            "last_name": clean["last_name"],
            "date_of_birth": clean["date_of_birth"],
            "phone": clean["phone"],
            "email": clean["email"],
            "kind": clean["kind"],
            "needs": clean.get("needs") or "",
            "created_at": now,
            "updated_at": now,
        }
        for name, column in ENCRYPTED_COLUMNS.items():
            row[column] = sealed.fields[client_id].get(name, "")
        clients.append(row)
        for term in sorted(client_terms(clean["first_name"], clean["last_name"], clean["phone"])):
            terms.append({"id": uuid4(), "client_id": client_id, "term": term})
        given = tuple(k for k, v in clean.items() if v not in ("", None))
        audits.append(audit.AuditItem(str(audit.AuditAction.CREATE), client_id, fields=given, reason=reason))
    await scoped.insert_many(Client, clients)
    await sealed.store()
    await scoped.insert_many(ClientSearchTerm, terms, chunk=1000)
    await audit.record_many(audits, ctx=ctx)


async def get_client(client_id: UUID, fields: Iterable[str] | None = None) -> ClientView:
    """One client of the current tenant; NotFound for any other id or one out of scope.

    Writes one audit event (``view``, with the names of the fields shown) in the same unit of
    work as the read. ``fields``: only these of the fields the person may see are returned
    (and so audited), e.g. a page section that shows part of the record; names always are.
    """
    ctx = current()
    async with unit_of_work(ctx):
        view = await _visible(ctx, client_id)
        if fields is not None:
            view = only_fields(view, fields)
        reason = break_glass.VIEW_REASON if view.break_glass_until is not None else ""
        await audit.record(
            audit.AuditAction.VIEW, client_id=view.id, fields=_shown(view), reason=reason, ctx=ctx
        )
    return view


async def load_visible(client_id: UUID) -> ClientView:
    """Like :func:`get_client` but writes no audit event: for services that audit their own
    action on the client (recording a visit, reading a history)."""
    ctx = current()
    async with unit_of_work(ctx):
        return await _visible(ctx, client_id)


async def _visible(ctx: TenantContext, client_id: UUID) -> ClientView:
    """The client as ``ctx`` may see it; read once per read-only request (the profile page's
    panels all ask for it)."""
    require(ctx, Action.CLIENT_VIEW)
    request = read_request.active()
    key = ("client.view", ctx.tenant_id, ctx.actor_id, ctx.role, ctx.branch_ids, client_id)
    if request is not None and key in request.memo:
        return request.memo[key]
    client = await client_row(client_id)
    scope = await current_branch_scope(ctx)
    outside = not scope.allows(client.branch_id)
    grant = None
    if outside or not sees_health_data(ctx):
        grant = await break_glass.active_grant(ctx, client.id)
    if outside and grant is None:
        # A branch-scoped person sees only clients of their branches: the same answer as an
        # unknown id, so nothing tells them the client exists.
        scope.check(client.branch_id)
    if grant is None:
        view = await _view(ctx, client)
    else:
        view = replace(await _view(ctx, client, HEALTH_FIELDS), break_glass_until=grant.expires_at)
    if request is not None:
        request.memo[key] = view
    return view


def only_fields(view: ClientView, fields: Iterable[str]) -> ClientView:
    """``view`` with every optional field not in ``fields`` left out (``None`` and hidden)."""
    keep = frozenset(fields)
    dropped: dict[str, Any] = {name: None for name in _OPTIONAL_FIELDS if name not in keep}
    return replace(view, **dropped, hidden=view.hidden | frozenset(dropped))


def _shown(view: ClientView) -> list[str]:
    return sorted((visible_field_names() - view.hidden) | {"first_name", "last_name"})


def visible_field_names() -> frozenset[str]:
    """Every client field a :class:`ClientView` can show."""
    return frozenset(
        {"first_name", "last_name", "kind", "date_of_birth", "phone", "email", "preferred_locale"}
        | {"needs", "allergies", "health_notes", "id_number", "treatment_notes"}
    )


def _starting_with(word: str) -> Combinable:
    """Clients with a search term starting with ``word``: a range on the term index, with
    leakproof comparisons only, so PostgreSQL uses the index under row-level security."""
    terms = scoped.select(ClientSearchTerm, ClientSearchTerm.client_id).where(
        (ClientSearchTerm.term >= word) & (ClientSearchTerm.term < upper_bound(word))
    )
    return Client.id.is_in(terms)


def _matching(query: Any, q: str) -> Any:
    """``query`` (of clients) limited to those matching every word of ``q``."""
    if q:
        for word in query_words(q) or [normalise(q)[:MAX_TERM]]:
            query = query.where(_starting_with(word))
    return query


async def search_clients(query: str = "", limit: int = 20, offset: int = 0) -> list[ClientView]:
    """Clients in scope with, for every word of ``query``, a name word or phone number
    starting with it (case and accents ignored; phone digits in international or national
    form), by name; ``offset`` skips that many (pages of a long list)."""
    ctx = current()
    require(ctx, Action.CLIENT_VIEW)
    scope = await current_branch_scope(ctx)
    q = query.strip()
    async with unit_of_work(ctx):
        found = _matching(scope.restrict(scoped.objects(Client), Client.branch_id), q)
        if q and is_postgres(get_engine()):
            # A plan for the actual words: a generic plan (which PostgreSQL picks for a
            # prepared statement after a few runs) cannot tell "ella" (8,000 clients, walk the
            # name index) from "virtanen1234" (one client, start from the term index).
            await execute("select set_config('plan_cache_mode', 'force_custom_plan', true)")
        found = found.order_by(Client.last_name).order_by(Client.first_name).order_by(Client.id)
        rows = await found.limit(max(1, min(limit, 200))).offset(max(0, offset))
        # One event for the search (never the query text, which may be a name or a phone).
        await audit.record(
            audit.AuditAction.SEARCH,
            subject="client_search",
            fields=["first_name", "last_name", "phone"] if q else [],
            reason=f"{len(rows)} results",
            ctx=ctx,
        )
        return [await _view(ctx, row) for row in rows]


async def count_clients(query: str = "") -> int:
    """How many clients in scope :func:`search_clients` finds for ``query`` (no data is read,
    so nothing is audited)."""
    ctx = current()
    require(ctx, Action.CLIENT_VIEW)
    scope = await current_branch_scope(ctx)
    q = query.strip()
    async with unit_of_work(ctx):
        ids = _matching(scope.restrict(scoped.select(Client, Client.id), Client.branch_id), q)
        return await scoped.count(Client, Client.id.is_in(ids))


async def update_client(client_id: UUID, data: ClientInput) -> ClientView:
    """Change a client's details (all validated before anything is written)."""
    ctx = current()
    require(ctx, Action.CLIENT_EDIT)
    clean = await _validated(ctx, data)
    scope = await current_branch_scope(ctx)
    async with unit_of_work(ctx):
        client = await visible_client_row(ctx, client_id)
        if client.erased_at is not None:
            raise ValidationFailed({"client": "this client's data was erased"})
        await _check_branch(data.branch_id, scope)
        from_branch_id = client.branch_id
        secret = {k: v for k, v in clean.items() if k in SENSITIVE_FIELDS}
        old = await decrypt_fields(ctx, client.id, {k: getattr(client, ENCRYPTED_COLUMNS[k]) for k in secret})
        changed = [k for k, v in clean.items() if (old[k] if k in secret else getattr(client, k)) != v]
        for key, value in clean.items():
            if key not in secret:
                setattr(client, key, value)
        for key, value in (await encrypt_fields(ctx, client.id, secret)).items():
            setattr(client, ENCRYPTED_COLUMNS[key], value)
        client.updated_at = clock.now()
        await client.save()
        if {"first_name", "last_name", "phone"} & set(changed):
            await _write_terms(ctx, client, replace=True)
        await audit.record(audit.AuditAction.UPDATE, client_id=client.id, fields=changed, ctx=ctx)
        if client.branch_id != from_branch_id:
            await events.publish(
                events.ClientMovedBranch(
                    tenant_id=ctx.tenant_id,
                    client_id=client.id,
                    branch_id=client.branch_id,
                    occurred_at=client.updated_at,
                    from_branch_id=from_branch_id,
                )
            )
        return await _view(ctx, client)
