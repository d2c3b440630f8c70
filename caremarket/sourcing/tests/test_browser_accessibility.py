"""The sourcing pages through axe-core and the GOV.UK checks, in Chromium, for each role."""

import datetime as dt
from types import SimpleNamespace

import pytest

from caremarket.accessibility.walk import duplicate_titles, walk
from caremarket.sourcing.services import available, offers
from caremarket.sourcing.services.partners import partnership_create
from caremarket.sourcing.tests import pages
from caremarket.sourcing.tests.conftest import at
from caremarket.sourcing.tests.helpers import to_available_list

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("a11y-sourcing"),
]


def test_every_sourcing_page_state_passes_axe_and_the_govuk_checks(
    browser, live_server, world, sourcing
):
    listed = to_available_list(world, sourcing)
    available.available_list_issue(now=at(2026, 11, 23, 9))
    placed = sourcing.package(world.broker, person_reference="AS-24680", urgency="urgent")
    offers.offer_accept(
        actor=sourcing.first_user, offer=placed.offers.get(outcome=""), now=at(2026, 11, 19, 10)
    )
    data = SimpleNamespace(
        world=world,
        # Urgent, so the provider's offers page shows the urgent window as well.
        offered=sourcing.package(world.broker, person_reference="AS-67890", urgency="urgent"),
        available=listed,
        placed=placed,
        # Named last, in CM2, so no package above is offered to the partner first.
        partnership=partnership_create(
            actor=world.contract_manager,
            provider=sourcing.tier2,
            service_type="personal_care",
            outward_codes=["CM2"],
            starts_on=dt.date(2026, 11, 19),
            ends_on=dt.date(2027, 5, 18),
            now=at(2026, 11, 19, 10),
        ),
    )
    problems, titles = walk(browser, live_server, world, data, pages.PAGES)
    problems += duplicate_titles(titles)
    assert not problems, "\n".join(problems)
