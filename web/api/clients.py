"""Client endpoints of the JSON API. Every call goes through the core services, which check
the key's role and tenant; an id of another tenant is simply "not found"."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.params import Parameter
from msgspec import UNSET

from salonkeep.core import consent
from salonkeep.core.aftercare import referrals
from salonkeep.core.clients import service as clients
from salonkeep.core.visits import service as visits
from salonkeep.tenants.context import current
from salonkeep.web.api.errors import BODY_ERROR_RESPONSES, ERROR_RESPONSES
from salonkeep.web.api.ids import path_id
from salonkeep.web.api.schemas import (
    ClientCreate,
    ClientOut,
    ClientPatch,
    ConsentOut,
    HistoryOut,
    ReferralIn,
    ReferralOut,
    SaleIn,
    SaleOut,
    ServiceIn,
    VisitOut,
    client_out,
    history_out,
    sale_out,
    utc,
    visit_out,
)


class ClientController(Controller):
    """Clients, and what is recorded for them."""

    path = "/clients"
    tags = ["clients"]

    @get("/", summary="Search clients by name or phone", responses=ERROR_RESPONSES)
    async def search(
        self,
        q: Annotated[str, Parameter(max_length=100, description="Part of a name or phone number.")] = "",
        limit: Annotated[int, Parameter(ge=1, le=200, description="At most this many clients.")] = 20,
    ) -> list[ClientOut]:
        """Clients the key's role and branch may see, by name."""
        return [client_out(view) for view in await clients.search_clients(q, limit)]

    @post("/", summary="Register a client", responses=BODY_ERROR_RESPONSES)
    async def create(self, data: ClientCreate) -> ClientOut:
        """Create a client; 422 names each field that was refused."""
        view = await clients.create_client(
            clients.ClientInput(
                branch_id=data.branch_id,
                first_name=data.first_name,
                last_name=data.last_name,
                date_of_birth=data.date_of_birth,
                phone=data.phone,
                email=data.email,
                kind=data.kind,
                needs=data.needs,
                allergies=data.allergies,
                health_notes=data.health_notes,
            )
        )
        return client_out(view)

    @get("/{client_id:str}", summary="One client", responses=ERROR_RESPONSES)
    async def read(self, client_id: str) -> ClientOut:
        """A client (404 for any id the key may not see, other tenants' included)."""
        return client_out(await clients.get_client(path_id(client_id, "no such client")))

    @patch("/{client_id:str}", summary="Change a client", responses=BODY_ERROR_RESPONSES)
    async def change(self, client_id: str, data: ClientPatch) -> ClientOut:
        """Change the fields sent; the others stay as they are."""
        now = await clients.get_client(path_id(client_id, "no such client"))
        given = {
            name: getattr(data, name) for name in data.__struct_fields__ if getattr(data, name) is not UNSET
        }
        merged = clients.ClientInput(
            branch_id=given.get("branch_id", now.branch_id),
            first_name=given.get("first_name", now.first_name),
            last_name=given.get("last_name", now.last_name),
            date_of_birth=given.get("date_of_birth", now.date_of_birth),
            phone=given.get("phone", now.phone or ""),
            email=given.get("email", now.email or ""),
            kind=given.get("kind", now.kind or "new"),
            needs=given.get("needs"),
            allergies=given.get("allergies"),
            health_notes=given.get("health_notes"),
        )
        return client_out(await clients.update_client(now.id, merged))

    @get(
        "/{client_id:str}/history",
        summary="A client's visits, purchases and appointments",
        responses=ERROR_RESPONSES,
    )
    async def history(self, client_id: str) -> HistoryOut:
        """Everything recorded for the client, newest first."""
        return history_out(await visits.client_history(path_id(client_id, "no such client")), current())

    @get("/{client_id:str}/consent", summary="A client's consent, per purpose", responses=ERROR_RESPONSES)
    async def consent_state(self, client_id: str) -> list[ConsentOut]:
        """The consent as it stands now: the latest ledger event per purpose (and scope)."""
        found = await clients.load_visible(path_id(client_id, "no such client"))
        state = await consent.current_state(found.id)
        return [
            ConsentOut(
                purpose=s.purpose, scope=s.scope, granted=s.granted, since=utc(s.since), channel=s.channel
            )
            for s in sorted(state.values(), key=lambda s: (s.purpose, s.scope))
        ]

    @post("/{client_id:str}/services", summary="Record a service performed", responses=BODY_ERROR_RESPONSES)
    async def record_service(self, client_id: str, data: ServiceIn) -> VisitOut:
        """Record a service performed for the client."""
        visit = await visits.record_service(
            path_id(client_id, "no such client"),
            service=data.service,
            category=data.category,
            performed_at=data.performed_at,
            notes=data.notes,
        )
        return visit_out(visit, current())

    @post("/{client_id:str}/sales", summary="Record a product sold", responses=BODY_ERROR_RESPONSES)
    async def record_sale(self, client_id: str, data: SaleIn) -> SaleOut:
        """Record a product sold to the client."""
        sale = await visits.record_sale(
            path_id(client_id, "no such client"),
            product=data.product,
            category=data.category,
            quantity=data.quantity,
            price_cents=data.price_cents,
            sold_at=data.sold_at,
        )
        return sale_out(sale)

    @post(
        "/{client_id:str}/referral", summary="Record who referred the client", responses=BODY_ERROR_RESPONSES
    )
    async def record_referral(self, client_id: str, data: ReferralIn) -> ReferralOut:
        """Record that the member ``referrer_id`` referred this client (a guest); 409 when the
        guest's referral is already recorded."""
        guest_id = path_id(client_id, "no such client")
        await referrals.record_referral(guest_id, data.referrer_id)
        return ReferralOut(guest_id=guest_id, referrer_id=data.referrer_id)
