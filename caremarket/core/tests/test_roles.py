"""The app role's grants (proved against PostgreSQL by scripts/db-roles-check in CI)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from caremarket.core.roles import app_role_grants


def test_the_app_role_may_only_append_to_and_read_the_audit_trail():
    grants = app_role_grants(role="app", database="cm", quote=lambda n: f'"{n}"')
    assert 'REVOKE UPDATE, DELETE, TRUNCATE ON "audit_auditevent" FROM "app"' in grants
    assert 'GRANT SELECT, INSERT ON "audit_auditevent" TO "app"' in grants
    assert not any("OWNER" in g or "ALL PRIVILEGES" in g or "TRIGGER" in g for g in grants)
    # The revoke follows the table-wide grant, or the grant would give the rights back.
    assert grants.index('REVOKE UPDATE, DELETE, TRUNCATE ON "audit_auditevent" FROM "app"') > next(
        i for i, g in enumerate(grants) if "ON ALL TABLES" in g
    )


@pytest.mark.django_db
def test_granting_on_sqlite_says_there_are_no_roles():
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL run is scripts/db-roles-check")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("grant_app_role", role="app")
