"""The consent piccolo app (policy versions, consent ledger)."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from salonkeep.core.consent.tables import ConsentEvent, PolicyVersion

APP_CONFIG = AppConfig(
    app_name="consent",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[PolicyVersion, ConsentEvent],
    migration_dependencies=["salonkeep.tenants.piccolo_app", "salonkeep.core.clients.piccolo_app"],
    commands=[],
)
