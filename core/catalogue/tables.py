"""Catalogue tables (tenant tables: each has ``tenant_id`` and an RLS policy)."""

from __future__ import annotations

from piccolo.columns import UUID, Boolean, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from salonkeep.tenants.tables import Branch, Tenant

#: What a category groups.
KINDS = ("service", "product")


class CatalogueCategory(Table, tablename="catalogue_category"):
    """A category of services or products. ``code`` is what events and programmes carry;
    ``medical`` marks medical-aesthetic procedures (the one-year aftercare follows them)."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    kind = Varchar(length=16, required=True)
    code = Varchar(length=32, required=True)
    label = Varchar(length=100, required=True)
    medical = Boolean(default=False)
    position = Integer(default=0)


class CatalogueService(Table, tablename="catalogue_service"):
    """A service the tenant sells, with its booking rules."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    name = Varchar(length=200, required=True)
    category = Varchar(length=32, required=True)
    duration_minutes = Integer(default=60)
    price_cents = Integer(default=0)
    buffer_before_minutes = Integer(default=0)
    buffer_after_minutes = Integer(default=0)
    #: Comma-separated roles that perform it (empty: anyone who works in the branch).
    performer_roles = Varchar(length=200, default="")
    medical = Boolean(default=False)
    #: Comma-separated lower-case tags programmes match on.
    tags = Varchar(length=500, default="")
    increment_minutes = Integer(default=15)
    min_notice_hours = Integer(default=0)
    min_notice_days = Integer(default=0)
    max_days_ahead = Integer(default=365)
    active = Boolean(default=True)
    created_at = Timestamptz()


class CatalogueProduct(Table, tablename="catalogue_product"):
    """A product the tenant sells, with its warranty and return terms."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    name = Varchar(length=200, required=True)
    category = Varchar(length=32, required=True)
    price_cents = Integer(default=0)
    warranty_days = Integer(default=90)
    return_days = Integer(default=30)
    tags = Varchar(length=500, default="")
    active = Boolean(default=True)
    created_at = Timestamptz()


class BranchCatalogueItem(Table, tablename="branch_catalogue_item"):
    """A branch's deviation for one service or product: hidden there, or another price."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    branch_id = ForeignKey(references=Branch, null=False, on_delete=OnDelete.cascade)
    kind = Varchar(length=16, required=True)
    item_id = UUID()
    hidden = Boolean(default=False)
    price_cents = Integer(null=True, default=None)
