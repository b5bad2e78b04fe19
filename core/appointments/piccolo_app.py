"""The piccolo app of appointments: working hours, and the no-overlap constraint on
``appointment`` (PostgreSQL)."""

import os

from piccolo.conf.apps import AppConfig

from salonkeep.core.appointments.tables import BookingRequest, CalendarFeed, WorkingHours

APP_CONFIG = AppConfig(
    app_name="appointments",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[WorkingHours, BookingRequest, CalendarFeed],
    migration_dependencies=[
        "salonkeep.core.visits.piccolo_app",
        "salonkeep.core.catalogue.piccolo_app",
        "salonkeep.core.clients.piccolo_app",
    ],
    commands=[],
)
