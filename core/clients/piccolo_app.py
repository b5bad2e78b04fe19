"""The piccolo app of the clients context (tables and migrations)."""

import os

from piccolo.conf.apps import AppConfig

from salonkeep.core.clients.tables import Client, ClientImport, ClientSearchTerm

APP_CONFIG = AppConfig(
    app_name="clients",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Client, ClientSearchTerm, ClientImport],
    migration_dependencies=["salonkeep.tenants.piccolo_app"],
    commands=[],
)
