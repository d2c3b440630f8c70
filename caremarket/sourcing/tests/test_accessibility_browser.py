"""The sourcing pages through axe-core and the GOV.UK checks, in Chromium, for each role."""

from types import SimpleNamespace

import pytest

from caremarket.accessibility.walk import duplicate_titles, walk
from caremarket.sourcing.services import available
from caremarket.sourcing.tests import pages
from caremarket.sourcing.tests.conftest import at
from caremarket.sourcing.tests.test_services import to_available_list

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
    data = SimpleNamespace(
        world=world,
        offered=sourcing.package(world.broker, person_reference="AS-67890"),
        available=listed,
    )
    problems, titles = walk(browser, live_server, world, data, pages.PAGES)
    problems += duplicate_titles(titles)
    assert not problems, "\n".join(problems)
