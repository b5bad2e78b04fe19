"""The piccolo apps of Salonkeep (each bounded context has its tables and migrations).

Plugins add their own apps through the ``salonkeep_piccolo_apps`` hook; they come after the
core apps, so ``salonkeep migrate`` creates a plugin's tables after the ones they refer to.
"""

from __future__ import annotations

import importlib

from piccolo.conf.apps import AppConfig
from piccolo.table import Table

APP_MODULES = (
    "salonkeep.tenants.piccolo_app",
    "salonkeep.core.clients.piccolo_app",
    "salonkeep.core.visits.piccolo_app",
    "salonkeep.core.audit.piccolo_app",
    "salonkeep.core.keys.piccolo_app",
    "salonkeep.core.consent.piccolo_app",
    "salonkeep.core.privacy.piccolo_app",
    "salonkeep.core.aftercare.piccolo_app",
    "salonkeep.core.apikeys.piccolo_app",
    "salonkeep.core.complaints.piccolo_app",
    "salonkeep.core.catalogue.piccolo_app",
    "salonkeep.core.appointments.piccolo_app",
)


def app_modules() -> list[str]:
    """The core apps, then every app contributed by a loaded plugin."""
    from salonkeep.core.plugins.manager import get_plugins

    extra = [name for name in get_plugins().piccolo_apps() if name not in APP_MODULES]
    return [*APP_MODULES, *extra]


def app_configs() -> list[AppConfig]:
    """The AppConfig of every piccolo app, in migration order."""
    return [importlib.import_module(name).APP_CONFIG for name in app_modules()]


def all_tables() -> list[type[Table]]:
    """Every table of every app."""
    return [table for config in app_configs() for table in config.table_classes]
