"""Warranty claims: report (with proof of purchase) → triage → remedy → receipt.

Exclusions: damage by the client, accident, improper use or care, a claim after the period.
Remedies: repair, replacement, refund, compensation. A return for a quality problem within
the return window (30 days) is refunded within 15 working days of the tenant's calendar
(weekends and the country's public holidays skipped), counted from the day the returned
product is received (:func:`receive_return`); the refund is the price paid plus the return
shipping. Photos of the product can be attached to a claim or a return (JPEG or PNG, at most
5 MB, stored encrypted). Completing a claim issues the after-sales service receipt with its
number (``AS-<year>-<sequence>``, per tenant and year).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from uuid import UUID, uuid4

from salonkeep.core.plugins.api import (
    Action,
    NotFound,
    SalonFacts,
    ValidationFailed,
    code,
    codes,
    current,
    field_message,
    format_date,
    local_date,
    now,
    open_for_client,
    require,
    salon_facts,
    scoped,
    seal_for_client,
    unit_of_work,
    visible_client_row,
    working_days_after,
)
from salonkeep.plugins.warranty.tables import (
    EXCLUSIONS,
    MAX_PHOTO_BYTES,
    PHOTO_TYPES,
    REMEDIES,
    ClaimPhoto,
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
    #: The refund paid (price plus return shipping), in cents; ``None`` for other remedies.
    refund_amount_cents: int | None = None


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
        raise ValidationFailed(
            {
                "exclusion_reason": field_message(
                    "choose one of {choices}", choices=codes(EXCLUSIONS, "exclusion_reason")
                )
            }
        )
    async with unit_of_work(ctx):
        claim, warranty = await _claim(claim_id)
        if claim.status != "reported":
            raise ValidationFailed(
                {
                    "status": field_message(
                        "the claim is already {status}", status=code(claim.status, "claim_status")
                    )
                }
            )
        limit = warranty.return_until if claim.is_return else warranty.warranty_until
        late = claim.reported_on > limit
        if late and exclusion_reason is None:
            exclusion_reason = "out_of_period"
        if exclusion_reason == "out_of_period" and not late:
            raise ValidationFailed(
                {
                    "exclusion_reason": field_message(
                        "the claim is within the period (until {day})", day=format_date(limit)
                    )
                }
            )
        claim.status = "excluded" if exclusion_reason else "in_scope"
        claim.exclusion_reason = exclusion_reason
        await claim.save()
    return claim


#: The most return shipping recorded for one refund: ten thousand in the tenant's currency.
MAX_SHIPPING_CENTS = 1_000_000


async def agree_remedy(claim_id: UUID, remedy: str, *, return_shipping_cents: int = 0) -> WarrantyClaim:
    """Record the remedy agreed with the client. A refund's amount is the price paid plus
    ``return_shipping_cents``; it is due within the tenant's refund period in working days
    (the terms at the sale; default 15), counted from today, or for a return from the day
    the returned product is received (:func:`receive_return`)."""
    ctx = current()
    require(ctx, Action.SALE_RECORD)
    if remedy not in REMEDIES:
        raise ValidationFailed(
            {"remedy": field_message("choose one of {choices}", choices=codes(REMEDIES, "remedy"))}
        )
    if isinstance(return_shipping_cents, bool) or not 0 <= return_shipping_cents <= MAX_SHIPPING_CENTS:
        raise ValidationFailed(
            {
                "return_shipping_cents": field_message(
                    "must be between 0 and {limit}", limit=MAX_SHIPPING_CENTS
                )
            }
        )
    if return_shipping_cents and remedy != "refund":
        raise ValidationFailed({"return_shipping_cents": "is refunded only with a refund"})
    async with unit_of_work(ctx):
        claim, warranty = await _claim(claim_id)
        if claim.status != "in_scope":
            raise ValidationFailed(
                {
                    "remedy": field_message(
                        "the claim is {status}, not in scope", status=code(claim.status, "claim_status")
                    )
                }
            )
        if claim.is_return and remedy != "refund":
            raise ValidationFailed({"remedy": "a return within the return window is refunded"})
        claim.remedy = remedy
        claim.status = "remedy_agreed"
        if remedy == "refund":
            claim.return_shipping_cents = return_shipping_cents
            claim.refund_amount_cents = (warranty.price_cents or 0) + return_shipping_cents
            if not claim.is_return:
                claim.refund_due_on = working_days_after(
                    local_date(now(), warranty.time_zone), warranty.refund_working_days, warranty.country
                )
        await claim.save()
    return claim


async def receive_return(claim_id: UUID, received_on: date | None = None) -> WarrantyClaim:
    """Record that the returned product arrived (today unless ``received_on``): the refund is
    due ``refund_working_days`` working days after that day."""
    ctx = current()
    require(ctx, Action.SALE_RECORD)
    async with unit_of_work(ctx):
        claim, warranty = await _claim(claim_id)
        if not claim.is_return:
            raise ValidationFailed({"claim_id": "only a return has a product to receive"})
        if claim.status != "remedy_agreed" or claim.remedy != "refund":
            raise ValidationFailed(
                {
                    "status": field_message(
                        "the claim is {status}; agree the refund first",
                        status=code(claim.status, "claim_status"),
                    )
                }
            )
        today = local_date(now(), warranty.time_zone)
        day = received_on or today
        if day > today:
            raise ValidationFailed({"received_on": "is in the future"})
        if day < claim.reported_on:
            raise ValidationFailed({"received_on": "is before the return was reported"})
        claim.return_received_on = day
        claim.refund_due_on = working_days_after(day, warranty.refund_working_days, warranty.country)
        await claim.save()
    return claim


def photo_type(data: bytes) -> str:
    """The content type of a photo from its first bytes; ValidationFailed names ``photo``
    when it is not a JPEG or PNG or is larger than :data:`MAX_PHOTO_BYTES`."""
    if not data:
        raise ValidationFailed({"photo": "is empty"})
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationFailed(
            {
                "photo": field_message(
                    "must be at most {megabytes} MB", megabytes=MAX_PHOTO_BYTES // (1024 * 1024)
                )
            }
        )
    for magic, content_type in PHOTO_TYPES.items():
        if data.startswith(magic):
            return content_type
    raise ValidationFailed({"photo": "must be a JPEG or PNG image"})


async def add_photo(claim_id: UUID, data: bytes) -> ClaimPhoto:
    """Attach a photo of the product to a claim or return (stored encrypted under the
    client's key)."""
    ctx = current()
    require(ctx, Action.SALE_RECORD)
    content_type = photo_type(data)
    async with unit_of_work(ctx):
        claim, _ = await _claim(claim_id)
        photo_id = uuid4()
        sealed = await seal_for_client(
            claim.client_id, "warranty_claim_photo", "data", photo_id, base64.b64encode(data).decode()
        )
        photo = scoped.new(
            ClaimPhoto,
            id=photo_id,
            claim_id=claim.id,
            client_id=claim.client_id,
            content_type=content_type,
            size=len(data),
            data=sealed,
            created_at=now(),
        )
        await scoped.insert(photo)
    return photo


async def photos_of(claim_id: UUID) -> list[ClaimPhoto]:
    """The photos attached to a claim (without their data), oldest first."""
    ctx = current()
    require(ctx, Action.CLIENT_VIEW)
    async with unit_of_work(ctx):
        claim, _ = await _claim(claim_id)
        rows = await scoped.fetch(ClaimPhoto, "claim_id = {}", claim.id, order_by="created_at")
    for row in rows:
        row.data = ""
    return list(rows)


async def photo_data(claim_id: UUID, photo_id: UUID) -> tuple[str, bytes]:
    """(content type, bytes) of one photo of a claim, decrypted."""
    ctx = current()
    require(ctx, Action.CLIENT_VIEW)
    async with unit_of_work(ctx):
        claim, _ = await _claim(claim_id)
        row = await scoped.get(ClaimPhoto, photo_id)
        if row is None or row.claim_id != claim.id:
            raise NotFound("no such photo")
        clear = await open_for_client(row.client_id, "warranty_claim_photo", "data", row.id, row.data)
    return row.content_type, base64.b64decode(clear)


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
            raise ValidationFailed(
                {
                    "status": field_message(
                        "the claim is {status}; agree a remedy first",
                        status=code(claim.status, "claim_status"),
                    )
                }
            )
        if claim.is_return and claim.return_received_on is None:
            raise ValidationFailed({"return_received_on": "record first that the returned product arrived"})
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
        refund_amount_cents=claim.refund_amount_cents,
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
            refund_amount_cents=claim.refund_amount_cents,
        ),
        claim.client_id,
    )
