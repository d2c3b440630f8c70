import datetime as dt
from decimal import Decimal

import pytest

from caremarket.audit.models import AuditEvent
from caremarket.common.errors import Conflict, NotFound, NotPermitted, ValidationFailed
from caremarket.framework.models import PurchaseOrder
from caremarket.framework.services.providers import provider_agreement_end
from caremarket.notifications.models import Notification
from caremarket.sourcing.models import BatchingList, CareBookImport, Offer, SourcingDecision
from caremarket.sourcing.services import available, batching, offers, packages
from caremarket.sourcing.tests.conftest import THURSDAY, at


def open_offer(package):
    return package.offers.get(outcome="")


def test_a_new_package_is_offered_to_tier1_position_1_with_the_list_version(world, sourcing):
    package = sourcing.package(world.broker)
    offer = open_offer(package)
    assert package.stage == "tier1" and package.district.name == "Chelmsford"
    assert offer.provider == sourcing.first and offer.list_version == sourcing.fw.version
    assert offer.deadline == at(2026, 11, 19, 12)
    assert SourcingDecision.objects.filter(
        package=package, list_version=sourcing.fw.version
    ).exists()
    assert Notification.objects.filter(
        recipient=sourcing.first_user, event="sourcing.offer_made"
    ).exists()
    assert AuditEvent.objects.filter(object_id=str(package.pk), action="package.created").exists()


def test_only_brokers_create_packages(world, sourcing):
    with pytest.raises(NotPermitted):
        sourcing.package(world.care_home_admin)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "ZZ1 1ZZ", "could not find"),
        ("postcode", "SS1 1AA", "not in the council's area"),
        ("hours_per_week", Decimal("0"), "more than 0"),
        ("start_date", dt.date(2026, 11, 1), "in the past"),
    ],
)
def test_bad_package_details_are_refused_naming_the_field(world, sourcing, field, value, message):
    with pytest.raises((ValidationFailed, NotFound)) as exc:
        sourcing.package(world.broker, **{field: value})
    assert message in exc.value.message


def test_a_decline_with_a_reason_moves_to_position_2(world, sourcing):
    package = sourcing.package(world.broker)
    offers.offer_decline(
        actor=sourcing.first_user,
        offer=open_offer(package),
        reason="No carers in CM1",
        now=at(2026, 11, 19, 10, 30),
    )
    declined = package.offers.get(seq=0)
    assert declined.outcome == "declined" and declined.reason == "No carers in CM1"
    assert declined.answered_by == sourcing.first_user
    assert open_offer(package).provider == sourcing.second


def test_declining_needs_a_reason(world, sourcing):
    package = sourcing.package(world.broker)
    with pytest.raises(ValidationFailed):
        offers.offer_decline(
            actor=sourcing.first_user, offer=open_offer(package), reason=" ", now=THURSDAY
        )


def test_acceptance_places_the_package_and_issues_a_purchase_order_at_the_rate_in_force(
    world, sourcing
):
    package = sourcing.package(world.broker)
    offers.offer_accept(
        actor=sourcing.first_user, offer=open_offer(package), now=at(2026, 11, 19, 11)
    )
    package.refresh_from_db()
    assert (package.stage, package.route, package.placed_with) == (
        "placed",
        "tier1",
        sourcing.first.organisation,
    )
    order = PurchaseOrder.objects.get(package_reference=package.reference)
    assert order.rate == Decimal(
        "25.00"
    )  # the 2026/27 rate: the package starts on 30 November 2026
    assert order.provider == sourcing.first
    # Placements are the rule, not an exception: the broker is not notified of each.
    assert not Notification.objects.filter(recipient=world.broker, event="sourcing.placed").exists()


def test_another_providers_offer_is_not_found_and_nothing_changes(world, sourcing):
    package = sourcing.package(world.broker)
    with pytest.raises(NotFound):
        offers.offer_accept(
            actor=sourcing.second_user, offer=open_offer(package), now=at(2026, 11, 19, 11)
        )
    assert open_offer(package).provider == sourcing.first


def test_an_answer_after_the_deadline_is_refused_and_nothing_changes(world, sourcing):
    package = sourcing.package(world.broker)
    with pytest.raises(Conflict, match="can no longer be answered"):
        offers.offer_accept(
            actor=sourcing.first_user, offer=open_offer(package), now=at(2026, 11, 19, 12, 1)
        )
    package.refresh_from_db()
    assert package.stage == "tier1" and open_offer(package).provider == sourcing.first


