"""The keys piccolo app (encryption at rest)."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from salonkeep.core.keys.tables import ClientKey, TenantKey

APP_CONFIG = AppConfig(
    app_name="keys",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[TenantKey, ClientKey],
    migration_dependencies=["salonkeep.tenants.piccolo_app", "salonkeep.core.clients.piccolo_app"],
    commands=[],
)
