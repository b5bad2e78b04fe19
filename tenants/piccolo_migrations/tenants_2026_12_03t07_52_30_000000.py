"""One signature per staff member and agreement version."""

from salonkeep.tenants.raw_migrations import sql_migration

ID = "2026-12-03T07:52:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "confidentiality agreement: one signature per staff member and version"

BOTH = [
    "CREATE UNIQUE INDEX confidentiality_agreement_once "
    "ON confidentiality_agreement (tenant_id, staff_id, version)",
]
POSTGRES_ONLY = [
    "ALTER TABLE confidentiality_agreement ADD CONSTRAINT confidentiality_agreement_staff_same_tenant "
    "FOREIGN KEY (tenant_id, staff_id) REFERENCES staff_member (tenant_id, id)",
]


forwards = sql_migration(migration_id=ID, app_name="tenants", description=DESCRIPTION, both=BOTH, postgres_only=POSTGRES_ONLY)
