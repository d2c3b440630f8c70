"""Offer lapses and the Available Packages list are set-wise (issue 13): the statements a step
sends do not grow with its packages, and each package gets exactly the rows it got when the
packages were stepped one at a time."""

import datetime as dt

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from caremarket.audit.models import AuditEvent
from caremarket.notifications.models import Notification
from caremarket.sourcing.engine import decide
from caremarket.sourcing.models import Offer, Package, SourcingDecision
from caremarket.sourcing.services import available, batching, offers
from caremarket.sourcing.services.engine_io import package_lock, run_step
from caremarket.sourcing.tests.conftest import at
from caremarket.sourcing.tests.helpers import exhaust_tier1

LAPSE_AT = at(2026, 11, 20, 18)


def _mix(world, sourcing, count):
    """`count` packages with a Batching List offer (ticked by the first provider), as many
    with a tier-2 offer (ticked by nobody) and as many with a fresh tier-1 offer: every open
    offer is past its deadline at LAPSE_AT."""
    listed = [sourcing.package(world.broker, now=at(2026, 11, 19, 9)) for _ in range(2 * count)]
    for package in listed:
        exhaust_tier1(sourcing, package, at(2026, 11, 19, 10))
    batching_list = batching.batching_list_issue(now=at(2026, 11, 19, 16))
    assert batching_list is not None
    batching.batching_return_record(
        actor=sourcing.first_user,
        batching_list=batching_list,
        provider=sourcing.first,
        interested={p.pk for p in listed[:count]},
        now=at(2026, 11, 19, 17),
    )
    assert batching.batching_list_close(batching_list=batching_list, now=at(2026, 11, 20, 10))
    fresh = [sourcing.package(world.broker, now=at(2026, 11, 20, 11)) for _ in range(count)]
    assert not Offer.objects.filter(outcome="", deadline__gt=LAPSE_AT).exists()
    return listed + fresh


def _one_at_a_time(now):
    """The lapse job as it was: each due package locked and stepped on its own."""
    due = Offer.objects.filter(outcome="", deadline__lte=now).values_list("package_id", flat=True)
    for package_id in sorted(due):
        with transaction.atomic():
            run_step(
                package=package_lock(package_id),
                now=now,
                actor=None,
                action="offer.lapsed",
                step=lambda state, ranked, rules: decide.offer_lapse(
                    state, ranked=ranked, now=now, rules=rules
                ),
            )


def _rows(packages, since):
    """Everything a step writes, without the ids that differ between two runs of it."""
    ids = [p.pk for p in packages]
    return {
        "packages": list(
            Package.objects.filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", "stage", "awaiting_batching", "batching_closes_at", "route")
        ),
        "offers": list(
            Offer.objects.filter(package__in=ids)
            .order_by("package_id", "seq")
            .values_list(
                "package_id",
                "seq",
                "provider_id",
                "stage",
                "offered_at",
                "deadline",
                "outcome",
                "answered_at",
                "reason",
                "tier",
                "position",
                "passed_over",
            )
        ),
        "decisions": list(
            SourcingDecision.objects.filter(package__in=ids, at__gte=since)
            .order_by("package_id", "pk")
            .values_list(
                "package_id", "at", "kind", "stage", "reason", "provider_id", "list_version_id"
            )
        ),
        "audit": sorted(
            AuditEvent.objects.filter(at__gte=since, object_type="sourcing.package").values_list(
                "action", "object_id", "changes", "data", "actor_id"
            ),
            key=repr,
        ),
        "notifications": sorted(
            Notification.objects.filter(created_at__gte=since).values_list(
                "recipient_id", "event", "subject", "body", "url"
            )
        ),
    }


def test_lapsing_many_packages_together_writes_the_rows_one_at_a_time_wrote(world, sourcing):
    packages = _mix(world, sourcing, 3)
    with transaction.atomic():
        _one_at_a_time(LAPSE_AT)
        before = _rows(packages, LAPSE_AT)
        transaction.set_rollback(True)
    assert offers.offers_lapse_due(now=LAPSE_AT) == len(packages)
    after = _rows(packages, LAPSE_AT)
    assert after == before
    # Each kind of package moved on: the test compares more than lapses alone.
    assert {d[2] for d in after["decisions"]} >= {"lapsed", "offer"}
    assert len(after["audit"]) == len(packages) and after["notifications"]


def _statements(captured):
    """The statements sent, a bulk insert counted once: SQLite's limit on a statement's
    parameters splits one into batches (PostgreSQL sends it whole)."""
    sent = [q["sql"] for q in captured]
    return [
        sql
        for i, sql in enumerate(sent)
        if not (i and sql.startswith("INSERT") and sql[:200] == sent[i - 1][:200])
    ]


def _lapse_statements(world, sourcing, count):
    """The statements the lapse job sends for a mix of `count` of each kind, then rolled back."""
    with transaction.atomic():
        _mix(world, sourcing, count)
        with CaptureQueriesContext(connection) as lapses:
            assert offers.offers_lapse_due(now=LAPSE_AT) == 3 * count
        transaction.set_rollback(True)
    return len(_statements(lapses.captured_queries))


def test_the_lapse_job_sends_the_same_statements_for_five_times_the_packages(world, sourcing):
    assert _lapse_statements(world, sourcing, 10) == _lapse_statements(world, sourcing, 2)


def _available_statements(world, sourcing, count):
    """The statements of an Available Packages list of `count` packages tier 2 left over."""
    with transaction.atomic():
        packages = [sourcing.package(world.broker, now=at(2026, 11, 19, 9)) for _ in range(count)]
        for package in packages:
            exhaust_tier1(sourcing, package, at(2026, 11, 19, 10))
        batching.batching_list_issue(now=at(2026, 11, 19, 16))
        batching.batching_lists_close_due(now=at(2026, 11, 20, 10))
        offers.offers_lapse_due(now=at(2026, 11, 23, 10))
        waiting = Package.objects.filter(awaiting_available_list=True)
        assert set(waiting) == set(packages)
        with CaptureQueriesContext(connection) as issue:
            listed = available.available_list_issue(now=at(2026, 11, 23, 10) + dt.timedelta(1))
        assert listed is not None and set(listed.packages.all()) == set(packages)
        assert not Package.objects.filter(awaiting_available_list=True).exists()
        transaction.set_rollback(True)
    return len(_statements(issue.captured_queries))


def test_the_available_list_sends_the_same_statements_for_ten_times_the_packages(world, sourcing):
    assert _available_statements(world, sourcing, 20) == _available_statements(world, sourcing, 2)


def test_a_package_that_cannot_be_stepped_holds_back_no_other_lapse(
    world, sourcing, monkeypatch, caplog
):
    """Stepped together, one bad package would roll back the minute's every lapse, and again
    each minute after; the job steps them one at a time instead and logs the one it could not."""
    first = sourcing.package(world.broker, now=at(2026, 11, 19, 9))
    second = sourcing.package(world.broker, now=at(2026, 11, 19, 9))
    real_lapse = decide.offer_lapse

    def lapse(state, **kwargs):
        if state.id == first.pk:
            raise decide.EngineError("a state the engine cannot step")
        return real_lapse(state, **kwargs)

    monkeypatch.setattr(decide, "offer_lapse", lapse)
    assert offers.offers_lapse_due(now=LAPSE_AT) == 1
    assert first.offers.filter(outcome="").count() == 1  # still open: it waits, logged
    assert second.offers.filter(outcome="lapsed").count() == 1
    assert f"Package {first.pk}" in caplog.text
