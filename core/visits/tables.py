"""Visit tables (tenant tables)."""

from __future__ import annotations

from piccolo.columns import UUID, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from salonkeep.core.clients.tables import Client
from salonkeep.tenants.tables import Branch, StaffMember, Tenant

#: The categories every tenant starts with (seeded into its catalogue; owners add their own).
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
    #: The catalogue service it was picked from (``None``: typed as free text).
    service_id = UUID(null=True, default=None)
    #: A medical-aesthetic procedure (from the catalogue service or its category).
    is_procedure = Boolean(default=False)
    #: Comma-separated tags of the catalogue service.
    tags = Varchar(length=500, default="")


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
    #: The catalogue product it was picked from (``None``: typed as free text).
    product_id = UUID(null=True, default=None)
    tags = Varchar(length=500, default="")


APPOINTMENT_STATUSES = ("booked", "moved", "cancelled", "attended", "no_show")


class Appointment(Table, tablename="appointment"):
    """A booked appointment (see :mod:`salonkeep.core.appointments`).

    ``blocked_from``/``blocked_until`` is the staff member's time it takes, buffers included;
    on PostgreSQL an exclusion constraint keeps those of one staff member from overlapping
    (cancelled ones aside)."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    client_id = ForeignKey(references=Client, null=False, on_delete=OnDelete.cascade)
    branch_id = ForeignKey(references=Branch, null=False, on_delete=OnDelete.restrict)
    service = Varchar(length=200, required=True)
    starts_at = Timestamptz()
    status = Varchar(length=16, default="booked")
    created_at = Timestamptz()
    staff_id = ForeignKey(references=StaffMember, null=True, on_delete=OnDelete.set_null)
    service_id = UUID(null=True, default=None)
    ends_at = Timestamptz(null=True, default=None)
    blocked_from = Timestamptz(null=True, default=None)
    blocked_until = Timestamptz(null=True, default=None)
    tags = Varchar(length=500, default="")
    #: ``client`` or ``salon`` when cancelled.
    cancelled_by = Varchar(length=16, default="")
    cancel_reason = Varchar(length=500, default="")
    #: Cancelled later than the tenant's notice (``late_cancel_notice_hours``).
    late_cancel = Boolean(default=False)
    #: What the salon offered when it cancelled (``salon_cancel_gesture``, copied then).
    gesture = Varchar(length=300, default="")
    updated_at = Timestamptz(null=True, default=None)
