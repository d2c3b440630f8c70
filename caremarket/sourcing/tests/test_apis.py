from caremarket.sourcing.tests.conftest import THURSDAY


def test_a_broker_creates_a_package_through_the_api(world, sourcing, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    response = world.client_for(world.broker).post(
        "/api/v1/packages",
        {
            "person_reference": "AS-1",
            "postcode": "CM1 1AA",
            "service_type": "personal_care",
            "cohort": "older_people",
            "hours_per_week": "7",
            "visit_pattern": "2 calls a day",
            "start_date": "2026-12-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (
        body["stage"] == "tier1"
        and body["offers"][0]["provider"] == sourcing.first.organisation.name
    )
    assert body["decisions"][0]["list_version_id"] == sourcing.fw.version.pk


def test_package_errors_answer_422_with_the_field(world, sourcing):
    response = world.client_for(world.broker).post(
        "/api/v1/packages",
        {
            "person_reference": "AS-1",
            "postcode": "nonsense",
            "service_type": "personal_care",
            "cohort": "older_people",
            "hours_per_week": "7",
            "visit_pattern": "x",
            "start_date": "2030-12-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 422 and "postcode" in response.json()["errors"]


def test_providers_see_only_their_own_offers_and_never_the_person(world, sourcing, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    package = sourcing.package(world.broker)
    mine = world.client_for(sourcing.first_user).get("/api/v1/offers").json()["items"]
    assert [o["package_reference"] for o in mine] == [package.reference]
    assert "AS-12345" not in str(mine)
    assert world.client_for(sourcing.second_user).get("/api/v1/offers").json()["items"] == []
    assert (
        world.client_for(sourcing.first_user).get(f"/api/v1/packages/{package.pk}").status_code
        == 404
    )


def test_a_provider_accepts_and_declines_through_the_api(world, sourcing, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    package = sourcing.package(world.broker)
    offer = package.offers.get()
    other = world.client_for(sourcing.second_user)
    assert other.post(f"/api/v1/offers/{offer.pk}/accept").status_code == 404
    mine = world.client_for(sourcing.first_user)
    no_reason = mine.post(
        f"/api/v1/offers/{offer.pk}/decline", {"reason": ""}, content_type="application/json"
    )
    assert no_reason.status_code == 422
    declined = mine.post(
        f"/api/v1/offers/{offer.pk}/decline", {"reason": "full"}, content_type="application/json"
    )
    assert declined.json()["outcome"] == "declined"
    again = mine.post(f"/api/v1/offers/{offer.pk}/accept")
    assert again.status_code == 422
    second = package.offers.get(outcome="")
    accepted = world.client_for(sourcing.second_user).post(f"/api/v1/offers/{second.pk}/accept")
    assert accepted.status_code == 200 and accepted.json()["outcome"] == "accepted"
