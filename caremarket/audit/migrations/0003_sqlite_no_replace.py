"""SQLite: INSERT OR REPLACE must not rewrite an audit event either.

REPLACE deletes the conflicting row without firing DELETE triggers (unless recursive triggers
are on), so the append-only triggers of 0002 never see it. This trigger refuses any insert
whose id is already taken. The SQL lives here, not in audit.triggers, so later edits there
cannot change what this migration did.
"""

from django.db import migrations

NO_REPLACE = """CREATE TRIGGER IF NOT EXISTS audit_event_no_replace BEFORE INSERT ON audit_auditevent
    WHEN EXISTS (SELECT 1 FROM audit_auditevent WHERE id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(NO_REPLACE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_replace;")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]
    operations = [migrations.RunPython(forwards, backwards)]
