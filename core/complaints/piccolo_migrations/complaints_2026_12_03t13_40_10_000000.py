"""Photos of complaints filed on the public page (no client named yet): ``client_id`` of
``complaint_attachment`` may be empty; such photos are sealed under the tenant key.

SQLite cannot drop a NOT NULL constraint: the table is rebuilt with the same columns."""

from salonkeep.tenants.raw_migrations import sql_migration

ID = "2026-12-03T13:40:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "complaint photos without a client (public page)"

POSTGRES_ONLY = ["ALTER TABLE complaint_attachment ALTER COLUMN client_id DROP NOT NULL"]
SQLITE_ONLY = [
    'CREATE TABLE "complaint_attachment_new" ("id" UUID PRIMARY KEY NOT NULL DEFAULT None, '
    '"tenant_id" UUID NOT NULL REFERENCES "tenant" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
    '"complaint_id" UUID NOT NULL REFERENCES "complaint" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null, '
    '"client_id" UUID NULL REFERENCES "client" ("id") ON DELETE CASCADE ON UPDATE CASCADE DEFAULT null, '
    "\"content_type\" VARCHAR(32) NOT NULL DEFAULT '', \"size\" INTEGER NOT NULL DEFAULT 0, "
    "\"data\" TEXT NOT NULL DEFAULT '', \"created_at\" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, "
    "\"created_by\" VARCHAR(200) NOT NULL DEFAULT '')",
    "INSERT INTO complaint_attachment_new SELECT id, tenant_id, complaint_id, client_id, content_type, "
    "size, data, created_at, created_by FROM complaint_attachment",
    "DROP TABLE complaint_attachment",
    "ALTER TABLE complaint_attachment_new RENAME TO complaint_attachment",
    "CREATE INDEX complaint_attachment_of ON complaint_attachment (tenant_id, complaint_id)",
]


forwards = sql_migration(
    migration_id=ID,
    app_name="complaints",
    description=DESCRIPTION,
    postgres_only=POSTGRES_ONLY,
    sqlite_only=SQLITE_ONLY,
)