def test_an_offer_cannot_be_answered_twice(world, sourcing):
    package = sourcing.package(world.broker)
    offer = open_offer(package)
    offers.offer_decline(
        actor=sourcing.first_user, offer=offer, reason="full", now=at(2026, 11, 19, 10, 30)
    )
    with pytest.raises(ValidationFailed, match="already been declined"):
        offers.offer_accept(actor=sourcing.first_user, offer=offer, now=at(2026, 11, 19, 10, 40))


def test_the_lapse_job_moves_on_only_after_the_deadline(world, sourcing):
    package = sourcing.package(world.broker)
    assert offers.offers_lapse_due(now=at(2026, 11, 19, 11, 59)) == 0
    assert offers.offers_lapse_due(now=at(2026, 11, 19, 12)) == 1
    assert package.offers.get(seq=0).outcome == "lapsed"
    assert open_offer(package).provider == sourcing.second


def exhaust_tier1(sourcing, package, when):
    offers.offer_decline(
        actor=sourcing.first_user, offer=open_offer(package), reason="full", now=when
    )
    offers.offer_decline(
        actor=sourcing.second_user, offer=open_offer(package), reason="full", now=when
    )


def test_the_batching_list_flow_offers_to_the_best_ranked_interested_provider(world, sourcing):
    package = sourcing.package(world.broker)
    exhaust_tier1(sourcing, package, at(2026, 11, 19, 11))
    package.refresh_from_db()
    assert package.awaiting_batching and not package.offers.filter(outcome="").exists()
    listed = batching.batching_list_issue(now=at(2026, 11, 19, 16))
    assert listed.closes_at == at(2026, 11, 20, 10)
    assert Notification.objects.filter(
        recipient=sourcing.second_user, event="sourcing.batching_list"
    ).exists()
    for provider, user in (
        (sourcing.second, sourcing.second_user),
        (sourcing.first, sourcing.first_user),
    ):
        batching.batching_return_record(
            actor=user,
            batching_list=listed,
            provider=provider,
            interested={package.pk},
            now=at(2026, 11, 19, 17),
        )
    assert batching.batching_lists_close_due(now=at(2026, 11, 20, 9, 59)) == 0
    assert batching.batching_lists_close_due(now=at(2026, 11, 20, 10)) == 1
    offer = open_offer(package)
    assert offer.provider == sourcing.first and offer.stage == "batching"
    offers.offer_accept(actor=sourcing.first_user, offer=offer, now=at(2026, 11, 20, 10, 30))
    package.refresh_from_db()
    assert package.route == "batching"


def test_no_batching_list_is_issued_when_nothing_is_left(world, sourcing):
    package = sourcing.package(world.broker)
    offers.offer_accept(
        actor=sourcing.first_user, offer=open_offer(package), now=at(2026, 11, 19, 11)
    )
    assert batching.batching_list_issue(now=at(2026, 11, 19, 16)) is None
    assert not BatchingList.objects.exists()


def test_a_friday_list_closes_on_monday_at_1000(world, sourcing):
    package = sourcing.package(world.broker, now=at(2026, 11, 20, 14))
    exhaust_tier1(sourcing, package, at(2026, 11, 20, 14, 30))
    listed = batching.batching_list_issue(now=at(2026, 11, 20, 16))
    assert listed.closes_at == at(2026, 11, 23, 10)


def test_returns_after_the_close_are_refused(world, sourcing):
    package = sourcing.package(world.broker)
    exhaust_tier1(sourcing, package, at(2026, 11, 19, 11))
    listed = batching.batching_list_issue(now=at(2026, 11, 19, 16))
    with pytest.raises(ValidationFailed, match="no longer accepted"):
        batching.batching_return_record(
            actor=sourcing.first_user,
            batching_list=listed,
            provider=sourcing.first,
            interested={package.pk},
            now=at(2026, 11, 20, 10, 1),
        )


