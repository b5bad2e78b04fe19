"""Working hours of staff (tenant table). Appointments themselves live in
:mod:`salonkeep.core.visits.tables` (``appointment``), which they always did."""

from __future__ import annotations

from piccolo.columns import UUID, ForeignKey, Integer, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

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
