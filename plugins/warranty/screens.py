"""Warranty claims from the client page, and the printable after-sales service receipt: the
plugin's staff screens (``salonkeep_web_routes``, ``salonkeep_profile_panels``).

Imported only by the web process (the hooks import this module lazily): litestar handlers
that call the plugin's service, which checks the role and the client's branch scope.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect

from salonkeep.core.plugins.api import NotFound, PageRenderer, ValidationFailed, get_client
from salonkeep.plugins.warranty import service as warranty

#: The body of an HTML form post.
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


async def claims_section(client_id: UUID) -> dict[str, Any] | None:
    """What the claims section of the client page shows (nothing when the client has neither
    a warranty nor a claim)."""
    warranties = await warranty.warranties_of(client_id)
    claims = await warranty.claims_of(client_id)
    if not warranties and not claims:
        return None
    return {"warranties": warranties, "claims": claims}


def _uuid(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None


def _back(client_id: UUID) -> Response[Any]:
    return Redirect(f"/app/clients/{client_id}/s/warranty-claims", status_code=303)


async def _client_of_form(data: dict[str, str]) -> UUID:
    """The client named by the form, checked to be in the person's scope (else NotFound)."""
    client_id = _uuid(data.get("client", ""))
    if client_id is None:
        raise NotFound("no such client")
    return (await get_client(client_id)).id


async def _own_claim(claim_id: UUID, data: dict[str, str]) -> None:
    """NotFound unless the claim belongs to the form's client, who is in scope."""
    client_id = await _client_of_form(data)
    if claim_id not in {c.id for c in await warranty.claims_of(client_id)}:
        raise NotFound("no such claim")


@post("/warranty/claims", include_in_schema=False)
async def open_claim(data: Form) -> Response[Any]:
    """Register a claim (or a return) the client reports, with proof of purchase."""
    client_id = await _client_of_form(data)
    warranty_id = _uuid(data.get("warranty", ""))
    if warranty_id is None or warranty_id not in {w.id for w in await warranty.warranties_of(client_id)}:
        raise ValidationFailed({"warranty": "choose one of the client's products"})
    claim = await warranty.open_claim(
        warranty_id,
        proof_of_purchase=data.get("proof_of_purchase", ""),
        description=data.get("description", ""),
        channel=data.get("channel", "in_store"),
        is_return=data.get("is_return") == "1",
    )
    return _back(claim.client_id)


@post("/warranty/claims/{claim_id:uuid}/triage", include_in_schema=False)
async def triage(claim_id: UUID, data: Form) -> Response[Any]:
    """Judge the claim in scope, or exclude it with a reason."""
    await _own_claim(claim_id, data)
    claim = await warranty.triage(claim_id, exclusion_reason=data.get("exclusion_reason") or None)
    return _back(claim.client_id)


@post("/warranty/claims/{claim_id:uuid}/remedy", include_in_schema=False)
async def remedy(claim_id: UUID, data: Form) -> Response[Any]:
    """Record the remedy agreed with the client."""
    await _own_claim(claim_id, data)
    claim = await warranty.agree_remedy(claim_id, data.get("remedy", ""))
    return _back(claim.client_id)


@post("/warranty/claims/{claim_id:uuid}/complete", include_in_schema=False)
async def complete(claim_id: UUID, data: Form) -> Response[Any]:
    """Close the claim and issue the numbered receipt; show it for printing."""
    await _own_claim(claim_id, data)
    await warranty.complete(claim_id)
    return Redirect(f"/app/warranty/claims/{claim_id}/receipt", status_code=303)


@get("/warranty/claims/{claim_id:uuid}/receipt", include_in_schema=False)
async def receipt(claim_id: UUID, render_page: PageRenderer) -> Any:
    """The after-sales service receipt with its number, to print."""
    found, client_id = await warranty.receipt_of(claim_id)
    client = await get_client(client_id)  # the client must be in the person's branch scope
    return render_page("warranty/print_receipt.html", {"receipt": found, "client": client})


routes = [open_claim, triage, remedy, complete, receipt]
