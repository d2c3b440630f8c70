"""Every time a message gives is the council's clock, whatever the database hands back (UTC)."""

import datetime as dt

import pytest

from caremarket.common.errors import Conflict
from caremarket.notifications.models import Notification
from caremarket.sourcing.models import SourcingDecision
from caremarket.sourcing.services import batching, offers
from caremarket.sourcing.tests.conftest import at

pytestmark = pytest.mark.django_db

SUMMER_THURSDAY = at(2026, 6, 18)  # 10:00 BST: a tier-1 offer is due back by 12:00 BST


def test_an_offer_and_its_lapse_give_the_deadline_in_summer_time(world, sourcing):
    package = sourcing.package(world.broker, now=SUMMER_THURSDAY)
    offered = Notification.objects.filter(event="sourcing.offer_made").latest("id")
    assert "answer by 12:00 on Thursday 18 June" in offered.body
    assert offers.offers_lapse_due(now=at(2026, 6, 18, 12, 1)) == 1
    lapsed = SourcingDecision.objects.get(package=package, kind="lapsed")
    assert lapsed.reason == "No answer by 12:00 on 18 Jun: the offer lapsed."
    offered_next = SourcingDecision.objects.filter(package=package, kind="offer").last()
    assert "answer due Thu 18 Jun 14:01" in offered_next.reason


def test_a_late_answer_is_refused_with_the_london_deadline(world, sourcing):
    package = sourcing.package(world.broker, now=SUMMER_THURSDAY)
    offer = package.offers.get(outcome="")
    with pytest.raises(Conflict, match="closed at 12:00 on 18 Jun 2026"):
        offers.offer_accept(actor=sourcing.first_user, offer=offer, now=at(2026, 6, 18, 12, 30))


def test_the_batching_list_before_the_clocks_go_back_closes_at_ten_on_monday(world, sourcing):
    # Friday 23 October 2026 is BST; Monday 26 October is GMT. The close is 10:00 on Monday.
    friday = at(2026, 10, 23, 10)
    package = sourcing.package(world.broker, now=friday)
    for user in (sourcing.first_user, sourcing.second_user):
        offers.offer_decline(
            actor=user, offer=package.offers.get(outcome=""), reason="full", now=friday
        )
    issued = batching.batching_list_issue(now=at(2026, 10, 23, 16))
    assert issued is not None
    assert issued.closes_at == dt.datetime(2026, 10, 26, 10, tzinfo=dt.UTC)
    sent = Notification.objects.filter(event="sourcing.batching_list").latest("id")
    assert "return the list by 10:00 on Monday 26 October" in sent.body
    decision = SourcingDecision.objects.get(package=package, kind="batching")
    assert decision.reason.startswith("Still unsourced at 16:00")
    assert "returns due Mon 26 Oct 10:00" in decision.reason
