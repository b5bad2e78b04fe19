"""Warranty claims: report (with proof of purchase) → triage → remedy → receipt.

Exclusions: damage by the client, accident, improper use or care, a claim after the period.
Remedies: repair, replacement, refund, compensation. A return for a quality problem within
the return window (30 days) is refunded within 15 working days of the tenant's calendar
(weekends and the country's public holidays skipped). Completing a claim issues the
after-sales service receipt with its number (``AS-<year>-<sequence>``, per tenant and year).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from salonkeep.core.plugins.api import (
    Action,
    NotFound,
    SalonFacts,
    ValidationFailed,
    current,
    format_date,
    local_date,
    now,
    require,
    salon_facts,
    scoped,
    unit_of_work,
    visible_client_row,
    working_days_after,
)
from salonkeep.plugins.warranty.tables import (
    EXCLUSIONS,
    REMEDIES,
    ProductWarranty,
    ReceiptCounter,
    WarrantyClaim,
)


@dataclass(frozen=True)
class Receipt:
    """The after-sales service receipt: the record given to the client."""

    number: str
    product: str
    sold_on: date
    reported_on: date
    remedy: str
    refund_due_on: date | None
    completed_on: date
    #: The salon and the branch that sold the product: name, address, phone.
    salon: SalonFacts | None = None


async def warranties_of(client_id: UUID) -> list[ProductWarranty]:
    """The client's product warranties, newest sale first."""
    ctx = current()
    require(ctx, Action.CLIENT_VIEW)
    async with unit_of_work(ctx):
        await visible_client_row(ctx, client_id)  # NotFound outside the person's branch scope
        return await scoped.fetch(ProductWarranty, "client_id = {}", client_id, order_by="sold_on desc")


async def _warranty(warranty_id: UUID) -> ProductWarranty:
    row = await scoped.get(ProductWarranty, warranty_id)
    if row is None:
        raise NotFound("no such warranty")
    await visible_client_row(current(), row.client_id)  # NotFound outside the branch scope
    return row


async def _claim(claim_id: UUID) -> tuple[WarrantyClaim, ProductWarranty]:
    claim = await scoped.get(WarrantyClaim, claim_id)
    if claim is None:
        raise NotFound("no such claim")
    return claim, await _warranty(claim.warranty_id)


async def open_claim(
    warranty_id: UUID,
    *,
    proof_of_purchase: str,
    description: str,
    channel: str = "in_store",
    is_return: bool = False,
) -> WarrantyClaim:
    """Register a claim (or a return) reported by the client. Proof of purchase is required."""
    ctx = current()
    require(ctx, Action.SALE_RECORD)
    errors = {}
    if not proof_of_purchase.strip():
        errors["proof_of_purchase"] = "is required (receipt or order number)"
    if not description.strip():
        errors["description"] = "is required"
    if errors:
        raise ValidationFailed(errors)
    async with unit_of_work(ctx):
        warranty = await _warranty(warranty_id)
        claim = scoped.new(
            WarrantyClaim,
            warranty_id=warranty.id,
            client_id=warranty.client_id,
            reported_on=local_date(now(), warranty.time_zone),
            channel=channel.strip() or "in_store",
            description=description.strip(),
            proof_of_purchase=proof_of_purchase.strip(),
            is_return=is_return,
            created_at=now(),
        )
        await scoped.insert(claim)
    return claim


async def triage(claim_id: UUID, *, exclusion_reason: str | None = None) -> WarrantyClaim:
    """Judge whether the claim is within after-sales scope. ``exclusion_reason`` (one of
    :data:`EXCLUSIONS`) excludes it; a claim after the warranty (or, for a return, the return
    window) can only be excluded as ``out_of_period``."""
    ctx = current()
    require(ctx, Action.SALE_RECORD)
    if exclusion_reason is not None and exclusion_reason not in EXCLUSIONS:
        raise ValidationFailed({"exclusion_reason": f"choose one of {', '.join(EXCLUSIONS)}"})
    async with unit_of_work(ctx):
        claim, warranty = await _claim(claim_id)
        if claim.status != "reported":
            raise ValidationFailed({"status": f"the claim is already {claim.status}"})
        limit = warranty.return_until if claim.is_return else warranty.warranty_until
        late = claim.reported_on > limit
        if late and exclusion_reason is None:
            exclusion_reason = "out_of_period"
        if exclusion_reason == "out_of_period" and not late:
            raise ValidationFailed(
                {"exclusion_reason": f"the claim is within the period (until {format_date(limit)})"}
            )
        claim.status = "excluded" if exclusion_reason else "in_scope"
        claim.exclusion_reason = exclusion_reason
        await claim.save()
    return claim


