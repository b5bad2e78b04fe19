"""The programme a covered complaint is covered by (``complaint_round.covered_by``)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T13:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "complaint_round.covered_by"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="complaints", description=DESCRIPTION)

    manager.add_column(
        table_class_name="ComplaintRound",
        tablename="complaint_round",
        column_name="covered_by",
        db_column_name="covered_by",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 24,
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
