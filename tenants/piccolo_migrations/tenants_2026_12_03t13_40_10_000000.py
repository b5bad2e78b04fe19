"""An invitation link signs up one tenant: the unique key behind "used once"."""

from salonkeep.tenants.raw_migrations import sql_migration

ID = "2026-12-03T13:40:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "tenant: one tenant per sign-up invitation"

BOTH = ["CREATE UNIQUE INDEX tenant_signup_invitation_once ON tenant (signup_invitation)"]


forwards = sql_migration(migration_id=ID, app_name="tenants", description=DESCRIPTION, both=BOTH)
