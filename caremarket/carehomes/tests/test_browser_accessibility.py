"""The care home pages through axe-core and the GOV.UK checks, in Chromium, for each role."""

from types import SimpleNamespace

import pytest

from caremarket.accessibility.walk import duplicate_titles, walk
from caremarket.carehomes.models import SuspensionReason
from caremarket.carehomes.services.bookings import booking_request_accept, booking_request_submit
from caremarket.carehomes.services.suspensions import room_suspend
from caremarket.carehomes.tests import pages

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("a11y-carehomes"),
]


def test_every_care_home_page_state_passes_axe_and_the_govuk_checks(
    browser, live_server, world, estate
):
    def request(room, person):
        return booking_request_submit(
            actor=world.health_searcher,
            room=room,
            starts_on=estate.today,
            person_reference=person,
            funding="nhs",
            now=estate.now,
        )

    pending = request(estate.irn, "NHS-4857773456")
    accepted = booking_request_accept(
        actor=world.care_home_user, booking=request(estate.spot, "NHS-9434765919"), now=estate.now
    )
    room_suspend(
        actor=world.care_home_admin,
        room=estate.block,
        starts_on=estate.today,
        reason=SuspensionReason.choices[0][0],
        now=estate.now,
    )
    data = SimpleNamespace(world=world, estate=estate, pending=pending, accepted=accepted)
    problems, titles = walk(browser, live_server, world, data, pages.PAGES)
    problems += duplicate_titles(titles)
    assert not problems, "\n".join(problems)
