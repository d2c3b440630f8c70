"""Steps many sourcing tests share: an open offer, tier 1 exhausted, a package on the
Available Packages list."""

from caremarket.conftest import fill_date
from caremarket.sourcing.services import batching, offers
from caremarket.sourcing.tests.conftest import at


def open_offer(package):
    return package.offers.get(outcome="")


def exhaust_tier1(sourcing, package, when):
    offers.offer_decline(
        actor=sourcing.first_user, offer=open_offer(package), reason="full", now=when
    )
    offers.offer_decline(
        actor=sourcing.second_user, offer=open_offer(package), reason="full", now=when
    )


def to_available_list(world, sourcing):
    package = sourcing.package(world.broker)
    exhaust_tier1(sourcing, package, at(2026, 11, 19, 11))
    batching.batching_list_issue(now=at(2026, 11, 19, 16))
    batching.batching_lists_close_due(now=at(2026, 11, 20, 10))
    offer = open_offer(package)
    assert offer.provider == sourcing.tier2 and offer.stage == "tier2"
    offers.offer_decline(
        actor=sourcing.tier2_user, offer=offer, reason="full", now=at(2026, 11, 20, 10, 30)
    )
    package.refresh_from_db()
    return package


def fill_package_form(page, *, reference, hours, pattern, needs, start="2026-11-30"):
    """A broker fills the new-package form in the browser (personal care for an older person
    in CM1) and sends it."""
    page.get_by_label("Person's case reference").fill(reference)
    page.get_by_label("Postcode").fill("CM1 1AA")
    page.get_by_label("Service type").select_option(label="Personal Care")
    page.get_by_label("Cohort").select_option(label="Older people")
    page.get_by_label("Hours per week").fill(hours)
    page.get_by_label("Visit pattern").fill(pattern)
    fill_date(page, "Start date", start)
    page.get_by_label("Needs").fill(needs)
    page.get_by_role("button", name="Create package and start sourcing").click()
