"""One survey answer per visit (the link is single-use), the numbers' index and same-tenant
keys of the survey answers."""

from salonkeep.tenants.raw_migrations import sql_migration

ID = "2026-12-03T13:23:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one survey answer per visit, its index and same-tenant keys"

BOTH = [
    "CREATE UNIQUE INDEX survey_answer_once ON survey_answer (tenant_id, visit_id)",
    "CREATE INDEX survey_answer_numbers ON survey_answer (tenant_id, branch_id, answered_at)",
    "CREATE INDEX complaint_numbers ON complaint (tenant_id, branch_id, received_at)",
]
POSTGRES_ONLY = [
    "ALTER TABLE survey_answer ADD CONSTRAINT survey_answer_client_same_tenant "
    "FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id)",
    "ALTER TABLE survey_answer ADD CONSTRAINT survey_answer_branch_same_tenant "
    "FOREIGN KEY (tenant_id, branch_id) REFERENCES branch (tenant_id, id)",
]


forwards = sql_migration(
    migration_id=ID, app_name="complaints", description=DESCRIPTION, both=BOTH, postgres_only=POSTGRES_ONLY
)
