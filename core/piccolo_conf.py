"""piccolo configuration: the migration engine (as the table owner) and every piccolo app.

Used by ``salonkeep migrate`` and when writing a migration:
``PICCOLO_CONF=salonkeep.core.piccolo_conf piccolo migrations new clients --auto``.
"""

from piccolo.conf.apps import AppRegistry

from salonkeep.core.apps import app_modules
from salonkeep.tenants.db import make_engine
from salonkeep.tenants.settings import load_settings

DB = make_engine(load_settings().migration_database_url)

APP_REGISTRY = AppRegistry(apps=app_modules())
