"""Tenant-scoped unique keys and same-tenant foreign keys of the catalogue."""

from salonkeep.tenants.raw_migrations import sql_migration

ID = "2026-12-03T07:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "catalogue keys"

BOTH = [
    "CREATE UNIQUE INDEX catalogue_category_code ON catalogue_category (tenant_id, kind, code)",
    "CREATE UNIQUE INDEX catalogue_service_name ON catalogue_service (tenant_id, lower(name))",
    "CREATE UNIQUE INDEX catalogue_product_name ON catalogue_product (tenant_id, lower(name))",
    "CREATE UNIQUE INDEX branch_catalogue_item_key ON branch_catalogue_item (tenant_id, branch_id, kind, item_id)",
]
POSTGRES_ONLY = [
    "ALTER TABLE branch_catalogue_item ADD CONSTRAINT branch_catalogue_item_branch_same_tenant "
    "FOREIGN KEY (tenant_id, branch_id) REFERENCES branch (tenant_id, id) ON DELETE CASCADE",
]

forwards = sql_migration(
    migration_id=ID, app_name="catalogue", description=DESCRIPTION, both=BOTH, postgres_only=POSTGRES_ONLY
)
