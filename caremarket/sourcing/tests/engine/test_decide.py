import datetime as dt

import pytest

from caremarket.sourcing.engine import decide
from caremarket.sourcing.engine.calendar import LONDON
from caremarket.sourcing.engine.model import Outcome, PackageState, RankedList, Route, Stage
from caremarket.sourcing.engine.rules import COUNCIL_TIMETABLE, SourcingRules

RULES = COUNCIL_TIMETABLE
RANKED = RankedList(version_id=7, tier1=(11, 12, 13), tier2=(21, 22))


def at(y, m, d, h=9, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=LONDON)


def started(now=None):
    pkg = PackageState(id=1, created_at=now or at(2026, 11, 19, 10))
    decide.package_start(pkg, ranked=RANKED, now=pkg.created_at, rules=RULES)
    return pkg


def decline(pkg, now, provider=None):
    provider = provider or pkg.open_offer.provider_id
    return decide.offer_answer(
        pkg,
        provider_id=provider,
        accept=False,
        reason="no capacity",
        ranked=RANKED,
        now=now,
        rules=RULES,
    )


def test_sourcing_starts_with_tier1_position_1_and_records_the_list_version():
    pkg = PackageState(id=1, created_at=at(2026, 11, 19, 10))
    decisions = decide.package_start(pkg, ranked=RANKED, now=pkg.created_at, rules=RULES)
    assert pkg.stage == Stage.TIER1
    assert pkg.open_offer.provider_id == 11
    assert pkg.open_offer.deadline == at(2026, 11, 19, 12)
    assert {d.list_version_id for d in decisions} == {7}
    assert "tier 1 position 1" in decisions[-1].reason


def test_a_decline_moves_to_the_next_position():
    pkg = started()
    decline(pkg, at(2026, 11, 19, 10, 30))
    assert pkg.offers[0].outcome == Outcome.DECLINED and pkg.offers[0].reason == "no capacity"
    assert pkg.open_offer.provider_id == 12


def test_a_lapse_moves_to_the_next_position_only_after_the_deadline():
    pkg = started()
    assert decide.offer_lapse(pkg, ranked=RANKED, now=at(2026, 11, 19, 11, 59), rules=RULES) == []
    decide.offer_lapse(pkg, ranked=RANKED, now=at(2026, 11, 19, 12), rules=RULES)
    assert pkg.offers[0].outcome == Outcome.LAPSED
    assert pkg.open_offer.provider_id == 12


def test_acceptance_places_the_package_via_tier1():
    pkg = started()
    decide.offer_answer(
        pkg,
        provider_id=11,
        accept=True,
        reason="",
        ranked=RANKED,
        now=at(2026, 11, 19, 11),
        rules=RULES,
    )
    assert (pkg.stage, pkg.placed_with, pkg.route) == (Stage.PLACED, 11, Route.TIER1)


@pytest.mark.parametrize(
    ("provider", "when", "message"),
    [
        (12, at(2026, 11, 19, 11), "no open offer"),  # the wrong provider
        (11, at(2026, 11, 19, 12, 1), "can no longer be answered"),  # after the deadline
    ],
)
def test_invalid_answers_are_refused_and_change_nothing(provider, when, message):
    pkg = started()
    with pytest.raises(decide.EngineError, match=message):
        decide.offer_answer(
            pkg, provider_id=provider, accept=True, reason="", ranked=RANKED, now=when, rules=RULES
        )
    assert pkg.stage == Stage.TIER1 and pkg.open_offer.provider_id == 11


def test_an_offer_cannot_be_answered_twice():
    pkg = started()
    decline(pkg, at(2026, 11, 19, 10, 30), provider=11)
    with pytest.raises(decide.EngineError):
        decide.offer_answer(
            pkg,
            provider_id=11,
            accept=True,
            reason="",
            ranked=RANKED,
            now=at(2026, 11, 19, 10, 40),
            rules=RULES,
        )


def test_when_tier1_is_exhausted_the_package_waits_for_the_batching_list():
    pkg = started()
    for minute in (10, 20, 30):
        decline(pkg, at(2026, 11, 19, 11, minute))
    assert pkg.stage == Stage.TIER1 and pkg.awaiting_batching and pkg.open_offer is None


def test_the_1600_batching_list_takes_every_package_still_at_tier1_and_none_when_nothing_is_left():
    waiting, placed = started(), started()
    decide.offer_answer(
        placed,
        provider_id=11,
        accept=True,
        reason="",
        ranked=RANKED,
        now=at(2026, 11, 19, 11),
        rules=RULES,
    )
    listed, closes, _ = decide.batching_issue(
        [waiting, placed], now=at(2026, 11, 19, 16), rules=RULES
    )
    assert listed == [waiting] and waiting.stage == Stage.BATCHING
    assert closes == at(2026, 11, 20, 10)
    assert decide.batching_issue([placed], now=at(2026, 11, 20, 16), rules=RULES) == ([], None, {})


