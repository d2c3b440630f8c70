"""The timetable catches up: every timed step once, however late the worker comes back."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from caremarket.notifications.models import Notification
from caremarket.sourcing.engine.rules import COUNCIL_TIMETABLE
from caremarket.sourcing.engine.timetable import StepKind, steps_due
from caremarket.sourcing.models import AvailableList, BatchingList, SourcingDecision, TimetableRun
from caremarket.sourcing.selectors.timetable import timetable_last_tick
from caremarket.sourcing.services.timetable import timetable_catch_up, timetable_tick
from caremarket.sourcing.tests.conftest import at
from caremarket.sourcing.tests.helpers import exhaust_tier1, open_offer, to_available_list

pytestmark = pytest.mark.django_db


def waiting_for_the_batching_list(world, sourcing, day):
    package = sourcing.package(world.broker, now=at(day.year, day.month, day.day, 11))
    exhaust_tier1(sourcing, package, at(day.year, day.month, day.day, 11, 30))
    return package


def test_the_engine_lists_every_step_due_in_an_outage_in_order():
    # Friday 28 August 2026 15:59 to Tuesday 1 September 11:00; Monday 31 August is a bank
    # holiday, so Monday's Available Packages list moves to Tuesday 09:00.
    steps = steps_due(COUNCIL_TIMETABLE, after=at(2026, 8, 28, 15, 59), until=at(2026, 9, 1, 11))
    assert [(s.kind, s.due_at) for s in steps] == [
        (StepKind.BATCHING_ISSUE, at(2026, 8, 28, 16)),
        (StepKind.AVAILABLE_ISSUE, at(2026, 9, 1, 9)),
    ]


def test_worker_down_from_1559_to_1607_issues_one_list_late_closing_at_ten_next_day(
    world, sourcing
):
    package = waiting_for_the_batching_list(world, sourcing, dt.date(2026, 11, 19))
    timetable_tick(now=at(2026, 11, 19, 15, 59))
    assert not BatchingList.objects.exists()

    timetable_tick(now=at(2026, 11, 19, 16, 7))  # the worker is back

    listed = BatchingList.objects.get()
    assert listed.issued_at == at(2026, 11, 19, 16, 7)
    assert listed.closes_at == at(2026, 11, 20, 10)
    assert list(listed.packages.all()) == [package]
    run = TimetableRun.objects.get(kind="batching_issue")
    assert (run.due_at, run.done_at, run.late) == (
        at(2026, 11, 19, 16),
        at(2026, 11, 19, 16, 7),
        True,
    )
    assert run.batching_list == listed and run.outcome == "done"
    reason = SourcingDecision.objects.get(package=package, kind="batching").reason
    assert reason.startswith("Still unsourced at 16:00") and "Issued late, at 16:07." in reason
    told = Notification.objects.get(recipient=world.broker, event="sourcing.list_late")
    assert told.subject == "Batching List went out late: due 16:00, issued 16:07"
    assert timetable_last_tick() == at(2026, 11, 19, 16, 7)


def test_late_or_repeated_runs_change_nothing_twice(world, sourcing):
    waiting_for_the_batching_list(world, sourcing, dt.date(2026, 11, 19))
    timetable_tick(now=at(2026, 11, 19, 15, 59))
    timetable_tick(now=at(2026, 11, 19, 16, 7))
    timetable_tick(now=at(2026, 11, 19, 16, 8))
    assert timetable_catch_up(after=at(2026, 11, 19, 15), now=at(2026, 11, 19, 16, 9)) == []
    assert BatchingList.objects.count() == 1
    assert TimetableRun.objects.filter(kind="batching_issue").count() == 1
    assert Notification.objects.filter(event="sourcing.list_late").count() == 1


def test_on_time_the_list_is_not_late_and_brokers_are_not_told(world, sourcing):
    waiting_for_the_batching_list(world, sourcing, dt.date(2026, 11, 19))
    timetable_tick(now=at(2026, 11, 19, 15, 59))
    timetable_tick(now=at(2026, 11, 19, 16))
    assert TimetableRun.objects.get(kind="batching_issue").late is False
    assert not Notification.objects.filter(event="sourcing.list_late").exists()


def test_a_late_friday_list_before_a_bank_holiday_closes_on_tuesday(world, sourcing):
    waiting_for_the_batching_list(world, sourcing, dt.date(2026, 8, 28))
    timetable_tick(now=at(2026, 8, 28, 15, 59))
    timetable_tick(now=at(2026, 8, 28, 16, 7))
    listed = BatchingList.objects.get()
    assert listed.issued_at == at(2026, 8, 28, 16, 7)
    assert listed.closes_at == at(2026, 9, 1, 10)  # Monday 31 August is a bank holiday


def test_an_outage_over_the_bank_holiday_weekend_does_each_step_once_in_order(world, sourcing):
    package = waiting_for_the_batching_list(world, sourcing, dt.date(2026, 8, 28))
    timetable_tick(now=at(2026, 8, 28, 15, 59))
    runs = timetable_tick(now=at(2026, 9, 1, 11))
    assert [(r.kind, r.due_at, r.outcome) for r in runs] == [
        ("batching_issue", at(2026, 8, 28, 16), "done"),
        ("available_issue", at(2026, 9, 1, 9), "not_needed"),
        ("batching_close", at(2026, 9, 1, 10), "done"),
    ]
    assert all(r.late for r in runs)
    # Nobody ticked the package, so at the close it went on to tier 2.
    assert open_offer(package).provider == sourcing.tier2


def test_the_thursday_list_due_at_nine_goes_out_once_when_the_worker_returns(world, sourcing):
    package = to_available_list(world, sourcing)
    timetable_tick(now=at(2026, 11, 26, 8, 58))  # Thursday
    timetable_tick(now=at(2026, 11, 26, 9, 25))
    listed = AvailableList.objects.get()
    assert listed.issued_at == at(2026, 11, 26, 9, 25)
    assert list(listed.packages.all()) == [package]
    run = TimetableRun.objects.get(kind="available_issue")
    assert (run.due_at, run.late) == (at(2026, 11, 26, 9), True)
    timetable_tick(now=at(2026, 11, 26, 9, 26))
    assert AvailableList.objects.count() == 1


def test_offers_lapse_in_the_same_tick(world, sourcing):
    package = sourcing.package(world.broker)  # Thursday 10:00, answer due 12:00
    timetable_tick(now=at(2026, 11, 19, 11, 59))
    timetable_tick(now=at(2026, 11, 19, 12, 30))
    assert package.offers.get(seq=0).outcome == "lapsed"
    assert open_offer(package).provider == sourcing.second


def test_the_replay_command_catches_up_from_the_time_given(world, sourcing, monkeypatch):
    waiting_for_the_batching_list(world, sourcing, dt.date(2026, 11, 19))
    monkeypatch.setattr(
        "caremarket.sourcing.management.commands.timetable_replay.timezone.now",
        lambda: at(2026, 11, 19, 16, 30),
    )
    out = io.StringIO()
    call_command("timetable_replay", "--since", "2026-11-19T15:59", stdout=out)
    assert "Batching List issued due Thu 19 Nov 16:00: done (late)" in out.getvalue()
    assert "1 step(s) performed." in out.getvalue()
    again = io.StringIO()
    call_command("timetable_replay", "--since", "2026-11-19T15:59", stdout=again)
    assert "0 step(s) performed." in again.getvalue()
    assert BatchingList.objects.count() == 1
