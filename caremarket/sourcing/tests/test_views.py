from caremarket.sourcing.tests.conftest import THURSDAY


def test_the_history_page_shows_every_decision(world, sourcing):
    package = sourcing.package(world.broker)
    body = world.client_for(world.broker).get(f"/sourcing/packages/{package.pk}/").content.decode()
    assert "Sourcing started on ranked list version" in body and "tier 1 position 1" in body


def test_providers_cannot_open_council_package_pages(world, sourcing):
    package = sourcing.package(world.broker)
    client = world.client_for(sourcing.first_user)
    assert client.get(f"/sourcing/packages/{package.pk}/").status_code == 404
    assert client.get("/sourcing/packages/").status_code == 404


def test_the_offers_inbox_shows_the_deadline_and_not_the_person(world, sourcing, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    package = sourcing.package(world.broker)
    body = world.client_for(sourcing.first_user).get("/sourcing/offers/").content.decode()
    assert package.reference in body and "Answer by 12:00" in body
    assert "AS-12345" not in body


def test_a_care_home_provider_has_no_offers_inbox(world, sourcing):
    assert world.client_for(world.care_home_admin).get("/sourcing/offers/").status_code == 404


def test_the_package_list_counts_every_status_including_none(world, sourcing):
    sourcing.package(world.broker)
    body = world.client_for(world.broker).get("/sourcing/packages/").content.decode()
    assert '>Offering to tier 1</a>: <span class="cm-number">1</span>' in body
    assert '>Placed</a>: <span class="cm-number">0</span>' in body
