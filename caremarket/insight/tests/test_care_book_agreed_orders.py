"""Orders at agreed rates in the book of care: spot orders are care outside the framework."""

from decimal import Decimal

from caremarket.insight.selectors.care_book import care_book
from caremarket.sourcing.tests.test_placement_orders import place


def _span(package):
    (span,) = [s for s in care_book().spans if s.reference == package.reference]
    return span


def test_a_spot_order_is_not_framework_care_in_the_market_figures(world, sourcing):
    package = place(world, sourcing, organisation=sourcing.spot_user.organisation, route="spot")
    span = _span(package)
    assert not span.framework and span.weekly_cost == Decimal("26.40") * Decimal("10.5")


def test_a_mini_competition_with_a_framework_provider_is_framework_care(world, sourcing):
    package = place(
        world, sourcing, organisation=sourcing.second.organisation, route="mini_competition"
    )
    assert _span(package).framework
