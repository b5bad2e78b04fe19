"""Tenant-scoped unique keys (one warranty per sale, receipt numbers) and same-tenant keys."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine

ID = "2026-11-23T09:54:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "warranty keys and indexes"

BOTH = [
    "CREATE UNIQUE INDEX product_warranty_sale ON product_warranty (tenant_id, sale_id)",
    "CREATE INDEX product_warranty_client ON product_warranty (tenant_id, client_id, sold_on)",
    "CREATE UNIQUE INDEX warranty_claim_receipt ON warranty_claim (tenant_id, receipt_number)",
    "CREATE INDEX warranty_claim_warranty ON warranty_claim (tenant_id, warranty_id)",
]
POSTGRES_ONLY = [
    "ALTER TABLE product_warranty ADD CONSTRAINT product_warranty_tenant_id_key UNIQUE (tenant_id, id)",
    # The visits app may add this key itself one day: only add it when missing.
    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'sale_tenant_id_key') "
    "THEN ALTER TABLE sale ADD CONSTRAINT sale_tenant_id_key UNIQUE (tenant_id, id); END IF; END $$",
    "ALTER TABLE product_warranty ADD CONSTRAINT product_warranty_sale_id_same_tenant "
    "FOREIGN KEY (tenant_id, sale_id) REFERENCES sale (tenant_id, id) ON DELETE CASCADE",
    "ALTER TABLE product_warranty ADD CONSTRAINT product_warranty_client_id_same_tenant "
    "FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id) ON DELETE CASCADE",
    "ALTER TABLE product_warranty ADD CONSTRAINT product_warranty_branch_id_same_tenant "
    "FOREIGN KEY (tenant_id, branch_id) REFERENCES branch (tenant_id, id)",
    "ALTER TABLE warranty_claim ADD CONSTRAINT warranty_claim_warranty_id_same_tenant "
    "FOREIGN KEY (tenant_id, warranty_id) REFERENCES product_warranty (tenant_id, id) ON DELETE CASCADE",
    "ALTER TABLE warranty_claim ADD CONSTRAINT warranty_claim_client_id_same_tenant "
    "FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id) ON DELETE CASCADE",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="warranty", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        statements = BOTH + (POSTGRES_ONLY if isinstance(engine, PostgresEngine) else [])
        for sql in statements:
            await engine.run_ddl(sql)

    manager.add_raw(run)
    return manager