async def agree_remedy(claim_id: UUID, remedy: str) -> WarrantyClaim:
    """Record the remedy agreed with the client. A refund is due within the tenant's refund
    period in working days (the terms at the sale; default 15)."""
    ctx = current()
    require(ctx, Action.SALE_RECORD)
    if remedy not in REMEDIES:
        raise ValidationFailed({"remedy": f"choose one of {', '.join(REMEDIES)}"})
    async with unit_of_work(ctx):
        claim, warranty = await _claim(claim_id)
        if claim.status != "in_scope":
            raise ValidationFailed({"remedy": f"the claim is {claim.status}, not in scope"})
        if claim.is_return and remedy != "refund":
            raise ValidationFailed({"remedy": "a return within the return window is refunded"})
        claim.remedy = remedy
        claim.status = "remedy_agreed"
        if remedy == "refund":
            claim.refund_due_on = working_days_after(
                local_date(now(), warranty.time_zone), warranty.refund_working_days, warranty.country
            )
        await claim.save()
    return claim


async def _next_number(year: int) -> int:
    """The next receipt number of the tenant's year (inside the caller's unit of work)."""
    if not await scoped.exists(ReceiptCounter, ReceiptCounter.year == year):
        await scoped.insert(scoped.new(ReceiptCounter, year=year, last=0))
    rows = (
        await scoped.update(ReceiptCounter, {ReceiptCounter.last: ReceiptCounter.last + 1})
        .where(ReceiptCounter.year == year)
        .returning(ReceiptCounter.last)
    )
    return int(rows[0]["last"])


async def complete(claim_id: UUID) -> Receipt:
    """Close a claim whose remedy is done, issuing the numbered after-sales service receipt."""
    ctx = current()
    require(ctx, Action.SALE_RECORD)
    async with unit_of_work(ctx):
        claim, warranty = await _claim(claim_id)
        if claim.status != "remedy_agreed":
            raise ValidationFailed({"status": f"the claim is {claim.status}; agree a remedy first"})
        today = local_date(now(), warranty.time_zone)
        claim.receipt_number = f"AS-{today.year}-{await _next_number(today.year):05d}"
        claim.status = "completed"
        claim.completed_at = now()
        await claim.save()
    return Receipt(
        number=claim.receipt_number,
        product=warranty.product,
        sold_on=warranty.sold_on,
        reported_on=claim.reported_on,
        remedy=str(claim.remedy),
        refund_due_on=claim.refund_due_on,
        completed_on=today,
    )


async def claims_of(client_id: UUID) -> list[WarrantyClaim]:
    """The client's warranty claims, newest first."""
    ctx = current()
    require(ctx, Action.CLIENT_VIEW)
    async with unit_of_work(ctx):
        await visible_client_row(ctx, client_id)  # NotFound outside the person's branch scope
        return await scoped.fetch(WarrantyClaim, "client_id = {}", client_id, order_by="created_at desc")


async def receipt_of(claim_id: UUID) -> tuple[Receipt, UUID]:
    """The after-sales service receipt of a completed claim (to print it again) and the
    client it belongs to. NotFound unless the claim is the tenant's and completed."""
    ctx = current()
    require(ctx, Action.CLIENT_VIEW)
    async with unit_of_work(ctx):
        claim, warranty = await _claim(claim_id)
    if claim.status != "completed" or not claim.receipt_number or claim.completed_at is None:
        raise NotFound("no receipt for this claim")
    return (
        Receipt(
            number=claim.receipt_number,
            product=warranty.product,
            sold_on=warranty.sold_on,
            reported_on=claim.reported_on,
            remedy=str(claim.remedy),
            refund_due_on=claim.refund_due_on,
            completed_on=local_date(claim.completed_at, warranty.time_zone),
            salon=await salon_facts(warranty.branch_id),
        ),
        claim.client_id,
    )
