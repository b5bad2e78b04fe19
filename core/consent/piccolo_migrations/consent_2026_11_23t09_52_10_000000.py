"""Consent indexes: one row per policy version and language, ledger look-ups, same-tenant keys."""

from salonkeep.tenants.raw_migrations import sql_migration

ID = "2026-11-23T09:52:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "consent indexes and same-tenant keys"

BOTH = [
    "CREATE UNIQUE INDEX privacy_policy_version ON privacy_policy (tenant_id, version, locale)",
    "CREATE INDEX consent_event_client ON consent_event (tenant_id, client_id, purpose, occurred_at)",
]
POSTGRES_ONLY = [
    "ALTER TABLE privacy_policy ADD CONSTRAINT privacy_policy_tenant_id_key UNIQUE (tenant_id, id)",
    "ALTER TABLE consent_event ADD CONSTRAINT consent_event_client_same_tenant "
    "FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id)",
    "ALTER TABLE consent_event ADD CONSTRAINT consent_event_policy_same_tenant "
    "FOREIGN KEY (tenant_id, policy_version_id) REFERENCES privacy_policy (tenant_id, id)",
]


forwards = sql_migration(
    migration_id=ID, app_name="consent", description=DESCRIPTION, both=BOTH, postgres_only=POSTGRES_ONLY
)
