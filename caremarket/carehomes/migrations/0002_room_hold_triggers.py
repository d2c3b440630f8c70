"""The database itself refuses overlapping bookings, requests and suspensions on a room."""

from django.db import migrations

from caremarket.carehomes.triggers import triggers_install, triggers_remove


def forwards(apps, schema_editor):
    triggers_install(schema_editor.connection)


def backwards(apps, schema_editor):
    triggers_remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("carehomes", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
