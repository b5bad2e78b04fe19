"""The piccolo app of the warranty plugin."""

import os

from piccolo.conf.apps import AppConfig

from salonkeep.plugins.warranty.tables import ClaimPhoto, ProductWarranty, ReceiptCounter, WarrantyClaim

APP_CONFIG = AppConfig(
    app_name="warranty",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[ProductWarranty, WarrantyClaim, ReceiptCounter, ClaimPhoto],
    migration_dependencies=["salonkeep.core.visits.piccolo_app"],
    commands=[],
)
