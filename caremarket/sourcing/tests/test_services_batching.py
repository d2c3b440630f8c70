"""services/batching.py: the Batching List, its returns and its close."""

import pytest

from caremarket.common.errors import ValidationFailed
from caremarket.notifications.models import Notification
from caremarket.sourcing.models import BatchingList
from caremarket.sourcing.services import batching, offers
from caremarket.sourcing.tests.conftest import at
from caremarket.sourcing.tests.helpers import exhaust_tier1, open_offer


def test_the_batching_list_flow_offers_to_the_best_ranked_interested_provider(world, sourcing):
    package = sourcing.package(world.broker)
    exhaust_tier1(sourcing, package, at(2026, 11, 19, 11))
    package.refresh_from_db()
    assert package.awaiting_batching and not package.offers.filter(outcome="").exists()
    listed = batching.batching_list_issue(now=at(2026, 11, 19, 16))
    assert listed.closes_at == at(2026, 11, 20, 10)
    assert Notification.objects.filter(
        recipient=sourcing.second_user, event="sourcing.batching_list"
    ).exists()
    for provider, user in (
        (sourcing.second, sourcing.second_user),
        (sourcing.first, sourcing.first_user),
    ):
        batching.batching_return_record(
            actor=user,
            batching_list=listed,
            provider=provider,
            interested={package.pk},
            now=at(2026, 11, 19, 17),
        )
    assert batching.batching_lists_close_due(now=at(2026, 11, 20, 9, 59)) == 0
    assert batching.batching_lists_close_due(now=at(2026, 11, 20, 10)) == 1
    offer = open_offer(package)
    assert offer.provider == sourcing.first and offer.stage == "batching"
    offers.offer_accept(actor=sourcing.first_user, offer=offer, now=at(2026, 11, 20, 10, 30))
    package.refresh_from_db()
    assert package.route == "batching"


def test_no_batching_list_is_issued_when_nothing_is_left(world, sourcing):
    package = sourcing.package(world.broker)
    offers.offer_accept(
        actor=sourcing.first_user, offer=open_offer(package), now=at(2026, 11, 19, 11)
    )
    assert batching.batching_list_issue(now=at(2026, 11, 19, 16)) is None
    assert not BatchingList.objects.exists()


def test_a_friday_list_closes_on_monday_at_1000(world, sourcing):
    package = sourcing.package(world.broker, now=at(2026, 11, 20, 14))
    exhaust_tier1(sourcing, package, at(2026, 11, 20, 14, 30))
    listed = batching.batching_list_issue(now=at(2026, 11, 20, 16))
    assert listed.closes_at == at(2026, 11, 23, 10)


def test_returns_after_the_close_are_refused(world, sourcing):
    package = sourcing.package(world.broker)
    exhaust_tier1(sourcing, package, at(2026, 11, 19, 11))
    listed = batching.batching_list_issue(now=at(2026, 11, 19, 16))
    with pytest.raises(ValidationFailed, match="no longer accepted"):
        batching.batching_return_record(
            actor=sourcing.first_user,
            batching_list=listed,
            provider=sourcing.first,
            interested={package.pk},
            now=at(2026, 11, 20, 10, 1),
        )
