"""Client tables (tenant tables: each has ``tenant_id`` and an RLS policy)."""

from __future__ import annotations

from typing import ClassVar

from piccolo.columns import UUID, Boolean, Column, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from salonkeep.core.access import BranchScope, QueryT, current_branch_scope
from salonkeep.tenants import scoped
from salonkeep.tenants.context import TenantContext
from salonkeep.tenants.errors import NotFound
from salonkeep.tenants.tables import Branch, Tenant

CLIENT_KINDS = ("new", "member", "guest")


class Client(Table, tablename="client"):
    """A client of a tenant, registered at a home branch.

    The ``*_enc`` columns hold AES-GCM ciphertext under the client's data key
    (:mod:`salonkeep.core.keys.service`); the services decrypt them for roles allowed to see them.
    ``restricted`` blocks processing (GDPR art. 18); ``erased_at`` marks a pseudonymised record.
    """

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    branch_id = ForeignKey(references=Branch, null=False, on_delete=OnDelete.restrict)
    first_name = Varchar(length=100, required=True)
    last_name = Varchar(length=100, default="")
    date_of_birth = Date(null=True, default=None)
    phone = Varchar(length=32, default="")
    email = Varchar(length=254, default="")
    kind = Varchar(length=16, default="new")
    needs = Text(default="")
    allergies_enc = Text(default="")
    health_notes_enc = Text(default="")
    id_number_enc = Text(default="")
    treatment_notes_enc = Text(default="")
    preferred_locale = Varchar(length=16, null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    restricted = Boolean(default=False)
    erased_at = Timestamptz(null=True, default=None)


class ClientSearchTerm(Table, tablename="client_search_term"):
    """One search term of a client (a normalised name word or the phone's digits), kept by
    :mod:`salonkeep.core.clients.service` in the unit of work that writes the client.

    A derived index, not data of its own: left out of exports, deleted on erasure."""

    #: The privacy export skips this table (it repeats the client's name and phone).
    export_excluded: ClassVar[bool] = True

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    client_id = ForeignKey(references=Client, null=False, on_delete=OnDelete.cascade)
    term = Varchar(length=100, required=True)


async def client_row(client_id: object) -> Client:
    """The current tenant's client row with ``client_id`` (no role check: services do that);
    raises NotFound. Call inside a unit of work: it is read once per unit of work (the
    services of a request and the plugin host share it; see :func:`scoped.remember`)."""
    remembered = scoped.recall(Client, client_id)
    if remembered is not None:
        return remembered
    found = await scoped.fetch(Client, "id = {}", client_id)
    if not found:
        raise NotFound("no such client")
    scoped.remember(found[0])
    return found[0]


async def visible_client_row(ctx: TenantContext, client_id: object) -> Client:
    """The tenant's client row with ``client_id`` if ``ctx`` may see its branch (the branch
    scope, :func:`salonkeep.core.access.branch_scope`); NotFound otherwise, the same answer as
    for an unknown id. No field filtering: services do that. Call inside a unit of work."""
    client = await client_row(client_id)
    (await current_branch_scope(ctx)).check(client.branch_id)
    return client


def restrict_to_clients(scope: BranchScope, query: QueryT, client_column: Column) -> QueryT:
    """``query`` (on a table keyed by client) limited to the rows of clients in ``scope``.
    Build it inside the unit of work that runs it."""
    if scope.chain_wide:
        return query
    in_scope = scope.restrict(scoped.select(Client, Client.id), Client.branch_id)
    return query.where(client_column.is_in(in_scope))  # type: ignore[return-value]


#: The states of a client import: ``uploaded`` (mapping and preview), ``queued`` (confirmed,
#: waiting for a worker), ``running``, then ``done``, ``failed`` or ``cancelled``.
IMPORT_STATES = ("uploaded", "queued", "running", "done", "failed", "cancelled")


class ClientImport(Table, tablename="client_import"):
    """One client file an owner uploaded to import (:mod:`salonkeep.core.clients.import_jobs`).

    ``file_enc`` holds the file encrypted under the tenant key until the import ends (done,
    failed or cancelled), then it is blanked; ``file_sha256`` stays so a second upload of the
    same file is recognised. ``mapping`` is a JSON object of column → field overrides.
    """

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    created_by_id = UUID(null=True, default=None)
    created_by = Varchar(length=200, default="")
    role = Varchar(length=32, default="")
    file_name = Varchar(length=200, default="")
    file_sha256 = Varchar(length=64, default="")
    file_size = Integer(default=0)
    file_enc = Text(default="")
    preset = Varchar(length=32, default="")
    mapping = Text(default="{}")
    branch = Varchar(length=100, default="")
    skip_invalid = Boolean(default=False)
    status = Varchar(length=16, default="uploaded")
    total = Integer(default=0)
    imported = Integer(default=0)
    duplicates = Integer(default=0)
    invalid = Integer(default=0)
    message = Text(default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)
