"""Tenancy, the ground floor of Salonkeep.

Tenant and branch records, staff members, the tenant context, the database engine with its
tenant-scoped unit of work, PostgreSQL row-level security, settings and the clock.
Nothing here imports from ``salonkeep.core``, ``salonkeep.web`` or ``salonkeep.workers``.
"""
