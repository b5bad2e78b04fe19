"""The tenant directory remembers the sign-up invitation a tenant was created with."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T13:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "tenant.signup_invitation: the invitation a public sign-up used"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tenants", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Tenant",
        tablename="tenant",
        column_name="signup_invitation",
        db_column_name="signup_invitation",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    return manager
