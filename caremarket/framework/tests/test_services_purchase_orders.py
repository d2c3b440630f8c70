import datetime as dt
from decimal import Decimal

import pytest

from caremarket.common.errors import Conflict, NotPermitted, ValidationFailed
from caremarket.framework.models import PurchaseOrder
from caremarket.framework.selectors.purchase_orders import purchase_order_history
from caremarket.framework.services.prices import rate_select
from caremarket.framework.services.purchase_orders import (
    purchase_order_carry_over,
    purchase_order_change_hours,
    purchase_order_issue,
)
from caremarket.framework.tests.conftest import at

NOW = at(dt.date(2026, 3, 1))


@pytest.fixture
def priced(fw):
    lot = fw.lot("Basildon")
    for year, amount in ((fw.year1, "24.00"), (fw.year2, "26.00")):
        rate_select(
            actor=None,
            provider=fw.meadow,
            lot=lot,
            year=year,
            amount=Decimal(amount),
            now=at(dt.date(2025, 10, 1)),
        )
    return lot


def issue(fw, lot, actor, starts_on=dt.date(2026, 3, 2), reference="PKG-1"):
    return purchase_order_issue(
        package_reference=reference,
        provider=fw.meadow,
        lot=lot,
        hours_per_week=Decimal(10),
        starts_on=starts_on,
        actor=actor,
        now=NOW,
    )


def test_a_new_package_is_priced_at_the_rate_in_force_on_its_start(fw, world, priced):
    order = issue(fw, priced, world.broker)
    assert (order.rate, order.reason) == (Decimal("24.00"), PurchaseOrder.Reason.NEW_PACKAGE)
    assert order.reference == f"PO-{order.pk:07d}"


def test_a_change_of_hours_issues_a_new_order_at_the_rate_then_in_force(fw, world, priced):
    first = issue(fw, priced, world.broker)
    second = purchase_order_change_hours(
        package_reference="PKG-1",
        hours_per_week=Decimal(14),
        starts_on=dt.date(2026, 11, 16),
        actor=world.broker,
        now=NOW,
    )
    history = purchase_order_history(package_reference="PKG-1")
    assert [o.pk for o in history] == [first.pk, second.pk]
    assert (second.rate, second.supersedes_id) == (Decimal("26.00"), first.pk)
    assert history[0].ends_on == dt.date(2026, 11, 15)
    assert history[0].rate == Decimal("24.00")  # the old order keeps its price


def test_the_same_hours_issue_no_new_order(fw, world, priced):
    first = issue(fw, priced, world.broker)
    same = purchase_order_change_hours(
        package_reference="PKG-1",
        hours_per_week=Decimal(10),
        starts_on=dt.date(2026, 11, 16),
        actor=world.broker,
        now=NOW,
    )
    assert same.pk == first.pk
    assert len(purchase_order_history(package_reference="PKG-1")) == 1


def test_a_carried_over_package_keeps_its_old_price_until_it_changes(fw, world, priced):
    old = purchase_order_carry_over(
        package_reference="OLD-1",
        provider=fw.meadow,
        lot=priced,
        hours_per_week=Decimal(7),
        rate=Decimal("21.80"),
        starts_on=dt.date(2024, 6, 3),
        actor=world.contract_manager,
        now=NOW,
    )
    assert old.rate == Decimal("21.80") and old.ends_on is None
    new = purchase_order_change_hours(
        package_reference="OLD-1",
        hours_per_week=Decimal(9),
        starts_on=dt.date(2026, 3, 2),
        actor=world.contract_manager,
        now=NOW,
    )
    assert new.rate == Decimal("24.00")


def test_a_provider_without_a_rate_for_the_year_is_refused_clearly(fw, world):
    with pytest.raises(ValidationFailed, match="Meadow Home Care has no rate for Harlow"):
        issue(fw, fw.lot("Harlow"), world.broker)
    assert not PurchaseOrder.objects.exists()


def test_a_package_gets_one_first_order_only(fw, world, priced):
    issue(fw, priced, world.broker)
    with pytest.raises(Conflict, match="change its hours instead"):
        issue(fw, priced, world.broker)


def test_providers_cannot_issue_orders(fw, world, priced):
    with pytest.raises(NotPermitted):
        issue(fw, priced, world.home_care_admin)
