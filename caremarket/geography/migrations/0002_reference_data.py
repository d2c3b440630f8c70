"""The council's districts, their neighbours and approximate outward-code positions."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    District = apps.get_model("geography", "District")
    OutwardCode = apps.get_model("geography", "OutwardCode")
    with (DATA / "districts.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            District.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "locality": row["locality"],
                    "in_council_area": row["in_council_area"] == "1",
                    "council_code": row["council_code"],
                },
            )
    districts = {d.code: d for d in District.objects.all()}
    with (DATA / "outward_codes.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            OutwardCode.objects.update_or_create(
                code=row["code"],
                defaults={
                    "lat": float(row["lat"]),
                    "lng": float(row["long"]),
                    "district": districts.get(row["district_code"]),
                    "spans_districts": row["spans_districts"] == "1",
                },
            )


class Migration(migrations.Migration):
    dependencies = [("geography", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
