"""Every placement has its purchase order (issue 16 item 7, decision 0074): mini-competition,
Available Packages and spot placements are ordered at the agreed rate, spot orders marked spot,
and any placed package can change its hours. Urgent packages have shorter answer windows."""

import datetime as dt
from decimal import Decimal

import pytest

from caremarket.audit.models import AuditEvent
from caremarket.common.errors import NotFound, ValidationFailed
from caremarket.framework.models import Lot, PurchaseOrder, ServiceType
from caremarket.sourcing.engine.rules import COUNCIL_TIMETABLE
from caremarket.sourcing.forms import DirectPlacementForm, ProposalForm
from caremarket.sourcing.selectors.packages import offer_terms, package_orders_on
from caremarket.sourcing.services import available, offers, packages
from caremarket.sourcing.tests.conftest import THURSDAY, at
from caremarket.sourcing.tests.helpers import open_offer, to_available_list

PLACED_AT = at(2026, 11, 24, 10)


def place(world, sourcing, *, organisation, route, rate="26.40"):
    package = to_available_list(world, sourcing)
    packages.package_place_directly(
        actor=world.broker,
        package=package,
        organisation=organisation,
        rate=Decimal(rate),
        route=route,
        note="",
        now=PLACED_AT,
    )
    package.refresh_from_db()
    return package


def order_of(package):
    return PurchaseOrder.objects.get(package_reference=package.reference, ends_on__isnull=True)


def test_a_mini_competition_orders_the_package_at_the_agreed_rate(world, sourcing):
    package = place(
        world, sourcing, organisation=sourcing.second.organisation, route="mini_competition"
    )
    order = order_of(package)
    # Not the provider's matrix rate (£25.00 in 2026/27): the rate the competition agreed.
    assert (order.rate, order.unit, order.pricing) == (Decimal("26.40"), "hour", "agreed")
    assert (order.provider, order.organisation) == (sourcing.second, sourcing.second.organisation)
    assert (order.hours_per_week, order.starts_on) == (Decimal("10.5"), package.start_date)
    assert order.issued_by == world.broker
    assert AuditEvent.objects.filter(
        action="framework_purchase_order.issued", object_id=str(order.pk)
    ).exists()


def test_a_spot_purchase_is_ordered_and_marked_spot(world, sourcing):
    agency = sourcing.spot_user.organisation
    package = place(world, sourcing, organisation=agency, route="spot", rate="31.00")
    order = order_of(package)
    assert (order.pricing, order.provider, order.organisation) == ("spot", None, agency)
    assert order.rate == Decimal("31.00")


def test_a_framework_provider_bought_spot_is_still_marked_spot(world, sourcing):
    package = place(world, sourcing, organisation=sourcing.second.organisation, route="spot")
    assert order_of(package).pricing == "spot"


@pytest.mark.parametrize(("who", "pricing"), [("spot_user", "spot"), ("second_user", "agreed")])
def test_a_proposal_taken_is_ordered_at_its_rate(world, sourcing, who, pricing):
    """An agency off the framework is bought spot; a framework provider's proposal is agreed."""
    package = to_available_list(world, sourcing)
    available.available_list_issue(now=at(2026, 11, 23, 9))
    proposal = available.rate_proposal_submit(
        actor=getattr(sourcing, who),
        package=package,
        rate=Decimal("27.50"),
        notes="",
        now=at(2026, 11, 23, 11),
    )
    packages.package_place_from_proposal(actor=world.broker, proposal=proposal, now=PLACED_AT)
    order = order_of(package)
    assert (order.rate, order.pricing) == (Decimal("27.50"), pricing)
    assert order.organisation == getattr(sourcing, who).organisation


