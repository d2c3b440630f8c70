"""Round fit: a provider sees how a package fits its own round, and nothing else; the broker
sees who is best placed beside the ranked list."""

import json

from caremarket.geography.models import Postcode
from caremarket.sourcing.selectors.round_fit import round_fit_for
from caremarket.sourcing.tests.conftest import THURSDAY
from caremarket.sourcing.tests.rounds.conftest import client_of, every_day, offered, postcode_at


def test_counts_bands_nearest_and_calls_near_the_providers_own_calls(world, round_world):
    s = round_world
    package = offered(
        s, world.broker, postcode_at("CM1 9ZZ"), rows=[every_day(8, 30, 30), every_day(13, 0, 30)]
    )
    fit = round_fit_for(organisation_id=s.first.organisation_id, packages=[package])[package.pk]
    assert (fit.within_1km, fit.within_2km, fit.within_5km, fit.located_clients) == (1, 2, 3, 4)
    assert str(fit.nearest_km) == "0.5" and fit.exact
    # 08:30 is 15 minutes after the nearby 07:30-08:15 call; the 13:10 call is 8 km away.
    assert fit.calls_total == 14
    assert fit.calls_fitting == [
        f"{d} 08:30" for d in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    ]


def test_a_call_more_than_30_minutes_from_any_nearby_call_does_not_fit(world, round_world):
    package = offered(
        round_world, world.broker, postcode_at("CM1 9ZZ"), rows=[every_day(8, 50, 30)]
    )
    fit = round_fit_for(organisation_id=round_world.first.organisation_id, packages=[package])
    assert fit[package.pk].calls_fitting == []  # 35 minutes after the 08:15 end


def test_another_providers_clients_change_nothing(world, round_world):
    s = round_world
    package = offered(s, world.broker, postcode_at("CM1 9ZZ"), rows=[every_day(8, 30, 30)])
    before = round_fit_for(organisation_id=s.first.organisation_id, packages=[package])
    other = s.second.organisation
    for n, east in enumerate((0.05, 0.1, 0.2, 0.9), start=10):
        client_of(
            s,
            world.broker,
            other,
            postcode_at(f"CM1 6A{'ABDE'[n - 10]}", east_km=east),
            rows=[every_day(8, 0, 60)],
            n=n,
        )
    after = round_fit_for(organisation_id=s.first.organisation_id, packages=[package])
    assert after == before
    theirs = round_fit_for(organisation_id=other.pk, packages=[package])[package.pk]
    assert theirs.within_1km == 4 and theirs.calls_fitting  # their own round, not Meadow's


def test_every_postcode_in_a_grid_square_gives_the_same_answer(world, round_world):
    """Comparing answers for nearby packages cannot single out a postcode inside its square."""
    s = round_world
    codes = [
        postcode_at(f"CM1 9Z{c}", east_km=dx, north_km=dy)
        for c, (dx, dy) in zip(
            "ABCDEFGH",
            [
                (-0.2, -0.2),
                (0.2, 0.2),
                (0.1, -0.15),
                (-0.24, 0.24),
                (0, 0.1),
                (0.2, -0.2),
                (-0.1, 0.2),
                (0.24, 0),
            ],
            strict=True,
        )
    ]
    packages = [offered(s, world.broker, code) for code in codes]
    fits = round_fit_for(organisation_id=s.first.organisation_id, packages=packages)
    answers = {
        (f.within_1km, f.within_2km, f.within_5km, f.nearest_km, tuple(f.calls_fitting))
        for f in fits.values()
    }
    assert len(answers) == 1
    # Just across the square's edge the answer may differ: the square, not the postcode, is what
    # an answer can reveal.
    assert len(packages) == 8


def test_a_postcode_missing_from_the_directory_is_approximate(world, round_world):
    package = offered(round_world, world.broker, "CM1 7QQ")  # not in the directory: CM1's centre
    fit = round_fit_for(organisation_id=round_world.first.organisation_id, packages=[package])
    assert fit[package.pk].exact is False


def test_the_broker_sees_providers_best_placed_beside_their_ranked_place(world, round_world):
    s = round_world
    for n, east in enumerate((0.1, 0.2, 0.4), start=20):
        code = postcode_at(f"CM1 6A{'ABD'[n - 20]}", east_km=east)
        client_of(s, world.broker, s.second.organisation, code, rows=[every_day(8, 0, 30)], n=n)
    package = offered(s, world.broker, postcode_at("CM1 9ZZ"), rows=[every_day(8, 30, 30)])
    from caremarket.sourcing.selectors.round_fit import best_placed

    rows = best_placed(package=package, on=THURSDAY.date())
    # Position 2 on the list, but three clients within 0.4 km: it fits best.
    assert [(r.name, r.tier, r.position) for r in rows][:2] == [
        (s.second.organisation.name, 1, 2),
        (s.first.organisation.name, 1, 1),
    ]
    # Tier-1 offers still follow the ranked list.
    assert package.offers.get(outcome="").provider == s.first
    assert {r.name for r in rows} == {
        s.first.organisation.name,
        s.second.organisation.name,
        s.tier2.organisation.name,
    }
    page = world.client_for(world.broker).get(f"/sourcing/packages/{package.pk}/").content.decode()
    assert "Best placed for this package" in page and "Tier 2, position 1" in page


# Live demand shows a provider how each waiting package fits its own round (issue 14 item 2):
# the same figures as its offers, on the page and in the API, never a postcode or a person.
def test_live_demand_shows_each_provider_its_own_round_fit(world, round_world, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    s = round_world
    package = offered(s, world.broker, postcode_at("CM1 9ZZ"), rows=[every_day(8, 30, 30)])
    # Another provider's clients right beside the package must not show in Meadow's figures.
    client_of(s, world.broker, s.second.organisation, postcode_at("CM1 6AA", east_km=0.05), n=10)
    expected = round_fit_for(organisation_id=s.first.organisation_id, packages=[package])[
        package.pk
    ]
    client = world.client_for(s.first_user)

    body = client.get("/api/v1/demand").json()
    (row,) = [p for p in body["packages"] if p["reference"] == package.reference]
    fit = row["round_fit"]
    assert (fit["within_1km"], fit["within_2km"], fit["within_5km"]) == (1, 2, 3)
    assert (fit["within_1km"], fit["within_5km"]) == (expected.within_1km, expected.within_5km)
    assert fit["nearest_km"] == "0.5" and fit["exact"] is True
    assert fit["calls_total"] == 7 and len(fit["calls_fitting"]) == 7

    page = client.get("/insight/demand/").content.decode()
    assert "Fit with your round" in page
    assert "Your clients within 1 km: 1, 2 km: 2, 5 km: 3; nearest within 0.5 km." in page
    assert "7 of 7 calls" in page

    own_postcodes = set(Postcode.objects.values_list("postcode", flat=True))
    for text in (json.dumps(body), page):
        assert not any(pc in text for pc in own_postcodes)
        assert "9ZZ" not in text and "AS-" not in text


def test_council_staff_see_live_demand_without_round_fit(world, round_world, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    offered(round_world, world.broker, postcode_at("CM1 9ZZ"), rows=[every_day(8, 30, 30)])
    client = world.client_for(world.broker)
    body = client.get("/api/v1/demand").json()
    assert body["packages"] and all(p["round_fit"] is None for p in body["packages"])
    page = client.get("/insight/demand/").content.decode()
    assert "Live demand for home care" in page and "Fit with your round" not in page
