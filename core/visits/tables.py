"""Visit tables (tenant tables)."""

from __future__ import annotations

from piccolo.columns import UUID, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from salonkeep.core.clients.tables import Client
from salonkeep.tenants.tables import Branch, StaffMember, Tenant

SERVICE_CATEGORIES = ("facial", "body", "slimming", "hair", "nails", "massage", "medical_aesthetics")
PRODUCT_CATEGORIES = ("slimming", "treatment", "brand", "fumigation", "supplement", "care", "device")


class Visit(Table, tablename="visit"):
    """A service performed for a client (a procedure when it is medical aesthetics)."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    client_id = ForeignKey(references=Client, null=False, on_delete=OnDelete.cascade)
    branch_id = ForeignKey(references=Branch, null=False, on_delete=OnDelete.restrict)
    staff_id = ForeignKey(references=StaffMember, null=True, on_delete=OnDelete.set_null)
    service = Varchar(length=200, required=True)
    category = Varchar(length=32, required=True)
    performed_at = Timestamptz()
    notes = Text(default="")
    created_at = Timestamptz()


class Sale(Table, tablename="sale"):
    """A product sold to a client."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    client_id = ForeignKey(references=Client, null=False, on_delete=OnDelete.cascade)
    branch_id = ForeignKey(references=Branch, null=False, on_delete=OnDelete.restrict)
    staff_id = ForeignKey(references=StaffMember, null=True, on_delete=OnDelete.set_null)
    product = Varchar(length=200, required=True)
    category = Varchar(length=32, required=True)
    quantity = Integer(default=1)
    price_cents = Integer(default=0)
    sold_at = Timestamptz()
    created_at = Timestamptz()


class Appointment(Table, tablename="appointment"):
    """A booked appointment."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    client_id = ForeignKey(references=Client, null=False, on_delete=OnDelete.cascade)
    branch_id = ForeignKey(references=Branch, null=False, on_delete=OnDelete.restrict)
    service = Varchar(length=200, required=True)
    starts_at = Timestamptz()
    status = Varchar(length=16, default="booked")
    created_at = Timestamptz()