def test_a_spot_package_changes_hours_at_its_agreed_rate(world, sourcing):
    package = place(world, sourcing, organisation=sourcing.spot_user.organisation, route="spot")
    packages.package_change_hours(
        actor=world.broker,
        package=package,
        hours_per_week=Decimal("14"),
        starts_on=dt.date(2026, 12, 7),
        now=at(2026, 12, 1, 10),
    )
    first, second = PurchaseOrder.objects.filter(package_reference=package.reference)
    assert first.ends_on == dt.date(2026, 12, 6)
    assert (second.hours_per_week, second.rate, second.pricing) == (
        Decimal("14"),
        first.rate,
        "spot",
    )
    assert second.supersedes == first and second.reason == "change_of_hours"
    package.refresh_from_db()
    assert package.hours_per_week == Decimal("14")
    assert AuditEvent.objects.filter(action="package.hours_changed", object_id=str(package.pk))


def test_a_framework_package_changes_hours_at_the_rate_then_in_force(world, sourcing):
    package = sourcing.package(world.broker)
    offers.offer_accept(actor=sourcing.first_user, offer=open_offer(package), now=THURSDAY)
    packages.package_change_hours(
        actor=world.broker,
        package=package,
        hours_per_week=Decimal("7"),
        starts_on=dt.date(2026, 12, 14),
        now=at(2026, 12, 1, 10),
    )
    orders = list(PurchaseOrder.objects.filter(package_reference=package.reference))
    assert [(o.hours_per_week, o.rate, o.pricing) for o in orders] == [
        (Decimal("10.5"), Decimal("25.00"), "matrix"),
        (Decimal("7"), Decimal("25.00"), "matrix"),
    ]
    now = package_orders_on(history=orders, on=dt.date(2026, 12, 1))
    assert (now.in_force, now.next) == (orders[0], orders[1])
    later = package_orders_on(history=orders, on=dt.date(2026, 12, 14))
    assert (later.in_force, later.next) == (orders[1], None)


def test_a_change_of_hours_cannot_be_in_the_past_by_the_councils_date(world, sourcing):
    package = place(world, sourcing, organisation=sourcing.spot_user.organisation, route="spot")
    # Just after midnight on the 8th, the 7th is already yesterday.
    with pytest.raises(ValidationFailed) as exc:
        packages.package_change_hours(
            actor=world.broker,
            package=package,
            hours_per_week=Decimal("14"),
            starts_on=dt.date(2026, 12, 7),
            now=at(2026, 12, 8, 0, 30),
        )
    assert "starts_on" in exc.value.errors and "past" in exc.value.message
    assert PurchaseOrder.objects.filter(package_reference=package.reference).count() == 1


@pytest.mark.parametrize("hours", [Decimal("0"), Decimal("169")])
def test_impossible_hours_are_refused_naming_the_field(world, sourcing, hours):
    package = place(world, sourcing, organisation=sourcing.spot_user.organisation, route="spot")
    with pytest.raises(ValidationFailed) as exc:
        packages.package_change_hours(
            actor=world.broker,
            package=package,
            hours_per_week=hours,
            starts_on=dt.date(2026, 12, 7),
            now=at(2026, 12, 1),
        )
    assert "hours_per_week" in exc.value.errors


def test_only_a_placed_package_changes_hours(world, sourcing):
    package = sourcing.package(world.broker)
    with pytest.raises(ValidationFailed, match="only a placed package"):
        packages.package_change_hours(
            actor=world.broker,
            package=package,
            hours_per_week=Decimal("3"),
            starts_on=dt.date(2026, 12, 7),
            now=at(2026, 12, 1),
        )


def test_the_same_hours_change_nothing(world, sourcing):
    package = place(world, sourcing, organisation=sourcing.spot_user.organisation, route="spot")
    packages.package_change_hours(
        actor=world.broker,
        package=package,
        hours_per_week=Decimal("10.5"),
        starts_on=dt.date(2026, 12, 7),
        now=at(2026, 12, 1),
    )
    assert PurchaseOrder.objects.filter(package_reference=package.reference).count() == 1
    assert not AuditEvent.objects.filter(action="package.hours_changed").exists()


