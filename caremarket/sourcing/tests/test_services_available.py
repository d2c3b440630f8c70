"""services/available.py: the Available Packages list and rate proposals."""

from decimal import Decimal

import pytest

from caremarket.common.errors import NotFound
from caremarket.notifications.models import Notification
from caremarket.sourcing.services import available, packages
from caremarket.sourcing.tests.conftest import THURSDAY, at
from caremarket.sourcing.tests.helpers import to_available_list


def test_unplaced_by_tier2_goes_on_the_next_monday_or_thursday_list(world, sourcing):
    package = to_available_list(world, sourcing)
    assert package.stage == "available" and package.awaiting_available_list
    listed = available.available_list_issue(now=at(2026, 11, 23, 9))
    assert list(listed.packages.all()) == [package]
    assert Notification.objects.filter(
        recipient=sourcing.spot_user, event="sourcing.available_list"
    ).exists()


def test_a_spot_providers_proposal_can_be_taken(world, sourcing):
    package = to_available_list(world, sourcing)
    available.available_list_issue(now=at(2026, 11, 23, 9))
    proposal = available.rate_proposal_submit(
        actor=sourcing.spot_user,
        package=package,
        rate=Decimal("27.50"),
        notes="Can start on 2 December",
        now=at(2026, 11, 23, 11),
    )
    packages.package_place_from_proposal(
        actor=world.broker, proposal=proposal, now=at(2026, 11, 23, 14)
    )
    package.refresh_from_db()
    assert (package.stage, package.route, package.agreed_rate) == (
        "placed",
        "available",
        Decimal("27.50"),
    )
    assert package.placed_with == sourcing.spot_user.organisation


def test_proposals_are_only_for_packages_on_the_list(world, sourcing):
    package = sourcing.package(world.broker)
    with pytest.raises(NotFound):
        available.rate_proposal_submit(
            actor=sourcing.spot_user, package=package, rate=Decimal("20"), notes="", now=THURSDAY
        )
