"""The privacy piccolo app (requests board, partners, disclosures)."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from salonkeep.core.privacy.tables import (
    Breach,
    BreakGlassGrant,
    Disclosure,
    Partner,
    PrivacyAlert,
    PrivacyRequest,
    PrivacyTraining,
    StaffNotice,
)

APP_CONFIG = AppConfig(
    app_name="privacy",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[
        PrivacyRequest,
        Partner,
        Disclosure,
        BreakGlassGrant,
        PrivacyAlert,
        Breach,
        StaffNotice,
        PrivacyTraining,
    ],
    migration_dependencies=["salonkeep.tenants.piccolo_app", "salonkeep.core.clients.piccolo_app"],
    commands=[],
)
