import datetime as dt

from caremarket.sourcing.engine import decide
from caremarket.sourcing.engine.calendar import LONDON
from caremarket.sourcing.engine.model import Outcome, PackageState, RankedList, Route, Stage
from caremarket.sourcing.engine.rules import COUNCIL_TIMETABLE as RULES

RANKED = RankedList(version_id=7, tier1=(11, 12, 13), tier2=(21, 22))
START = dt.datetime(2026, 11, 19, 10, tzinfo=LONDON)


def partnered(partner=12):
    pkg = PackageState(id=1, created_at=START)
    made = decide.package_start(
        pkg, ranked=RANKED, now=START, rules=RULES, partner_id=partner, partner_area="CM1, CM2"
    )
    return pkg, made


def test_the_partner_gets_one_offer_first_with_the_tier1_answer_window():
    pkg, made = partnered()
    assert pkg.open_offer.provider_id == 12
    assert pkg.open_offer.deadline == RULES.offer_deadline(now=START, tier=1)
    offer = made[-1]
    assert offer.kind == "offer" and offer.strategic_partner and offer.provider_id == 12
    assert "strategic partner for CM1, CM2" in offer.reason


def test_a_partner_decline_goes_to_tier1_in_rank_order_without_offering_the_partner_again():
    pkg, _ = partnered()
    later = START + dt.timedelta(minutes=20)
    made = decide.offer_answer(
        pkg, provider_id=12, accept=False, reason="full", ranked=RANKED, now=later, rules=RULES
    )
    assert pkg.open_offer.provider_id == 11
    assert not made[-1].strategic_partner
    decide.offer_answer(
        pkg, provider_id=11, accept=False, reason="full", ranked=RANKED, now=later, rules=RULES
    )
    assert pkg.open_offer.provider_id == 13


def test_a_lapsed_partner_offer_also_follows_the_normal_call_off():
    pkg, _ = partnered(partner=99)  # a partner on tier 2 or off this list is still offered first
    deadline = pkg.open_offer.deadline
    decide.offer_lapse(pkg, ranked=RANKED, now=deadline, rules=RULES)
    assert pkg.offers[0].outcome == Outcome.LAPSED
    assert pkg.open_offer.provider_id == 11


def test_a_partner_that_accepts_is_placed_at_tier1():
    pkg, _ = partnered()
    decide.offer_answer(
        pkg, provider_id=12, accept=True, reason="", ranked=RANKED, now=START, rules=RULES
    )
    assert pkg.stage == Stage.PLACED and pkg.route == Route.TIER1
