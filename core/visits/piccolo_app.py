"""The piccolo app of the visits context (tables and migrations)."""

import os

from piccolo.conf.apps import AppConfig

from salonkeep.core.visits.tables import Appointment, Sale, Visit

APP_CONFIG = AppConfig(
    app_name="visits",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Visit, Sale, Appointment],
    migration_dependencies=["salonkeep.core.clients.piccolo_app"],
    commands=[],
)
