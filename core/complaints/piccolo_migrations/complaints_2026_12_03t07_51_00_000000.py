"""Indexes, tenant-scoped unique keys and same-tenant keys of the complaint tables."""

from salonkeep.tenants.raw_migrations import sql_migration

ID = "2026-12-03T07:51:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "complaint indexes, one escalation per stage and same-tenant keys"

BOTH = [
    "CREATE INDEX complaint_board ON complaint (tenant_id, branch_id, status, first_contact_due_at)",
    "CREATE INDEX complaint_client ON complaint (tenant_id, client_id)",
    "CREATE INDEX complaint_round_of ON complaint_round (tenant_id, complaint_id, number)",
    "CREATE INDEX complaint_attachment_of ON complaint_attachment (tenant_id, complaint_id)",
    "CREATE UNIQUE INDEX complaint_escalation_once ON complaint_escalation (tenant_id, complaint_id, stage)",
    "CREATE UNIQUE INDEX complaint_tenant_id ON complaint (tenant_id, id)",
]
POSTGRES_ONLY = [
    "ALTER TABLE complaint ADD CONSTRAINT complaint_client_same_tenant "
    "FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id)",
    "ALTER TABLE complaint ADD CONSTRAINT complaint_branch_same_tenant "
    "FOREIGN KEY (tenant_id, branch_id) REFERENCES branch (tenant_id, id)",
    "ALTER TABLE complaint_round ADD CONSTRAINT complaint_round_same_tenant "
    "FOREIGN KEY (tenant_id, complaint_id) REFERENCES complaint (tenant_id, id)",
    "ALTER TABLE complaint_attachment ADD CONSTRAINT complaint_attachment_same_tenant "
    "FOREIGN KEY (tenant_id, complaint_id) REFERENCES complaint (tenant_id, id)",
    "ALTER TABLE complaint_escalation ADD CONSTRAINT complaint_escalation_same_tenant "
    "FOREIGN KEY (tenant_id, complaint_id) REFERENCES complaint (tenant_id, id)",
]


forwards = sql_migration(
    migration_id=ID, app_name="complaints", description=DESCRIPTION, both=BOTH, postgres_only=POSTGRES_ONLY
)
