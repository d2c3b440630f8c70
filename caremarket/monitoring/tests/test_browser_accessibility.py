"""The visit monitoring pages through axe-core and the GOV.UK checks, in Chromium, for each role."""

from types import SimpleNamespace

import pytest

from caremarket.accessibility.walk import duplicate_titles, walk
from caremarket.monitoring.services.submissions import submission_receive
from caremarket.monitoring.tests import pages
from caremarket.monitoring.tests.conftest import BRANCH_A, NOW, csv_bytes, visit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("a11y-monitoring"),
]


def test_every_monitoring_page_state_passes_axe_and_the_govuk_checks(
    browser, live_server, world, ehm
):
    missed = visit(
        visit_status="MISSED", actual_check_in="", actual_check_out="", check_in_method=""
    )
    accepted = ehm.send(csv_bytes([visit(), missed]))
    assert accepted.is_accepted, accepted.errors
    rejected = ehm.send(
        csv_bytes([visit(visit_status="DONE"), visit(carers="0")]), filename="b.csv"
    )
    waiting_file = csv_bytes([visit(service_user_reference="P9")])
    waiting = submission_receive(
        actor=world.home_care_user,
        organisation=ehm.provider,
        chunks=[waiting_file],
        filename="waiting.csv",
        size=len(waiting_file),
        now=NOW,
    )
    data = SimpleNamespace(
        world=world,
        submission=rejected,
        waiting=waiting,
        provider=ehm.provider,
        location_id=BRANCH_A,
    )
    problems, titles = walk(browser, live_server, world, data, pages.PAGES)
    problems += duplicate_titles(titles)
    assert not problems, "\n".join(problems)
