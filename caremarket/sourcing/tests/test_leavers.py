"""Issue 16 item 6: a provider that leaves, and every provider's place, told truthfully.

The rules, from the issue and decision 0052: a provider whose agreement has ended is offered
nothing; its open offers are withdrawn at once and each package moves on to the next provider
in rank order; every offer keeps the tier and position its provider held in the issued list
version in force, and nobody below a leaver is renumbered; the history says why a provider
was passed over (left the framework, no longer eligible, declined, lapsed).
"""

import datetime as dt

import pytest

from caremarket.audit.models import AuditEvent
from caremarket.common.errors import Conflict
from caremarket.framework.services.providers import (
    provider_agreement_end,
    provider_agreement_end_preview,
)
from caremarket.notifications.models import Notification
from caremarket.sourcing.models import Offer, SourcingDecision
from caremarket.sourcing.selectors.leavers import package_offer_history
from caremarket.sourcing.services import offers
from caremarket.sourcing.tests.conftest import at

LATER = at(2026, 11, 19, 11)


def end(world, provider, now=LATER, left_on=dt.date(2026, 11, 19)):
    return provider_agreement_end(
        actor=world.contract_manager,
        provider=provider,
        left_on=left_on,
        reason="Closed its Chelmsford branch",
        now=now,
    )


def test_ending_an_agreement_withdraws_its_open_offer_and_the_package_moves_on(world, sourcing):
    package = sourcing.package(world.broker)
    first_offer = package.offers.get(outcome="")
    assert (first_offer.provider, first_offer.tier, first_offer.position) == (sourcing.first, 1, 1)

    end(world, sourcing.first)

    first_offer.refresh_from_db()
    assert first_offer.outcome == "withdrawn" and first_offer.passed_over == "left_framework"
    assert "left the framework on 19 November 2026" in first_offer.reason
    moved = package.offers.get(outcome="")
    # The next in rank order, at the place it was issued: tier 1, position 2 (not renumbered).
    assert (moved.provider, moved.tier, moved.position) == (sourcing.second, 1, 2)
    assert moved.offered_at == LATER and moved.list_version == sourcing.fw.version
    package.refresh_from_db()
    assert package.stage == "tier1"
    # Its offer says why it was passed over: it is not also listed as never offered.
    assert not SourcingDecision.objects.filter(package=package, kind="passed_over").exists()
    assert AuditEvent.objects.filter(action="offer.withdrawn", object_id=str(package.pk)).exists()
    ended = AuditEvent.objects.get(
        action="framework_provider.agreement_ended", object_id=str(sourcing.first.pk)
    )
    assert ended.data["open_offers_withdrawn"] == 1
    # Both providers whose offers moved are told.
    assert Notification.objects.filter(
        recipient=sourcing.first_user, event="sourcing.offer_withdrawn"
    ).exists()
    assert Notification.objects.filter(
        recipient=sourcing.second_user, event="sourcing.offer_made"
    ).exists()


def test_a_failure_while_moving_the_offers_on_leaves_the_agreement_and_offers_as_they_were(
    world, sourcing, settings
):
    package = sourcing.package(world.broker)
    settings.FRAMEWORK_AGREEMENT_END_HOOKS = [
        *settings.FRAMEWORK_AGREEMENT_END_HOOKS,
        "caremarket.sourcing.tests.test_leavers.failing_hook",
    ]
    with pytest.raises(RuntimeError):
        end(world, sourcing.first)
    sourcing.first.refresh_from_db()
    assert sourcing.first.left_on is None and sourcing.first.is_active
    open_offer = package.offers.get(outcome="")
    assert open_offer.provider == sourcing.first
    assert package.offers.count() == 1


def failing_hook(**kwargs):
    raise RuntimeError("the database went away")


def test_a_package_started_after_a_leaver_left_records_it_passed_over_without_renumbering(
    world, sourcing
):
    end(world, sourcing.first, now=at(2026, 11, 18, 9), left_on=dt.date(2026, 11, 18))
    package = sourcing.package(world.broker)
    offer = package.offers.get(outcome="")
    assert (offer.provider, offer.tier, offer.position) == (sourcing.second, 1, 2)
    passed = SourcingDecision.objects.get(package=package, kind="passed_over")
    assert (passed.provider, passed.tier, passed.position) == (sourcing.first, 1, 1)
    assert passed.passed_over == "left_framework"
    assert passed.list_version == sourcing.fw.version
    history = package_offer_history(package=package)
    assert [(r.provider_name, r.place, r.offered, r.passed_over) for r in history] == [
        (sourcing.first.name, "Tier 1, position 1", False, "Left the framework"),
        (sourcing.second.name, "Tier 1, position 2", True, ""),
    ]
    assert "left the framework on 18 November 2026" in history[0].answer


def test_after_a_leaver_and_a_decline_the_history_gives_each_place_once(world, sourcing):
    end(world, sourcing.first, now=at(2026, 11, 18, 9), left_on=dt.date(2026, 11, 18))
    package = sourcing.package(world.broker)
    offers.offer_decline(
        actor=sourcing.second_user,
        offer=package.offers.get(outcome=""),
        reason="No carers",
        now=LATER,
    )
    package.refresh_from_db()
    # Tier 1 is exhausted: the package waits for the Batching List; the leaver is not
    # recorded again.
    assert package.awaiting_batching
    history = package_offer_history(package=package)
    assert [(r.place, r.passed_over) for r in history] == [
        ("Tier 1, position 1", "Left the framework"),
        ("Tier 1, position 2", "Declined"),
    ]


