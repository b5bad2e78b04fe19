"""Tenant-scoped unique keys (dedupe, one setting row per programme), call-list indexes and
same-tenant composite foreign keys."""

from salonkeep.tenants.raw_migrations import sql_migration

ID = "2026-11-23T09:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "aftercare keys and indexes"

BOTH = [
    "CREATE UNIQUE INDEX touchpoint_dedupe ON touchpoint (tenant_id, dedupe_key)",
    "CREATE INDEX touchpoint_call_list ON touchpoint (tenant_id, branch_id, status, due_at)",
    "CREATE INDEX touchpoint_client ON touchpoint (tenant_id, client_id, due_at)",
    "CREATE INDEX call_log_client ON call_log (tenant_id, client_id, recorded_at)",
    "CREATE INDEX call_log_staff ON call_log (tenant_id, staff_id, recorded_at)",
    "CREATE UNIQUE INDEX programme_setting_name ON programme_setting (tenant_id, programme)",
    "CREATE UNIQUE INDEX call_preference_client ON call_preference (tenant_id, client_id)",
    "CREATE UNIQUE INDEX referral_guest ON referral (tenant_id, guest_id)",
]
POSTGRES_ONLY = [
    "ALTER TABLE touchpoint ADD CONSTRAINT touchpoint_tenant_id_key UNIQUE (tenant_id, id)",
    "ALTER TABLE touchpoint ADD CONSTRAINT touchpoint_client_id_same_tenant "
    "FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id) ON DELETE CASCADE",
    "ALTER TABLE touchpoint ADD CONSTRAINT touchpoint_branch_id_same_tenant "
    "FOREIGN KEY (tenant_id, branch_id) REFERENCES branch (tenant_id, id)",
    "ALTER TABLE call_log ADD CONSTRAINT call_log_touchpoint_id_same_tenant "
    "FOREIGN KEY (tenant_id, touchpoint_id) REFERENCES touchpoint (tenant_id, id) ON DELETE CASCADE",
    "ALTER TABLE call_log ADD CONSTRAINT call_log_client_id_same_tenant "
    "FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id) ON DELETE CASCADE",
    "ALTER TABLE call_preference ADD CONSTRAINT call_preference_client_id_same_tenant "
    "FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id) ON DELETE CASCADE",
    "ALTER TABLE referral ADD CONSTRAINT referral_guest_id_same_tenant "
    "FOREIGN KEY (tenant_id, guest_id) REFERENCES client (tenant_id, id) ON DELETE CASCADE",
    "ALTER TABLE referral ADD CONSTRAINT referral_referrer_id_same_tenant "
    "FOREIGN KEY (tenant_id, referrer_id) REFERENCES client (tenant_id, id) ON DELETE CASCADE",
]


forwards = sql_migration(
    migration_id=ID, app_name="aftercare", description=DESCRIPTION, both=BOTH, postgres_only=POSTGRES_ONLY
)