def to_available_list(world, sourcing):
    package = sourcing.package(world.broker)
    exhaust_tier1(sourcing, package, at(2026, 11, 19, 11))
    batching.batching_list_issue(now=at(2026, 11, 19, 16))
    batching.batching_lists_close_due(now=at(2026, 11, 20, 10))
    offer = open_offer(package)
    assert offer.provider == sourcing.tier2 and offer.stage == "tier2"
    offers.offer_decline(
        actor=sourcing.tier2_user, offer=offer, reason="full", now=at(2026, 11, 20, 10, 30)
    )
    package.refresh_from_db()
    return package


def test_unplaced_by_tier2_goes_on_the_next_monday_or_thursday_list(world, sourcing):
    package = to_available_list(world, sourcing)
    assert package.stage == "available" and package.awaiting_available_list
    listed = available.available_list_issue(now=at(2026, 11, 23, 9))
    assert list(listed.packages.all()) == [package]
    assert Notification.objects.filter(
        recipient=sourcing.spot_user, event="sourcing.available_list"
    ).exists()


def test_a_spot_providers_proposal_can_be_taken(world, sourcing):
    package = to_available_list(world, sourcing)
    available.available_list_issue(now=at(2026, 11, 23, 9))
    proposal = available.rate_proposal_submit(
        actor=sourcing.spot_user,
        package=package,
        rate=Decimal("27.50"),
        notes="Can start on 2 December",
        now=at(2026, 11, 23, 11),
    )
    packages.package_place_from_proposal(
        actor=world.broker, proposal=proposal, now=at(2026, 11, 23, 14)
    )
    package.refresh_from_db()
    assert (package.stage, package.route, package.agreed_rate) == (
        "placed",
        "available",
        Decimal("27.50"),
    )
    assert package.placed_with == sourcing.spot_user.organisation


def test_proposals_are_only_for_packages_on_the_list(world, sourcing):
    package = sourcing.package(world.broker)
    with pytest.raises(NotFound):
        available.rate_proposal_submit(
            actor=sourcing.spot_user, package=package, rate=Decimal("20"), notes="", now=THURSDAY
        )


def test_spot_purchase_is_the_last_resort(world, sourcing):
    package = sourcing.package(world.broker)
    with pytest.raises(Conflict, match="Available Packages"):
        packages.package_place_directly(
            actor=world.broker,
            package=package,
            organisation=sourcing.spot_user.organisation,
            rate=Decimal("30"),
            route="spot",
            note="",
            now=THURSDAY,
        )
    package = to_available_list(world, sourcing)
    packages.package_place_directly(
        actor=world.broker,
        package=package,
        organisation=sourcing.spot_user.organisation,
        rate=Decimal("30"),
        route="spot",
        note="own price",
        now=at(2026, 11, 24, 10),
    )
    package.refresh_from_db()
    assert package.route == "spot"


def test_cancelling_withdraws_the_open_offer(world, sourcing):
    package = sourcing.package(world.broker)
    packages.package_cancel(
        actor=world.broker, package=package, reason="Went into hospital", now=THURSDAY
    )
    package.refresh_from_db()
    assert package.stage == "cancelled" and package.offers.get().outcome == "withdrawn"
    assert not Offer.objects.filter(outcome="").exists()


def test_visit_monitoring_can_check_people_against_placed_packages(world, sourcing):
    from caremarket.sourcing.selectors.packages import service_users_unknown

    package = sourcing.package(world.broker)
    offers.offer_accept(
        actor=sourcing.first_user, offer=open_offer(package), now=at(2026, 11, 19, 11)
    )
    people = {"organisation": sourcing.first.organisation, "references": ["AS-12345", "AS-0"]}
    # Until the council loads its book of care, care placed before the platform is unknown.
    assert service_users_unknown(**people) == set()
    CareBookImport.objects.create(filename="book.csv", sha256="0" * 64, imported_at=THURSDAY)
    assert service_users_unknown(**people) == {"AS-0"}
    assert service_users_unknown(
        organisation=sourcing.second.organisation, references=["AS-12345"]
    ) == {"AS-12345"}


def test_a_provider_whose_agreement_has_ended_is_offered_nothing(world, sourcing):
    provider_agreement_end(
        actor=world.contract_manager,
        provider=sourcing.first,
        left_on=THURSDAY.date(),
        reason="Left the market",
        now=THURSDAY,
    )
    package = sourcing.package(world.broker)
    assert open_offer(package).provider == sourcing.second
