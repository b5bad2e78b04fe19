"""The piccolo app of the consent ledger."""

import os

from piccolo.conf.apps import AppConfig

from salonkeep.core.consent.tables import ConsentEvent

APP_CONFIG = AppConfig(
    app_name="consent",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[ConsentEvent],
    migration_dependencies=["salonkeep.core.clients.piccolo_app"],
    commands=[],
)
