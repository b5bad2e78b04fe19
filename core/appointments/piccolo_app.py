"""The piccolo app of appointments: working hours, and the no-overlap constraint on
``appointment`` (PostgreSQL)."""

import os

from piccolo.conf.apps import AppConfig

from salonkeep.core.appointments.tables import WorkingHours

APP_CONFIG = AppConfig(
    app_name="appointments",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[WorkingHours],
    migration_dependencies=["salonkeep.core.visits.piccolo_app"],
    commands=[],
)
