"""The PostgreSQL role the service runs as: it owns nothing and cannot rewrite the audit trail.

Migrations run as the owner role (MIGRATE_DATABASE_URL); the web processes and workers connect
as the app role (DATABASE_URL), which may read and write rows but not alter, disable triggers
on, update, delete or truncate the audit table, nor change any table (it owns none).
`manage.py grant_app_role`, run as the owner after each migrate, applies these statements;
`scripts/db-roles-check` proves the refusals.
"""

from __future__ import annotations

from collections.abc import Callable

AUDIT_TABLE = "audit_auditevent"


def app_role_grants(*, role: str, database: str, quote: Callable[[str], str]) -> list[str]:
    app, db, audit = quote(role), quote(database), quote(AUDIT_TABLE)
    dml = "SELECT, INSERT, UPDATE, DELETE"
    return [
        f"GRANT CONNECT ON DATABASE {db} TO {app}",
        f"GRANT USAGE ON SCHEMA public TO {app}",
        f"REVOKE CREATE ON SCHEMA public FROM {app}",
        f"GRANT {dml} ON ALL TABLES IN SCHEMA public TO {app}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {app}",
        # The audit trail: append and read only.
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {audit} FROM {app}",
        f"GRANT SELECT, INSERT ON {audit} TO {app}",
        # Tables later migrations create get the same grants (the audit table is already here).
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT {dml} ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public"
        f" GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {app}",
    ]
