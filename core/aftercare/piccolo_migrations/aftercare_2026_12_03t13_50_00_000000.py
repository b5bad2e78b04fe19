from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Text
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T13:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "the client's preferred contact channel per message purpose"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="aftercare", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="CallPreference",
        tablename="call_preference",
        column_name="channels",
        db_column_name="channels",
        column_class_name="Text",
        column_class=Text,
        params={
            "default": "",
            "null": False,
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
