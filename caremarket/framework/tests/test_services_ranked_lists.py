import datetime as dt
from decimal import Decimal

import pytest

from caremarket.common.errors import Conflict, NotPermitted, ValidationFailed
from caremarket.framework.models import RankedListVersion, Tier
from caremarket.framework.selectors.ranked_lists import (
    provider_positions,
    ranked_list_diff,
    ranked_list_in_force,
)
from caremarket.framework.services.ranked_lists import (
    ranked_list_draft_create,
    ranked_list_draft_rank_by_scores,
    ranked_list_draft_set_lot,
    ranked_list_issue,
)
from caremarket.framework.tests.conftest import START, at
from caremarket.notifications.models import Notification

NOW = at(dt.date(2026, 4, 1))


def reissue(fw, actor, effective_from, tier1, tier2, lot=None):
    draft = ranked_list_draft_create(actor=actor, now=NOW)
    ranked_list_draft_set_lot(
        actor=actor, version=draft, lot=lot or fw.lot("Basildon"), tier1=tier1, tier2=tier2, now=NOW
    )
    return ranked_list_issue(actor=actor, version=draft, effective_from=effective_from, now=NOW)


def test_list_in_force_gives_each_tier_in_rank_order_with_the_version(fw):
    ranked = ranked_list_in_force(lot=fw.lot("Basildon"), on=dt.date(2026, 1, 5))
    assert ranked.version_id == fw.version.pk
    assert [e.provider_id for e in ranked.tier1] == [fw.meadow.pk, fw.good[0].pk]
    assert [e.provider_id for e in ranked.tier2] == [fw.weak.pk]


def test_no_list_is_in_force_before_the_first_takes_effect(fw):
    ranked = ranked_list_in_force(lot=fw.lot("Basildon"), on=START - dt.timedelta(days=1))
    assert ranked.version_id is None and ranked.entries == []


def test_a_past_date_is_answered_by_the_version_then_in_force(fw, world):
    later = reissue(
        fw, world.contract_manager, dt.date(2026, 5, 9), [fw.good[0], fw.meadow], [fw.weak]
    )
    before = ranked_list_in_force(lot=fw.lot("Basildon"), on=dt.date(2026, 5, 8))
    after = ranked_list_in_force(lot=fw.lot("Basildon"), on=dt.date(2026, 5, 9))
    assert before.version_id == fw.version.pk
    assert before.tier1[0].provider_id == fw.meadow.pk
    assert after.version_id == later.pk
    assert after.tier1[0].provider_id == fw.good[0].pk


def test_provider_positions_match_the_issued_lists(fw, world):
    reissue(fw, world.contract_manager, dt.date(2026, 5, 9), [fw.good[0]], [fw.weak, fw.meadow])
    later = RankedListVersion.objects.get(number=2)
    positions = {
        str(p.lot): (p.tier, p.position, p.of)
        for p in provider_positions(provider=fw.meadow, version=later)
    }
    assert len(positions) == len(fw.lots)
    assert positions[str(fw.lot("Basildon"))] == (Tier.TWO, 2, 2)
    assert positions[str(fw.lot("Harlow"))] == (Tier.ONE, 1, 2)


def test_the_diff_lists_every_provider_that_moved(fw, world):
    later = reissue(
        fw, world.contract_manager, dt.date(2026, 5, 9), [fw.good[0], fw.good[1]], [fw.meadow]
    )
    diff = ranked_list_diff(old=fw.version, new=later)
    assert [d.lot for d in diff] == [fw.lot("Basildon")]
    changes = {c.provider_name: (c.before, c.after) for c in diff[0].changes}
    assert changes == {
        "Meadow Home Care": ("Tier 1, position 1", "Tier 2, position 1"),
        "Good Care 1": ("Tier 1, position 2", "Tier 1, position 1"),
        "Good Care 2": (None, "Tier 1, position 2"),
        "Weak Care": ("Tier 2, position 1", None),
    }


def test_issued_versions_are_numbered_and_published_to_providers(fw, world):
    later = reissue(fw, world.contract_manager, dt.date(2026, 5, 9), [fw.meadow], [fw.weak])
    assert later.number == 2
    assert Notification.objects.filter(
        recipient=world.home_care_user, event="framework.ranked_list_issued"
    ).exists()


def test_a_version_cannot_take_effect_in_the_past(fw, world):
    draft = ranked_list_draft_create(actor=world.contract_manager, now=NOW)
    with pytest.raises(ValidationFailed, match="cannot take effect in the past"):
        ranked_list_issue(
            actor=world.contract_manager, version=draft, effective_from=dt.date(2026, 3, 1), now=NOW
        )


def test_an_issued_version_cannot_be_edited(fw, world):
    with pytest.raises(Conflict):
        ranked_list_draft_set_lot(
            actor=world.contract_manager,
            version=fw.version,
            lot=fw.lot("Basildon"),
            tier1=[fw.meadow],
            tier2=[],
            now=NOW,
        )


def test_more_than_ten_tier1_providers_in_a_district_are_refused(fw, world):
    draft = ranked_list_draft_create(actor=world.contract_manager, now=NOW)
    with pytest.raises(ValidationFailed, match="Basildon has 12 providers on tier 1; at most 10"):
        ranked_list_draft_set_lot(
            actor=world.contract_manager,
            version=draft,
            lot=fw.lot("Basildon"),
            tier1=[fw.meadow, *fw.good],
            tier2=[],
            now=NOW,
        )


def test_a_provider_not_meeting_the_standard_is_refused_on_tier1(fw, world):
    draft = ranked_list_draft_create(actor=world.contract_manager, now=NOW)
    with pytest.raises(
        ValidationFailed,
        match=r"Weak Care is not eligible for tier 1.*Safe is Requires improvement",
    ):
        ranked_list_draft_set_lot(
            actor=world.contract_manager,
            version=draft,
            lot=fw.lot("Basildon"),
            tier1=[fw.weak],
            tier2=[],
            now=NOW,
        )


def test_ranking_by_scores_follows_the_weights(fw, world):
    draft = ranked_list_draft_create(actor=world.contract_manager, now=NOW)
    lot = fw.lot("Basildon")
    draft.entries.filter(lot=lot, provider=fw.meadow).update(
        price_score=Decimal(90), quality_score=Decimal(40)
    )
    draft.entries.filter(lot=lot, provider=fw.good[0]).update(
        price_score=Decimal(50), quality_score=Decimal(70)
    )
    ranked_list_draft_rank_by_scores(
        actor=world.contract_manager, version=draft, price_weight=20, quality_weight=80, now=NOW
    )
    first = draft.entries.get(lot=lot, tier=Tier.ONE, position=1)
    assert first.provider_id == fw.good[0].pk  # 66 beats 50 with quality weighted at 80%


def test_weights_must_add_up_to_100(fw, world):
    draft = ranked_list_draft_create(actor=world.contract_manager, now=NOW)
    with pytest.raises(ValidationFailed, match="adding up to 100"):
        ranked_list_draft_rank_by_scores(
            actor=world.contract_manager, version=draft, price_weight=60, quality_weight=60, now=NOW
        )


def test_only_contract_managers_draft_lists(fw, world):
    with pytest.raises(NotPermitted):
        ranked_list_draft_create(actor=world.broker, now=NOW)