@pytest.mark.parametrize(
    ("service_type", "unit", "label"),
    [
        (ServiceType.PERSONAL_CARE, "hour", "an hour"),
        (ServiceType.NIGHT_AWAKE, "night", "a night"),
        (ServiceType.NIGHT_SLEEP, "night", "a night"),
        (ServiceType.LIVE_IN, "week", "a week"),
    ],
)
def test_rates_are_asked_for_as_the_service_type_is_priced(service_type, unit, label):
    lot = Lot(service_type=service_type)
    assert (lot.rate_unit, lot.rate_unit_label) == (unit, label)
    assert DirectPlacementForm(unit_label=label).fields["rate"].label == f"Agreed rate (£ {label})"
    assert ProposalForm(unit_label=label).fields["rate"].label == f"Your rate (£ {label})"


def test_an_agreed_live_in_rate_is_ordered_by_the_week(world, sourcing):
    from caremarket.framework.services.purchase_orders import purchase_order_issue_agreed

    live_in = Lot.objects.get(
        district=sourcing.lot.district, service_type="live_in", cohort="older_people"
    )
    order = purchase_order_issue_agreed(
        package_reference="PKG-LIVE",
        organisation=sourcing.spot_user.organisation,
        lot=live_in,
        hours_per_week=Decimal("168"),
        rate=Decimal("1300"),
        spot=True,
        starts_on=dt.date(2026, 12, 1),
        actor=world.broker,
        now=THURSDAY,
    )
    assert order.unit == "week" and order.get_unit_display() == "a week"


# Urgency: the rules' shorter windows, on both tiers, and said on the offer.


def test_an_urgent_package_is_offered_with_the_urgent_window(world, sourcing):
    routine = sourcing.package(world.broker)
    urgent = sourcing.package(world.broker, urgency="urgent", person_reference="AS-2")
    assert open_offer(routine).deadline == at(2026, 11, 19, 12)
    assert open_offer(urgent).deadline == THURSDAY + COUNCIL_TIMETABLE.urgent_offer_window
    assert COUNCIL_TIMETABLE.urgent_offer_window < COUNCIL_TIMETABLE.offer_window
    offers.offer_decline(
        actor=sourcing.first_user,
        offer=open_offer(urgent),
        reason="full",
        now=at(2026, 11, 19, 10, 30),
    )
    # The next provider has the urgent window too, from the moment it is offered.
    assert open_offer(urgent).deadline == at(2026, 11, 19, 11, 30)


def test_urgent_windows_count_office_time(world, sourcing):
    # Offered at 16:45 on a Thursday: an hour of office time ends at 09:45 on Friday.
    urgent = sourcing.package(world.broker, urgency="urgent", now=at(2026, 11, 19, 16, 45))
    assert open_offer(urgent).deadline == at(2026, 11, 20, 9, 45)


def test_the_offer_says_it_is_urgent_and_what_the_provider_is_paid(world, sourcing):
    urgent = sourcing.package(world.broker, urgency="urgent")
    offer = open_offer(urgent)
    terms = offer_terms(offers=[offer], rules=COUNCIL_TIMETABLE)[offer.pk]
    assert (terms.urgent, terms.window, terms.rate) == (True, "1 hour", "£25.00 an hour")
    routine = open_offer(sourcing.package(world.broker, person_reference="AS-3"))
    assert offer_terms(offers=[routine], rules=COUNCIL_TIMETABLE)[routine.pk].window == "2 hours"


def test_a_change_of_hours_needs_a_current_order(world, sourcing):
    from caremarket.framework.services.purchase_orders import purchase_order_change_hours

    with pytest.raises(NotFound):
        purchase_order_change_hours(
            package_reference="PKG-NONE",
            hours_per_week=Decimal("3"),
            starts_on=dt.date(2026, 12, 7),
            actor=world.broker,
            now=THURSDAY,
        )
