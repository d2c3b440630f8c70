"""The market is built once for this module, yet each test starts from it untouched.

The two tests run in file order: the first changes the market in the database and in memory,
the second finds neither change.
"""

from caremarket.sourcing.models import Package

CHANGED = "CHANGED-BY-AN-EARLIER-TEST"


def test_a_test_may_change_the_market(world, market_world):
    Package.objects.filter(pk=market_world.p5.pk).update(person_reference=CHANGED)
    market_world.p5.person_reference = CHANGED
    world.broker.full_name = CHANGED
    assert Package.objects.get(pk=market_world.p5.pk).person_reference == CHANGED


def test_the_next_test_sees_the_market_as_built(world, fw, sourcing, market_world):
    assert Package.objects.get(pk=market_world.p5.pk).person_reference == "AS-4"
    assert market_world.p5.person_reference == "AS-4"
    assert world.broker.full_name != CHANGED
    # One copy for the whole market: every fixture names the same objects.
    assert market_world.broker is world.broker
    assert market_world.sourcing is sourcing and sourcing.fw is fw
    assert sourcing.first_user is world.home_care_admin
