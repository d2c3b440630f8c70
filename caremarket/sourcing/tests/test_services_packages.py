"""services/packages.py: creating, placing directly, cancelling; who is offered a new package."""

import datetime as dt
from decimal import Decimal

import pytest

from caremarket.audit.models import AuditEvent
from caremarket.common.errors import Conflict, NotFound, NotPermitted, ValidationFailed
from caremarket.framework.services.providers import provider_agreement_end
from caremarket.notifications.models import Notification
from caremarket.sourcing.models import Offer, SourcingDecision
from caremarket.sourcing.services import packages
from caremarket.sourcing.tests.conftest import THURSDAY, at
from caremarket.sourcing.tests.helpers import open_offer, to_available_list


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