def test_declines_and_lapses_say_why_the_package_moved_on(world, sourcing):
    package = sourcing.package(world.broker)
    offers.offer_decline(
        actor=sourcing.first_user,
        offer=package.offers.get(outcome=""),
        reason="No carers in CM1",
        now=LATER,
    )
    second = package.offers.get(outcome="")
    offers.offers_lapse_due(now=second.deadline + dt.timedelta(minutes=1))
    rows = {
        (o.provider_id, o.passed_over, o.position) for o in Offer.objects.filter(package=package)
    }
    assert (sourcing.first.pk, "declined", 1) in rows
    assert (sourcing.second.pk, "lapsed", 2) in rows
    history = package_offer_history(package=package)
    assert [r.passed_over for r in history if r.offered][:2] == [
        "Declined",
        "Lapsed (no answer in time)",
    ]


def test_a_tier1_provider_no_longer_eligible_is_passed_over_on_tier1(world, sourcing):
    sourcing.first.eligibility_lost_at = at(2026, 11, 1)
    sourcing.first.save(update_fields=["eligibility_lost_at"])
    package = sourcing.package(world.broker)
    offer = package.offers.get(outcome="")
    assert (offer.provider, offer.position) == (sourcing.second, 2)
    passed = SourcingDecision.objects.get(package=package, kind="passed_over")
    assert (passed.provider, passed.passed_over) == (sourcing.first, "no_longer_eligible")


def test_the_preview_says_what_will_happen_and_changes_nothing(world, sourcing):
    package = sourcing.package(world.broker)
    preview = provider_agreement_end_preview(
        actor=world.contract_manager,
        provider=sourcing.first,
        left_on=dt.date(2026, 11, 19),
        reason="Closed",
        now=LATER,
    )
    assert preview.open_offers == 1
    assert any(package.reference in s and "withdrawn" in s for s in preview.consequences)
    # The fixture lists the provider at tier 1, position 1 in every one of the 96 lots.
    assert len(preview.lists) == 96
    assert "Tier 1, position 1 in Chelmsford" in " ".join(preview.lists)
    sourcing.first.refresh_from_db()
    assert sourcing.first.left_on is None
    assert package.offers.get(outcome="").provider == sourcing.first
    assert not AuditEvent.objects.filter(action="framework_provider.agreement_ended").exists()


def test_an_offer_open_at_the_batching_close_waits_for_the_returns(world, sourcing):
    """At 16:00 the open tier-1 offer stays open; withdrawing it leaves the Batching List to
    decide, as a decline would."""
    from caremarket.sourcing.services import batching

    package = sourcing.package(world.broker, now=at(2026, 11, 19, 15))
    batching.batching_list_issue(now=at(2026, 11, 19, 16))
    package.refresh_from_db()
    assert package.stage == "batching"
    end(world, sourcing.first, now=at(2026, 11, 19, 16, 30))
    package.refresh_from_db()
    assert package.stage == "batching" and not package.offers.filter(outcome="").exists()
    assert package.offers.get(provider=sourcing.first).passed_over == "left_framework"


def test_the_api_ends_the_agreement_and_the_package_shows_each_place_and_reason(
    world, sourcing, monkeypatch
):
    package = sourcing.package(world.broker)
    monkeypatch.setattr("django.utils.timezone.now", lambda: LATER)
    ended = world.client_for(world.contract_manager).post(
        f"/api/v1/providers/{sourcing.first.pk}/end-agreement",
        {"left_on": "2026-11-19", "reason": "Closed"},
        content_type="application/json",
    )
    assert ended.status_code == 200
    body = world.client_for(world.broker).get(f"/api/v1/packages/{package.pk}").json()
    assert [
        (o["provider"], o["tier"], o["position"], o["outcome"], o["passed_over"])
        for o in body["offers"]
    ] == [
        (sourcing.first.name, 1, 1, "withdrawn", "left_framework"),
        (sourcing.second.name, 1, 2, "", ""),
    ]
    withdrawn = [d for d in body["decisions"] if d["kind"] == "withdrawn"]
    assert len(withdrawn) == 1 and withdrawn[0]["provider_id"] == sourcing.first.pk
    # The provider that now holds the offer sees its own place on it.
    mine = world.client_for(sourcing.second_user).get("/api/v1/offers?open_only=true").json()
    assert [(o["package_reference"], o["tier"], o["position"]) for o in mine["items"]] == [
        (package.reference, 1, 2)
    ]


def test_a_second_end_is_refused_and_withdraws_nothing_more(world, sourcing):
    sourcing.package(world.broker)
    end(world, sourcing.first)
    with pytest.raises(Conflict):
        end(world, sourcing.first)
    assert Offer.objects.filter(outcome="withdrawn").count() == 1


def test_offers_made_before_the_migration_take_their_place_from_their_own_version(world, sourcing):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("caremarket.sourcing.migrations.0010_offer_list_positions")
    package = sourcing.package(world.broker)
    offers.offer_decline(
        actor=sourcing.first_user,
        offer=package.offers.get(outcome=""),
        reason="No carers",
        now=LATER,
    )
    Offer.objects.filter(package=package).update(tier=None, position=None, passed_over="")
    migration.positions_from_the_issued_lists(apps, None)
    assert [
        (o.provider, o.tier, o.position, o.passed_over)
        for o in Offer.objects.filter(package=package).order_by("seq")
    ] == [(sourcing.first, 1, 1, "declined"), (sourcing.second, 1, 2, "")]
