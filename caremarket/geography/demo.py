"""A synthetic extract of the postcode directory so exact look-ups work in the demo.

The inward codes are invented and scattered around each outward code's centre; real
deployments import the ONS file with `manage.py import_postcodes`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

from django.utils import timezone

from caremarket.geography.models import OutwardCode, Postcode
from caremarket.geography.services import postcode_import

INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
PER_OUTWARD = 40


def load(*, rng: random.Random, now: dt.datetime | None = None, **_: object) -> list[str]:
    if Postcode.objects.exists():
        return ["Postcodes already loaded."]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["pcds", "oslaua", "lat", "long", "doterm"])
    for oc in OutwardCode.objects.select_related("district").order_by("code"):
        seen: set[str] = set()
        while len(seen) < PER_OUTWARD:
            inward = f"{rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
            if inward in seen:
                continue
            seen.add(inward)
            lat = oc.lat + rng.uniform(-0.03, 0.03)
            lng = oc.lng + rng.uniform(-0.045, 0.045)
            code = oc.district.code if oc.district else ""
            writer.writerow([f"{oc.code} {inward}", code, f"{lat:.6f}", f"{lng:.6f}", ""])
    run = postcode_import(
        stream=io.BytesIO(out.getvalue().encode()),
        filename="demo-postcodes.csv",
        # Older callers load postcodes alone, without the demo clock.
        now=now or timezone.now(),
    )
    return [f"{run.stored} demo postcodes."]
