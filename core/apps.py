"""The piccolo apps of Salonkeep (each bounded context has its tables and migrations)."""

from __future__ import annotations

import importlib

from piccolo.conf.apps import AppConfig
from piccolo.table import Table

APP_MODULES = (
    "salonkeep.tenants.piccolo_app",
    "salonkeep.core.clients.piccolo_app",
    "salonkeep.core.visits.piccolo_app",
    "salonkeep.core.apikeys.piccolo_app",
)


def app_configs() -> list[AppConfig]:
    """The AppConfig of every piccolo app, in migration order."""
    return [importlib.import_module(name).APP_CONFIG for name in APP_MODULES]


def all_tables() -> list[type[Table]]:
    """Every table of every app."""
    return [table for config in app_configs() for table in config.table_classes]
