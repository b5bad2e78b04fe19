"""The piccolo app of the tenancy context (tables and migrations)."""

import os

from piccolo.conf.apps import AppConfig

from salonkeep.tenants.tables import (
    Branch,
    ConfidentialityAgreement,
    SignInFailure,
    StaffBranch,
    StaffMember,
    Tenant,
)

APP_CONFIG = AppConfig(
    app_name="tenants",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Tenant, Branch, StaffMember, StaffBranch, SignInFailure, ConfidentialityAgreement],
    migration_dependencies=[],
    commands=[],
)
