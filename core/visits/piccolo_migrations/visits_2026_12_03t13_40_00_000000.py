"""A cancellation records whether it came later than the tenant's notice and the gesture the
salon offered when it cancelled (the tenant settings ``late_cancel_notice_hours`` and
``salon_cancel_gesture``, copied at the time of cancelling)."""

from salonkeep.tenants.raw_migrations import sql_migration

ID = "2026-12-03T13:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "appointment late cancellation, salon gesture"

BOTH = [
    "ALTER TABLE appointment ADD COLUMN late_cancel BOOLEAN NOT NULL DEFAULT false",
    "ALTER TABLE appointment ADD COLUMN gesture VARCHAR(300) NOT NULL DEFAULT ''",
]

forwards = sql_migration(migration_id=ID, app_name="visits", description=DESCRIPTION, both=BOTH)
