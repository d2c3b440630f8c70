"""Synthetic CQC files for the demo: they go through the real CQC import, as real files do."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

from caremarket.accounts.demo import CARE_HOME_PROVIDER
from caremarket.carehomes.models import CareType
from caremarket.cqc.services import DIRECTORY_COLUMNS
from caremarket.geography.models import District, Postcode

FIRST = (
    "Oak",
    "Willow",
    "Elm",
    "Beech",
    "Cedar",
    "Rose",
    "Lavender",
    "Meadow",
    "River",
    "Hill",
    "Abbey",
    "Orchard",
    "Holly",
    "Ash",
    "Bramble",
    "Heather",
    "Maple",
    "Primrose",
    "Linden",
    "Swan",
    "Kingfisher",
    "Heron",
    "Chestnut",
    "Poplar",
    "Hazel",
)
SECOND = ("House", "Lodge", "Court", "Manor", "Grange", "View", "Gardens", "Hall", "Park")
STREETS = (
    "High Street",
    "Church Lane",
    "London Road",
    "Station Road",
    "Mill Lane",
    "The Green",
    "Park Road",
    "Victoria Road",
    "Manor Road",
    "School Lane",
)
PROVIDERS = (
    "Anchor Hanover",
    "Barchester Healthcare",
    "Care UK",
    "Sanctuary Care",
    "HC-One",
    "Runwood Homes",
    "Excelcare",
    "Colten Care",
    "Avery Healthcare",
    "Greensleeves Care",
    "Essex Cares",
    "Saffron Care",
    "Estuary Living",
    "Blackwater Care",
    "Stour Valley Homes",
)
SPECIALISMS = {
    CareType.OLDER_PEOPLE: "Caring for adults over 65 yrs",
    CareType.YOUNGER_ADULTS: "Caring for adults under 65 yrs",
    CareType.DEMENTIA: "Dementia",
    CareType.LEARNING_DISABILITY: "Learning disabilities",
    CareType.MENTAL_HEALTH: "Mental health conditions",
    CareType.PHYSICAL_DISABILITY: "Physical disabilities",
    CareType.SENSORY_IMPAIRMENT: "Sensory impairments",
}
RATINGS = (("Outstanding", 5), ("Good", 75), ("Requires improvement", 17), ("Inadequate", 3))
DOMAINS = ("Overall", "Safe", "Effective", "Caring", "Responsive", "Well-led")


def cqc_files(
    rng: random.Random, districts: list[District], per_district: int
) -> tuple[bytes, bytes, int]:
    """A CQC care directory and ratings file for `per_district` homes in each district."""
    directory, ratings = io.StringIO(), io.StringIO()
    directory.write("Care directory with ratings (demo)\nSynthetic data\nData as at today\n\n")
    d, r = csv.writer(directory), csv.writer(ratings)
    d.writerow(DIRECTORY_COLUMNS)
    r.writerow(
        ["Location ID", "Service / Population Group", "Domain", "Latest Rating", "Publication Date"]
    )
    count = 0
    for district in districts:
        postcodes = list(Postcode.objects.filter(oslaua=district.code).order_by("postcode"))
        for i in range(per_district):
            count += 1
            location_id = f"1-{200000000 + count}"
            if count <= 6:  # the demo provider's homes
                provider, provider_id = CARE_HOME_PROVIDER, "1-000000001"
            else:
                n = rng.randrange(len(PROVIDERS))
                provider, provider_id = f"{PROVIDERS[n]} Ltd", f"1-{300000000 + n}"
            types = [CareType.OLDER_PEOPLE] if rng.random() < 0.85 else [CareType.YOUNGER_ADULTS]
            types += [t for t in list(SPECIALISMS)[2:] if rng.random() < 0.3]
            nursing = rng.random() < 0.4
            service = "Nursing homes|Residential homes" if nursing else "Residential homes"
            postcode = rng.choice(postcodes).postcode if postcodes else ""
            name = f"{FIRST[(count * 7) % len(FIRST)]} {SECOND[(count * 3 + i) % len(SECOND)]}"
            d.writerow(
                [
                    name,
                    "",
                    f"{rng.randint(1, 200)} {rng.choice(STREETS)}, {district.name}",
                    postcode,
                    f"01{rng.randint(200, 799)} {rng.randint(100000, 999999)}",
                    f"https://{name.lower().replace(' ', '')}.example",
                    service,
                    "",
                    "|".join(SPECIALISMS[t] for t in types),
                    provider,
                    "Essex",
                    "East",
                    "",
                    location_id,
                    provider_id,
                ]
            )
            overall = rng.choices([x for x, _ in RATINGS], [w for _, w in RATINGS])[0]
            published = dt.date.today() - dt.timedelta(days=rng.randint(60, 900))
            for domain in DOMAINS:
                rating = (
                    overall if rng.random() < 0.8 else rng.choice(["Good", "Requires improvement"])
                )
                r.writerow([location_id, "Overall", domain, rating, published.isoformat()])
    return directory.getvalue().encode(), ratings.getvalue().encode(), count
