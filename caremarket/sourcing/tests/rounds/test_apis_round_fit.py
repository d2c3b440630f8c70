"""Round fit in the API: a provider's own figures, never a postcode, and only for provider staff."""

import json

from caremarket.geography.models import Postcode
from caremarket.sourcing.selectors.round_fit import round_fit_for
from caremarket.sourcing.tests.conftest import THURSDAY
from caremarket.sourcing.tests.rounds.conftest import every_day, offered, postcode_at


def test_the_api_and_page_show_figures_never_a_postcode(world, round_world, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    s = round_world
    package = offered(s, world.broker, postcode_at("CM1 9ZZ"), rows=[every_day(8, 30, 30)])
    client = world.client_for(s.first_user)
    response = client.get("/api/v1/round-fit")
    assert response.status_code == 200
    (row,) = response.json()
    assert row["package_reference"] == package.reference and row["seen_on"] == ["offer"]
    assert (row["within_1km"], row["within_2km"], row["within_5km"]) == (1, 2, 3)
    assert row["outward_code"] == "CM1" and row["nearest_km"] == "0.5"
    page = client.get("/sourcing/offers/").content.decode()
    assert "Your current clients within 1 km: <strong>1</strong>" in page
    own_postcodes = set(Postcode.objects.values_list("postcode", flat=True))
    for text in (json.dumps(response.json()), page):
        assert not any(pc in text for pc in own_postcodes)
        assert "9ZZ" not in text and "AS-" not in text


def test_only_provider_staff_see_round_fit(world, round_world):
    assert world.client_for(world.broker).get("/api/v1/round-fit").status_code == 404
    assert world.client_for(world.care_home_admin).get("/api/v1/round-fit").status_code == 404
    # A provider with no clients still gets figures, all zero, for what is offered to it.
    package = offered(round_world, world.broker, postcode_at("CM1 9ZZ"))
    fit = round_fit_for(organisation_id=round_world.tier2.organisation_id, packages=[package])
    assert fit[package.pk].within_5km == 0 and fit[package.pk].nearest_km is None
