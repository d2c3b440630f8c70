"""The engine keeps issued positions (a leaver leaves a gap, nobody is renumbered) and moves a
withdrawn offer on as it would a decline (issue 16 item 6, decision 0073)."""

import datetime as dt

from caremarket.sourcing.engine import decide
from caremarket.sourcing.engine.calendar import LONDON
from caremarket.sourcing.engine.model import Outcome, PackageState, PassedOver, RankedList, Stage
from caremarket.sourcing.engine.rules import COUNCIL_TIMETABLE as RULES

NOW = dt.datetime(2026, 11, 19, 10, tzinfo=LONDON)
# Issued: 11 at position 1 (it has left, so the list in force omits it), 12 at 2, 13 at 3.
IN_FORCE = RankedList(
    version_id=7,
    tier1=(12, 13),
    tier2=(21,),
    positions={11: (1, 1), 12: (1, 2), 13: (1, 3), 21: (2, 1)},
)


def test_offers_carry_the_issued_position_not_their_index_in_the_filtered_list():
    pkg = PackageState(id=1, created_at=NOW)
    decisions = decide.package_start(pkg, ranked=IN_FORCE, now=NOW, rules=RULES)
    offer = pkg.open_offer
    assert (offer.provider_id, offer.tier, offer.position) == (12, 1, 2)
    assert "tier 1 position 2" in decisions[-1].reason


def test_without_issued_positions_the_engine_counts_as_before():
    pkg = PackageState(id=1, created_at=NOW)
    decide.package_start(pkg, ranked=RankedList(version_id=1, tier1=(5, 6)), now=NOW, rules=RULES)
    assert (pkg.open_offer.tier, pkg.open_offer.position) == (1, 1)


def test_a_withdrawn_offer_moves_on_to_the_next_in_rank_order():
    pkg = PackageState(id=1, created_at=NOW)
    decide.package_start(pkg, ranked=IN_FORCE, now=NOW, rules=RULES)
    later = NOW + dt.timedelta(minutes=30)
    pkg.queue = [13]
    decisions = decide.offer_withdraw(
        pkg,
        provider_id=12,
        because=PassedOver.LEFT_FRAMEWORK,
        reason="It left the framework on 19 November 2026.",
        ranked=IN_FORCE,
        now=later,
        rules=RULES,
    )
    withdrawn = pkg.offers[0]
    assert withdrawn.outcome == Outcome.WITHDRAWN and withdrawn.passed_over == "left_framework"
    assert withdrawn.answered_at == later
    assert [d.kind for d in decisions] == ["withdrawn", "offer"]
    assert (pkg.open_offer.provider_id, pkg.open_offer.position) == (13, 3)
    assert pkg.stage == Stage.TIER1


def test_withdrawing_another_providers_offer_does_nothing():
    pkg = PackageState(id=1, created_at=NOW)
    decide.package_start(pkg, ranked=IN_FORCE, now=NOW, rules=RULES)
    assert (
        decide.offer_withdraw(
            pkg,
            provider_id=13,
            because=PassedOver.LEFT_FRAMEWORK,
            reason="x",
            ranked=IN_FORCE,
            now=NOW,
            rules=RULES,
        )
        == []
    )
    assert pkg.open_offer.provider_id == 12


def test_a_decline_and_a_lapse_say_why_the_package_moved_on():
    pkg = PackageState(id=1, created_at=NOW)
    decide.package_start(pkg, ranked=IN_FORCE, now=NOW, rules=RULES)
    pkg.queue = [13]
    decide.offer_answer(
        pkg, provider_id=12, accept=False, reason="No carers", ranked=IN_FORCE, now=NOW, rules=RULES
    )
    decide.offer_lapse(pkg, ranked=IN_FORCE, now=pkg.open_offer.deadline, rules=RULES)
    assert [o.passed_over for o in pkg.offers] == [PassedOver.DECLINED, PassedOver.LAPSED]
