"""Privacy indexes and same-tenant composite foreign keys."""

from salonkeep.tenants.raw_migrations import sql_migration

ID = "2026-11-23T09:56:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "privacy indexes and same-tenant keys"

BOTH = [
    "CREATE INDEX privacy_request_board ON privacy_request (tenant_id, status, due_at)",
    "CREATE INDEX privacy_request_client ON privacy_request (tenant_id, client_id)",
    "CREATE UNIQUE INDEX partner_name ON partner (tenant_id, name)",
    "CREATE INDEX disclosure_client ON disclosure (tenant_id, client_id, disclosed_at)",
]
POSTGRES_ONLY = [
    "ALTER TABLE partner ADD CONSTRAINT partner_tenant_id_key UNIQUE (tenant_id, id)",
    "ALTER TABLE privacy_request ADD CONSTRAINT privacy_request_client_same_tenant "
    "FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id)",
    "ALTER TABLE disclosure ADD CONSTRAINT disclosure_client_same_tenant "
    "FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id)",
    "ALTER TABLE disclosure ADD CONSTRAINT disclosure_partner_same_tenant "
    "FOREIGN KEY (tenant_id, partner_id) REFERENCES partner (tenant_id, id)",
]


forwards = sql_migration(
    migration_id=ID, app_name="privacy", description=DESCRIPTION, both=BOTH, postgres_only=POSTGRES_ONLY
)
