"""Warranty tables of the warranty plugin (tenant tables, migrated by ``salonkeep migrate``
through the ``salonkeep_piccolo_apps`` hook)."""

from __future__ import annotations

from typing import ClassVar

from piccolo.columns import UUID, Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from salonkeep.core.plugins.api import Branch, Client, LetterSection, Sale, Tenant
from salonkeep.plugins.warranty.letter import CLAIM_SECTION, WARRANTY_SECTION

EXCLUSIONS = ("client_damage", "accident", "improper_use", "out_of_period")
REMEDIES = ("repair", "replace", "refund", "compensation")
CLAIM_STATUSES = ("reported", "in_scope", "excluded", "remedy_agreed", "completed")


class ProductWarranty(Table, tablename="product_warranty"):
    """The warranty, return window and calendar of one sale."""

    #: Kept when the client is erased (it belongs to the sale record), pointing at the pseudonym.
    erasure_keep: ClassVar[tuple[str, ...]] = ()
    #: How the client's readable export shows it.
    export_letter: ClassVar[LetterSection] = WARRANTY_SECTION

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    client_id = ForeignKey(references=Client, null=False, on_delete=OnDelete.cascade)
    branch_id = ForeignKey(references=Branch, null=False, on_delete=OnDelete.restrict)
    sale_id = ForeignKey(references=Sale, null=False, on_delete=OnDelete.cascade)
    product = Varchar(length=200, required=True)
    category = Varchar(length=32, required=True)
    sold_on = Date()
    warranty_until = Date()
    return_until = Date()
    time_zone = Varchar(length=64, required=True)
    country = Varchar(length=2, required=True)
    #: The terms at the sale: a refund is due within this many working days.
    refund_working_days = Integer(default=15)
    #: What the client paid for the sale (a refund gives it back, plus the return shipping).
    price_cents = Integer(default=0)
    created_at = Timestamptz()


class WarrantyClaim(Table, tablename="warranty_claim"):
    """A claim: reported with proof of purchase, triaged, remedied, closed with a receipt."""

    #: Kept when the client is erased (the after-sales record), with the free text blanked.
    erasure_keep: ClassVar[tuple[str, ...]] = ("description",)
    #: How the client's readable export shows it.
    export_letter: ClassVar[LetterSection] = CLAIM_SECTION

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    warranty_id = ForeignKey(references=ProductWarranty, null=False, on_delete=OnDelete.cascade)
    client_id = ForeignKey(references=Client, null=False, on_delete=OnDelete.cascade)
    reported_on = Date()
    channel = Varchar(length=32, default="in_store")
    description = Text(default="")
    proof_of_purchase = Varchar(length=200, required=True)
    status = Varchar(length=16, default="reported")
    exclusion_reason = Varchar(length=32, null=True, default=None)
    remedy = Varchar(length=16, null=True, default=None)
    is_return = Boolean(default=False)
    refund_due_on = Date(null=True, default=None)
    #: A refund's amount: the price paid plus the return shipping the client paid.
    refund_amount_cents = Integer(null=True, default=None)
    return_shipping_cents = Integer(default=0)
    #: When the returned product arrived: a return's refund is due counted from this day.
    return_received_on = Date(null=True, default=None)
    receipt_number = Varchar(length=32, null=True, default=None)
    completed_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class ReceiptCounter(Table, tablename="warranty_receipt_counter"):
    """The last after-sales receipt number issued per tenant and year (the row lock taken by
    the increment serialises concurrent receipts on PostgreSQL)."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    year = Integer(required=True)
    last = Integer(default=0)


#: Photo types accepted on a return, by the first bytes of the file.
PHOTO_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
#: The largest photo accepted (bytes).
MAX_PHOTO_BYTES = 5 * 1024 * 1024


class ClaimPhoto(Table, tablename="warranty_claim_photo"):
    """A photo of the product attached to a claim or return (the seeds' "产品照片等证据"),
    stored encrypted under the client's key (erasure shreds it)."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    claim_id = ForeignKey(references=WarrantyClaim, null=False, on_delete=OnDelete.cascade)
    client_id = ForeignKey(references=Client, null=False, on_delete=OnDelete.cascade)
    content_type = Varchar(length=32, required=True)
    size = Integer(required=True)
    #: The image, base64 then encrypted (``seal_for_client``).
    data = Text(default="")
    created_at = Timestamptz()
