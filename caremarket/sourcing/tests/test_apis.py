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


def test_a_provider_reads_and_answers_the_batching_list_through_the_api(
    world, sourcing, monkeypatch
):
    from caremarket.sourcing.services import batching
    from caremarket.sourcing.tests.conftest import at
    from caremarket.sourcing.tests.helpers import exhaust_tier1

    package = sourcing.package(world.broker)
    exhaust_tier1(sourcing, package, at(2026, 11, 19, 11))
    client = world.client_for(sourcing.second_user)
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2026, 11, 19, 15))
    assert client.get("/api/v1/batching-list").status_code == 404
    batching.batching_list_issue(now=at(2026, 11, 19, 16))
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2026, 11, 19, 17))
    listed = client.get("/api/v1/batching-list").json()
    row = next(r for r in listed["packages"] if r["id"] == package.pk)
    assert row["interested"] is False and "person_reference" not in row
    answered = client.put(
        "/api/v1/batching-list/return",
        {"interested": [package.pk]},
        content_type="application/json",
    )
    assert answered.status_code == 200
    assert next(r for r in answered.json()["packages"] if r["id"] == package.pk)["interested"]
    # Not a provider on the framework: the list is not there for them (require_visible).
    assert world.client_for(world.care_home_admin).get("/api/v1/batching-list").status_code == 404


def test_available_packages_and_a_rate_proposal_through_the_api(world, sourcing, monkeypatch):
    from caremarket.sourcing.models import RateProposal
    from caremarket.sourcing.services import available
    from caremarket.sourcing.tests.conftest import at
    from caremarket.sourcing.tests.helpers import to_available_list

    package = to_available_list(world, sourcing)
    available.available_list_issue(now=at(2026, 11, 23, 9))
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2026, 11, 23, 10))
    client = world.client_for(sourcing.spot_user)
    listed = client.get("/api/v1/available-packages").json()
    assert listed["count"] == 1 and listed["items"][0]["reference"] == package.reference
    proposed = client.post(
        f"/api/v1/available-packages/{package.pk}/proposals",
        {"rate": "24.50", "notes": "from Monday"},
        content_type="application/json",
    )
    assert proposed.status_code == 201 and proposed.json()["rate"] == "24.50"
    assert RateProposal.objects.filter(package=package).count() == 1
    refused = client.post(
        f"/api/v1/available-packages/{package.pk}/proposals",
        {"rate": "0"},
        content_type="application/json",
    )
    assert refused.status_code == 422


def test_branch_requests_through_the_api(world, sourcing):
    manager = world.client_for(world.contract_manager).get("/api/v1/branch-requests")
    assert manager.status_code == 200 and manager.json()["count"] == 0
    provider = world.client_for(sourcing.first_user).get("/api/v1/branch-requests")
    assert provider.status_code == 200
    assert world.client_for(world.care_home_admin).get("/api/v1/branch-requests").status_code == 403


PACKAGE = {
    "person_reference": "AS-2",
    "postcode": "CM1 1AA",
    "service_type": "personal_care",
    "cohort": "older_people",
    "hours_per_week": "7",
    "visit_pattern": "2 calls a day",
    "start_date": "2026-12-01",
}


def test_a_provider_cannot_create_packages_and_learns_nothing(world, sourcing):
    response = world.client_for(sourcing.first_user).post(
        "/api/v1/packages", PACKAGE, content_type="application/json"
    )
    assert response.status_code == 404
    assert set(response.json()) >= {"detail", "code"}


def test_an_unknown_package_answers_404_in_the_error_shape(world, sourcing):
    response = world.client_for(world.broker).get("/api/v1/packages/999999")
    assert response.status_code == 404 and "detail" in response.json()


def test_the_council_cannot_answer_a_providers_offer(world, sourcing, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    offer = sourcing.package(world.broker).offers.get()
    broker = world.client_for(world.broker)
    assert broker.post(f"/api/v1/offers/{offer.pk}/accept").status_code == 404
    offer.refresh_from_db()
    assert offer.outcome == ""


def test_ending_care_that_was_never_placed_is_refused(world, sourcing, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    package = sourcing.package(world.broker)
    response = world.client_for(world.broker).post(
        f"/api/v1/packages/{package.pk}/end",
        {"ends_on": "2026-12-31", "reason": "Moved away"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "only a placed package can be ended" in response.json()["detail"]
