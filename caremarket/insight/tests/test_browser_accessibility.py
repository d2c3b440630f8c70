"""The market insight pages through axe-core and the GOV.UK checks, in Chromium."""

from types import SimpleNamespace

import pytest

from caremarket.accessibility.walk import duplicate_titles, walk
from caremarket.insight.tests import pages

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("a11y-insight"),
]


def test_every_insight_page_state_passes_axe_and_the_govuk_checks(
    browser, live_server, world, market_world
):
    data = SimpleNamespace(world=world, market=market_world)
    problems, titles = walk(browser, live_server, world, data, pages.PAGES)
    problems += duplicate_titles(titles)
    assert not problems, "\n".join(problems)
