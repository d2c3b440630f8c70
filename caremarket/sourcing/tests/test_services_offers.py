"""services/offers.py: answering offers, and the lapse job."""

from decimal import Decimal

import pytest

from caremarket.common.errors import Conflict, NotFound, ValidationFailed
from caremarket.framework.models import PurchaseOrder
from caremarket.notifications.models import Notification
from caremarket.sourcing.services import offers
from caremarket.sourcing.tests.conftest import THURSDAY, at
from caremarket.sourcing.tests.helpers import open_offer


def test_a_decline_with_a_reason_moves_to_position_2(world, sourcing):
    package = sourcing.package(world.broker)
    offers.offer_decline(
        actor=sourcing.first_user,
        offer=open_offer(package),
        reason="No carers in CM1",
        now=at(2026, 11, 19, 10, 30),
    )
    declined = package.offers.get(seq=0)
    assert declined.outcome == "declined" and declined.reason == "No carers in CM1"
    assert declined.answered_by == sourcing.first_user
    assert open_offer(package).provider == sourcing.second


def test_declining_needs_a_reason(world, sourcing):
    package = sourcing.package(world.broker)
    with pytest.raises(ValidationFailed):
        offers.offer_decline(
            actor=sourcing.first_user, offer=open_offer(package), reason=" ", now=THURSDAY
        )


def test_acceptance_places_the_package_and_issues_a_purchase_order_at_the_rate_in_force(
    world, sourcing
):
    package = sourcing.package(world.broker)
    offers.offer_accept(
        actor=sourcing.first_user, offer=open_offer(package), now=at(2026, 11, 19, 11)
    )
    package.refresh_from_db()
    assert (package.stage, package.route, package.placed_with) == (
        "placed",
        "tier1",
        sourcing.first.organisation,
    )
    order = PurchaseOrder.objects.get(package_reference=package.reference)
    assert order.rate == Decimal(
        "25.00"
    )  # the 2026/27 rate: the package starts on 30 November 2026
    assert order.provider == sourcing.first
    # Placements are the rule, not an exception: the broker is not notified of each.
    assert not Notification.objects.filter(recipient=world.broker, event="sourcing.placed").exists()


def test_another_providers_offer_is_not_found_and_nothing_changes(world, sourcing):
    package = sourcing.package(world.broker)
    with pytest.raises(NotFound):
        offers.offer_accept(
            actor=sourcing.second_user, offer=open_offer(package), now=at(2026, 11, 19, 11)
        )
    assert open_offer(package).provider == sourcing.first


def test_an_answer_after_the_deadline_is_refused_and_nothing_changes(world, sourcing):
    package = sourcing.package(world.broker)
    with pytest.raises(Conflict, match="can no longer be answered"):
        offers.offer_accept(
            actor=sourcing.first_user, offer=open_offer(package), now=at(2026, 11, 19, 12, 1)
        )
    package.refresh_from_db()
    assert package.stage == "tier1" and open_offer(package).provider == sourcing.first


def test_an_offer_cannot_be_answered_twice(world, sourcing):
    package = sourcing.package(world.broker)
    offer = open_offer(package)
    offers.offer_decline(
        actor=sourcing.first_user, offer=offer, reason="full", now=at(2026, 11, 19, 10, 30)
    )
    with pytest.raises(ValidationFailed, match="already been declined"):
        offers.offer_accept(actor=sourcing.first_user, offer=offer, now=at(2026, 11, 19, 10, 40))


def test_the_lapse_job_moves_on_only_after_the_deadline(world, sourcing):
    package = sourcing.package(world.broker)
    assert offers.offers_lapse_due(now=at(2026, 11, 19, 11, 59)) == 0
    assert offers.offers_lapse_due(now=at(2026, 11, 19, 12)) == 1
    assert package.offers.get(seq=0).outcome == "lapsed"
    assert open_offer(package).provider == sourcing.second