def test_batching_returns_go_to_the_best_ranked_interested_provider_not_the_first_to_reply():
    pkg = started()
    for minute in (10, 20, 30):
        decline(pkg, at(2026, 11, 19, 11, minute))
    decide.batching_issue([pkg], now=at(2026, 11, 19, 16), rules=RULES)
    decide.batching_close(
        pkg, interested=[13, 12], ranked=RANKED, now=at(2026, 11, 20, 10), rules=RULES
    )
    assert pkg.open_offer.provider_id == 12 and pkg.open_offer.stage == Stage.BATCHING
    decline(pkg, at(2026, 11, 20, 10, 30))
    assert pkg.open_offer.provider_id == 13


def test_a_friday_batching_list_is_offered_out_on_monday_morning():
    pkg = started(at(2026, 11, 20, 14))
    for minute in (10, 20, 30):
        decline(pkg, at(2026, 11, 20, 15, minute))
    _, closes, _ = decide.batching_issue([pkg], now=at(2026, 11, 20, 16), rules=RULES)
    assert closes == at(2026, 11, 23, 10)
    decide.batching_close(pkg, interested=[11], ranked=RANKED, now=closes, rules=RULES)
    assert pkg.open_offer.offered_at == at(2026, 11, 23, 10)
    assert pkg.open_offer.deadline == at(2026, 11, 23, 12)


def test_no_interest_on_the_batching_list_moves_to_tier2_in_rank_order_then_the_available_list():
    pkg = started()
    for minute in (10, 20, 30):
        decline(pkg, at(2026, 11, 19, 11, minute))
    decide.batching_issue([pkg], now=at(2026, 11, 19, 16), rules=RULES)
    decide.batching_close(pkg, interested=[], ranked=RANKED, now=at(2026, 11, 20, 10), rules=RULES)
    assert pkg.stage == Stage.TIER2 and pkg.open_offer.provider_id == 21
    decline(pkg, at(2026, 11, 20, 10, 5))
    assert pkg.open_offer.provider_id == 22
    decline(pkg, at(2026, 11, 20, 10, 10))
    assert pkg.stage == Stage.AVAILABLE and pkg.awaiting_available_list
    assert decide.available_list_issue([pkg], now=at(2026, 11, 23, 9)) == [pkg]
    decide.package_place_directly(
        pkg, provider_id=99, route=Route.SPOT, now=at(2026, 11, 23, 14), reason="own price"
    )
    assert (pkg.stage, pkg.route) == (Stage.PLACED, Route.SPOT)


def test_an_offer_open_at_1600_runs_on_and_the_batching_list_decides_next():
    pkg = started(at(2026, 11, 19, 15, 30))
    decide.batching_issue([pkg], now=at(2026, 11, 19, 16), rules=RULES)
    assert pkg.stage == Stage.BATCHING and pkg.open_offer.provider_id == 11
    decline(pkg, at(2026, 11, 19, 16, 30))
    assert pkg.open_offer is None  # no more rank-order offers: the list decides
    decide.batching_close(
        pkg, interested=[13], ranked=RANKED, now=at(2026, 11, 20, 10), rules=RULES
    )
    assert pkg.open_offer.provider_id == 13


def test_without_batching_tier1_exhaustion_goes_straight_to_tier2():
    rules = SourcingRules(batching_times=())
    pkg = PackageState(id=1, created_at=at(2026, 11, 19, 10))
    decide.package_start(
        pkg,
        ranked=RankedList(version_id=1, tier1=(11,), tier2=(21,)),
        now=pkg.created_at,
        rules=rules,
    )
    decide.offer_answer(
        pkg,
        provider_id=11,
        accept=False,
        reason="",
        ranked=RankedList(version_id=1, tier1=(11,), tier2=(21,)),
        now=at(2026, 11, 19, 10, 5),
        rules=rules,
    )
    assert pkg.stage == Stage.TIER2 and pkg.open_offer.provider_id == 21


def test_spot_purchase_is_only_for_packages_on_the_available_list():
    pkg = started()
    with pytest.raises(decide.EngineError, match="Available Packages"):
        decide.package_place_directly(
            pkg, provider_id=99, route=Route.SPOT, now=at(2026, 11, 19, 11), reason=""
        )


def test_cancelling_withdraws_the_open_offer():
    pkg = started()
    decide.package_cancel(pkg, now=at(2026, 11, 19, 11), reason="person went into hospital")
    assert pkg.stage == Stage.CANCELLED and pkg.offers[0].outcome == Outcome.WITHDRAWN
