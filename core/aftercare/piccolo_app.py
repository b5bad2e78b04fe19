"""The piccolo app of aftercare (touchpoints, call log, programme settings)."""

import os

from piccolo.conf.apps import AppConfig

from salonkeep.core.aftercare.tables import (
    CallLogEntry,
    CallPreference,
    ProgrammeSetting,
    Referral,
    Touchpoint,
)

APP_CONFIG = AppConfig(
    app_name="aftercare",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Touchpoint, CallLogEntry, ProgrammeSetting, CallPreference, Referral],
    # keys: the migration that encrypts existing call notes writes client keys.
    migration_dependencies=["salonkeep.core.clients.piccolo_app", "salonkeep.core.keys.piccolo_app"],
    commands=[],
)
