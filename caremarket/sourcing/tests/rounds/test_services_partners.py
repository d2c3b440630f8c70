import datetime as dt

import pytest

from caremarket.audit.models import AuditEvent
from caremarket.common.errors import NotPermitted, ValidationFailed
from caremarket.notifications.models import Notification
from caremarket.sourcing.models import SourcingDecision, StrategicPartnership
from caremarket.sourcing.services.offers import offer_decline
from caremarket.sourcing.services.partners import partnership_create, partnership_end
from caremarket.sourcing.tests.conftest import THURSDAY

TODAY = dt.date(2026, 11, 19)


def name(sourcing, world, **overrides):
    fields = {
        "actor": world.contract_manager,
        "provider": sourcing.tier2,
        "service_type": "personal_care",
        "outward_codes": ["CM1", "cm2"],
        "starts_on": TODAY,
        "ends_on": dt.date(2027, 5, 18),
        "now": THURSDAY,
    }
    fields.update(overrides)
    return partnership_create(**fields)


def refused(field, **overrides):
    def check(sourcing, world):
        with pytest.raises(ValidationFailed) as exc:
            name(sourcing, world, **overrides)
        assert StrategicPartnership.objects.count() == 0
        return exc.value.errors[field][0]

    return check


def test_a_contract_manager_names_a_partner_audited_and_notified(sourcing, world):
    partnership = name(sourcing, world)
    assert partnership.outward_codes == ["CM1", "CM2"]
    assert AuditEvent.objects.filter(action="strategic_partner.named").count() == 1
    assert Notification.objects.filter(
        recipient=sourcing.tier2_user, event="sourcing.strategic_partner"
    ).exists()


def test_only_a_contract_manager_may_name_one(sourcing, world):
    with pytest.raises(NotPermitted):
        name(sourcing, world, actor=world.broker)


def test_a_new_package_there_is_offered_to_the_partner_first_then_tier1_in_rank_order(
    sourcing, world
):
    name(sourcing, world)
    package = sourcing.package(world.broker)
    first = package.offers.get()
    assert first.provider == sourcing.tier2  # a tier-2 provider, offered before tier 1
    decision = SourcingDecision.objects.get(package=package, kind="offer")
    assert decision.strategic_partner and "strategic partner for CM1" in decision.reason
    offer_decline(actor=sourcing.tier2_user, offer=first, reason="Full", now=THURSDAY)
    nxt = package.offers.get(outcome="")
    assert nxt.provider == sourcing.first
    assert (
        not SourcingDecision.objects.filter(package=package, kind="offer").last().strategic_partner
    )


def test_packages_elsewhere_or_of_another_service_follow_the_ranked_list(sourcing, world):
    name(sourcing, world, outward_codes=["CM2"])
    package = sourcing.package(world.broker)  # CM1 1AA
    assert package.offers.get().provider == sourcing.first
    assert not SourcingDecision.objects.filter(strategic_partner=True).exists()


def test_an_ended_partnership_no_longer_applies(sourcing, world):
    partnership = name(sourcing, world)
    partnership_end(
        actor=world.contract_manager, partnership=partnership, reason="Trial over", now=THURSDAY
    )
    assert sourcing.package(world.broker).offers.get().provider == sourcing.first
    assert AuditEvent.objects.filter(action="strategic_partner.ended").count() == 1
    with pytest.raises(ValidationFailed):
        partnership_end(
            actor=world.contract_manager, partnership=partnership, reason="x", now=THURSDAY
        )


def test_an_overlapping_partnership_is_refused_naming_the_code_and_the_partner(sourcing, world):
    name(sourcing, world)
    with pytest.raises(ValidationFailed) as exc:
        name(
            sourcing,
            world,
            provider=sourcing.second,
            outward_codes=["CM2", "CM3"],
            starts_on=dt.date(2027, 5, 1),
            ends_on=dt.date(2027, 8, 1),
        )
    message = exc.value.errors["outward_codes"][0]
    assert "CM2 already has a strategic partner for Personal Care" in message
    assert "Weak Care" in message and StrategicPartnership.objects.count() == 1
    # The same codes after the trial, or for another service type, are fine.
    name(sourcing, world, starts_on=dt.date(2027, 5, 19), ends_on=dt.date(2027, 6, 1))
    name(sourcing, world, service_type="live_in")


@pytest.mark.parametrize(
    ("field", "overrides", "expected"),
    [
        ("outward_codes", {"outward_codes": ["ZZ99"]}, "ZZ99: not in the postcode directory."),
        ("outward_codes", {"outward_codes": ["CM1 1AA"]}, "not an outward code"),
        ("outward_codes", {"outward_codes": []}, "at least one outward code"),
        ("starts_on", {"starts_on": dt.date(2026, 11, 18)}, "cannot start in the past"),
        ("ends_on", {"ends_on": dt.date(2026, 11, 18)}, "on or after its first day"),
        ("ends_on", {"ends_on": dt.date(2029, 1, 1)}, "at most two years"),
        ("service_type", {"service_type": "gardening"}, "not a service type"),
    ],
)
def test_bad_input_is_refused_naming_the_field(sourcing, world, field, overrides, expected):
    assert expected in refused(field, **overrides)(sourcing, world)


def test_a_partner_off_the_framework_for_the_district_is_refused(sourcing, world):
    outsider = sourcing.fw.good[5]  # eligible, but on no ranked list
    message = refused("provider", provider=outsider)(sourcing, world)
    assert "is not on the ranked list for Personal Care in Chelmsford" in message
