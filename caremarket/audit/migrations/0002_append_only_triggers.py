"""The database itself refuses to change or remove audit events."""

from django.db import migrations

from caremarket.audit.triggers import triggers_install, triggers_remove


def forwards(apps, schema_editor):
    triggers_install(schema_editor.connection)


def backwards(apps, schema_editor):
    triggers_remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
