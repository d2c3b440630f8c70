"""Re-install the room-hold triggers with the home-closure check (issue 16 item 5)."""

from django.db import migrations

from caremarket.carehomes.triggers import triggers_install, triggers_remove


def forwards(apps, schema_editor):
    triggers_remove(schema_editor.connection)
    triggers_install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("carehomes", "0004_carehome_cqc_deregistered_on")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
