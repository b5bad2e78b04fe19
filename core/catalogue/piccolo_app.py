"""The piccolo app of the catalogue (categories, services, products, branch deviations)."""

import os

from piccolo.conf.apps import AppConfig

from salonkeep.core.catalogue.tables import (
    BranchCatalogueItem,
    CatalogueCategory,
    CatalogueProduct,
    CatalogueService,
)

APP_CONFIG = AppConfig(
    app_name="catalogue",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[CatalogueCategory, CatalogueService, CatalogueProduct, BranchCatalogueItem],
    migration_dependencies=["salonkeep.tenants.piccolo_app"],
    commands=[],
)
