"""The Batching List's issue and close are set-wise (issue 13): the SQL they send does not
grow with the packages on the list, and each package still gets exactly its own step."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from caremarket.audit.models import AuditEvent
from caremarket.framework.selectors.providers import provider_users
from caremarket.notifications.models import Notification
from caremarket.sourcing.engine import decide
from caremarket.sourcing.models import SourcingDecision
from caremarket.sourcing.services import batching
from caremarket.sourcing.tests.conftest import at
from caremarket.sourcing.tests.helpers import exhaust_tier1, open_offer


def _round(world, sourcing, *, count, created, issued, returned, closes):
    """`count` packages through tier 1 onto a list; the first provider ticks half of them.
    Returns the packages and the statements the issue and the close sent."""
    packages = [sourcing.package(world.broker, now=created) for _ in range(count)]
    for package in packages:
        exhaust_tier1(sourcing, package, returned.replace(hour=created.hour + 1))
    with CaptureQueriesContext(connection) as issue:
        listed = batching.batching_list_issue(now=issued)
    assert listed is not None and set(listed.packages.all()) == set(packages)
    batching.batching_return_record(
        actor=sourcing.first_user,
        batching_list=listed,
        provider=sourcing.first,
        interested={p.pk for p in packages[: count // 2]},
        now=returned,
    )
    with CaptureQueriesContext(connection) as close:
        assert batching.batching_list_close(batching_list=listed, now=closes)
    return packages, len(issue), len(close)


def test_issue_and_close_send_the_same_statements_for_twice_the_packages(world, sourcing):
    _, issue_two, close_two = _round(
        world,
        sourcing,
        count=2,
        created=at(2026, 11, 19, 9),
        issued=at(2026, 11, 19, 16),
        returned=at(2026, 11, 19, 17),
        closes=at(2026, 11, 20, 10),
    )
    _, issue_four, close_four = _round(
        world,
        sourcing,
        count=4,
        created=at(2026, 11, 20, 11),
        issued=at(2026, 11, 20, 16),
        returned=at(2026, 11, 20, 17),
        closes=at(2026, 11, 23, 10),
    )
    assert (issue_four, close_four) == (issue_two, close_two)


def test_each_package_on_a_closed_list_gets_its_own_offer_decisions_and_audit(world, sourcing):
    packages, _, _ = _round(
        world,
        sourcing,
        count=4,
        created=at(2026, 11, 19, 9),
        issued=at(2026, 11, 19, 16),
        returned=at(2026, 11, 19, 17),
        closes=at(2026, 11, 20, 10),
    )
    ticked, unticked = packages[:2], packages[2:]
    for package in ticked:
        offer = open_offer(package)
        assert (offer.provider, offer.stage) == (sourcing.first, "batching")
    for package in unticked:
        offer = open_offer(package)
        assert (offer.provider, offer.stage) == (sourcing.tier2, "tier2")
    for package in packages:
        package.refresh_from_db()
        kinds = list(
            SourcingDecision.objects.filter(package=package, at=at(2026, 11, 20, 10))
            .order_by("pk")
            .values_list("kind", flat=True)
        )
        assert kinds[0] == "batching_closed" and kinds[-1] == "offer"
        event = AuditEvent.objects.get(
            action="batching_list.closed", object_type="sourcing.package", object_id=package.pk
        )
        assert event.changes == {"stage": [None, package.stage]}
        assert len(event.data["decisions"]) == len(kinds)
        assert (package.batching_closes_at, package.awaiting_batching) == (None, False)
    offered = Notification.objects.filter(
        event="sourcing.offer_made", created_at=at(2026, 11, 20, 10)
    )
    staff = {
        p: sorted(provider_users(providers=[p]).values_list("pk", flat=True))
        for p in (sourcing.first, sourcing.tier2)
    }
    assert sorted(n.recipient_id for n in offered) == sorted(
        staff[sourcing.first] * 2 + staff[sourcing.tier2] * 2
    )
    assert {n.subject.split(": ")[0] for n in offered} == {"Package offered to you"}


def test_a_package_that_cannot_be_stepped_holds_back_no_other_at_the_close(
    world, sourcing, monkeypatch, caplog
):
    """One listed package the engine cannot step would roll the whole close back, and the
    timetable would fail the same way every minute after: the rest are offered, the list
    closes, and the one package is logged."""
    packages = [sourcing.package(world.broker, now=at(2026, 11, 19, 9)) for _ in range(3)]
    for package in packages:
        exhaust_tier1(sourcing, package, at(2026, 11, 19, 10))
    listed = batching.batching_list_issue(now=at(2026, 11, 19, 16))
    assert listed is not None
    batching.batching_return_record(
        actor=sourcing.first_user,
        batching_list=listed,
        provider=sourcing.first,
        interested={p.pk for p in packages},
        now=at(2026, 11, 19, 17),
    )
    bad = packages[1]
    real_close = decide.batching_close

    def close(state, **kwargs):
        if state.id == bad.pk:
            raise decide.EngineError("a state the engine cannot step")
        return real_close(state, **kwargs)

    monkeypatch.setattr(decide, "batching_close", close)
    assert batching.batching_list_close(batching_list=listed, now=at(2026, 11, 20, 10))
    listed.refresh_from_db()
    assert listed.closed_at is not None
    for package in (packages[0], packages[2]):
        assert open_offer(package).provider == sourcing.first
    assert not bad.offers.filter(outcome="").exists()
    assert f"Package {bad.pk}" in caplog.text
