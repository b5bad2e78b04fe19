"""The piccolo app of the API keys context (tables and migrations)."""

import os

from piccolo.conf.apps import AppConfig

from salonkeep.core.apikeys.tables import ApiKey

APP_CONFIG = AppConfig(
    app_name="apikeys",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[ApiKey],
    migration_dependencies=["salonkeep.tenants.piccolo_app"],
    commands=[],
)
