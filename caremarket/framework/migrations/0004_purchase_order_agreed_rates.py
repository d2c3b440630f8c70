"""Purchase orders for placements outside the price matrix (decision 0074)."""

import django.db.models.deletion
from django.db import migrations, models


def _organisations(apps, schema_editor):
    PurchaseOrder = apps.get_model("framework", "PurchaseOrder")
    Provider = apps.get_model("framework", "Provider")
    for provider_id, organisation_id in Provider.objects.values_list("pk", "organisation_id"):
        PurchaseOrder.objects.filter(provider_id=provider_id).update(
            organisation_id=organisation_id
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("framework", "0003_purchase_order_transfer"),
    ]

    operations = [
        migrations.AddField(
            model_name="purchaseorder",
            name="organisation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.RunPython(_organisations, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="purchaseorder",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="purchaseorder",
            name="provider",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="purchase_orders",
                to="framework.provider",
            ),
        ),
        migrations.AddField(
            model_name="purchaseorder",
            name="pricing",
            field=models.CharField(
                choices=[
                    ("matrix", "Price matrix"),
                    ("agreed", "Rate agreed for the package"),
                    ("spot", "Spot purchase"),
                ],
                default="matrix",
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="purchaseorder",
            constraint=models.CheckConstraint(
                condition=models.Q(("pricing", "matrix"), _negated=True)
                | models.Q(("provider__isnull", False)),
                name="framework_po_matrix_has_provider",
            ),
        ),
    ]
