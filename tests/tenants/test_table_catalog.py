"""Every piccolo table of every app is either the tenant directory or a tenant table with a
non-null ``tenant_id`` pointing at the tenant and a UUID primary key (on any database)."""

from __future__ import annotations

from piccolo.columns import UUID, ForeignKey

from salonkeep.core.apps import all_tables
from salonkeep.tenants.isolation import DIRECTORY_TABLES, tenant_tables
from salonkeep.tenants.tables import Tenant


def test_every_table_is_a_tenant_table_or_the_directory():
    tables = all_tables()
    names = [t._meta.tablename for t in tables]
    assert len(names) == len(set(names))
    assert set(names) - {t._meta.tablename for t in tenant_tables(tables)} == set(DIRECTORY_TABLES)
    for table in tenant_tables(tables):
        column = table._meta.get_column_by_name("tenant_id")
        assert isinstance(column, ForeignKey), f"{table._meta.tablename}.tenant_id"
        assert column._foreign_key_meta.resolved_references is Tenant
        assert column._meta.null is False, f"{table._meta.tablename}.tenant_id may be null"


def test_every_table_has_a_uuid_primary_key():
    for table in all_tables():
        assert isinstance(table._meta.primary_key, UUID), table._meta.tablename
