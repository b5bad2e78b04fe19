"""Working hours of staff, booking requests from the public page and staff calendar feeds
(tenant tables). Appointments themselves live in :mod:`salonkeep.core.visits.tables`
(``appointment``), which they always did."""

from __future__ import annotations

from piccolo.columns import UUID, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from salonkeep.core.catalogue.tables import CatalogueService
from salonkeep.core.clients.tables import Client
from salonkeep.tenants.tables import Branch, StaffMember, Tenant


class WorkingHours(Table, tablename="working_hours"):
    """When a staff member works in a branch on a weekday (0 = Monday), with an optional
    break; times are local ``HH:MM`` in the branch's zone."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    staff_id = ForeignKey(references=StaffMember, null=False, on_delete=OnDelete.cascade)
    branch_id = ForeignKey(references=Branch, null=False, on_delete=OnDelete.cascade)
    weekday = Integer(required=True)
    starts = Varchar(length=5, required=True)
    ends = Varchar(length=5, required=True)
    break_starts = Varchar(length=5, default="")
    break_ends = Varchar(length=5, default="")


#: Where a booking request stands.
REQUEST_STATUSES = ("new", "proposed", "confirmed", "declined")


class BookingRequest(Table, tablename="booking_request"):
    """A request left on a branch's public booking page: the service, the slot the visitor
    picked (staff and start) and the contact as given. Reception confirms it (an appointment),
    proposes another time or declines it; ``client_id`` is set once reception has matched or
    created the client."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    branch_id = ForeignKey(references=Branch, null=False, on_delete=OnDelete.cascade)
    service_id = ForeignKey(references=CatalogueService, null=False, on_delete=OnDelete.restrict)
    staff_id = ForeignKey(references=StaffMember, null=True, on_delete=OnDelete.set_null)
    starts_at = Timestamptz()
    contact_name = Varchar(length=200, default="")
    contact_email = Varchar(length=254, default="")
    contact_phone = Varchar(length=32, default="")
    #: The visitor ticked the marketing box; the wording they saw is kept with it.
    marketing_consent = Boolean(default=False)
    consent_wording = Text(default="")
    locale = Varchar(length=16, default="")
    status = Varchar(length=16, default="new")
    proposed_starts_at = Timestamptz(null=True, default=None)
    client_id = ForeignKey(references=Client, null=True, on_delete=OnDelete.set_null)
    appointment_id = UUID(null=True, default=None)
    received_at = Timestamptz()
    handled_at = Timestamptz(null=True, default=None)
    handled_by = Varchar(length=200, default="")


class CalendarFeed(Table, tablename="calendar_feed"):
    """A staff member's secret iCalendar feed URL: only the SHA-256 of its token is stored;
    a revoked feed answers 404."""

    id = UUID(primary_key=True)
    tenant_id = ForeignKey(references=Tenant, null=False, on_delete=OnDelete.restrict)
    staff_id = ForeignKey(references=StaffMember, null=False, on_delete=OnDelete.cascade)
    token_hash = Varchar(length=64, required=True)
    created_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    revoked_by = Varchar(length=200, default="")
