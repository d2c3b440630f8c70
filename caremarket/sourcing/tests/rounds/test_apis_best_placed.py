"""Best placed in the API: the providers nearest a package's round, for the council only."""

from caremarket.sourcing.tests.rounds.conftest import offered, postcode_at


def test_best_placed_is_in_the_api_for_the_council_only(world, round_world):
    package = offered(round_world, world.broker, postcode_at("CM1 9ZZ"))
    url = f"/api/v1/packages/{package.pk}/best-placed"
    body = world.client_for(world.broker).get(url).json()
    assert body[0]["provider"] == round_world.first.organisation.name
    assert body[0]["within_2km"] == 2 and body[0]["position"] == 1
    assert world.client_for(round_world.first_user).get(url).status_code == 404
