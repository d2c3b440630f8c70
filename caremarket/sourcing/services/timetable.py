"""The sourcing timetable: every timed step exactly once, however late the worker runs (0071).

Each tick asks the engine what fell due since the last tick (at most a week back), adds the
Batching List returns whose deadline has passed, and performs the steps in the order they
fell due, each in its own transaction with its (kind, due time) record. Offer lapses need no
record: an offer lapses once because it is then answered.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse

from caremarket.accounts.models import User
from caremarket.audit.services import audit_record
from caremarket.common.errors import NotPermitted, ValidationFailed
from caremarket.core.selectors import TIMETABLE
from caremarket.core.services import heartbeat_record
from caremarket.sourcing.engine.timetable import StepKind, steps_due
from caremarket.sourcing.models import TimetableRun
from caremarket.sourcing.selectors.batching import batching_list_due_to_close
from caremarket.sourcing.selectors.timetable import timetable_last_tick
from caremarket.sourcing.services.available import available_list_issue
from caremarket.sourcing.services.batching import batching_list_close, batching_list_issue
from caremarket.sourcing.services.engine_io import sourcing_rules
from caremarket.sourcing.services.offers import offers_lapse_due
from caremarket.sourcing.services.timetable_runs import brokers_tell_late, timetable_run_claim

TICK = dt.timedelta(minutes=1)
NOT_BROKER = "Only brokers can issue a list ahead of the timetable."
ISSUABLE = {StepKind.BATCHING_ISSUE, StepKind.AVAILABLE_ISSUE}
WHAT = {
    StepKind.BATCHING_ISSUE: "Batching List",
    StepKind.AVAILABLE_ISSUE: "Available Packages list",
}


@transaction.atomic
def timetable_step_perform(
    *, kind: StepKind, due_at: dt.datetime, now: dt.datetime, actor: User | None = None
) -> TimetableRun | None:
    """Issue one list due at `due_at`; None if that step was done already."""
    run = timetable_run_claim(kind=kind, due_at=due_at, now=now, actor=actor)
    if run is None:
        return None
    url = ""
    if kind == StepKind.BATCHING_ISSUE:
        run.batching_list = batching_list_issue(now=now, due_at=due_at, actor=actor)
        issued = run.batching_list is not None
        url = reverse("sourcing:batching")
    elif kind == StepKind.AVAILABLE_ISSUE:
        run.available_list = available_list_issue(now=now, due_at=due_at, actor=actor)
        issued = run.available_list is not None
        url = reverse("sourcing:available")
    else:
        raise ValueError(f"{kind} is not a list the timetable issues")
    if not issued:
        run.outcome = TimetableRun.Outcome.NOT_NEEDED
    run.save(update_fields=["batching_list", "available_list", "outcome"])
    audit_record(
        actor=actor,
        action="timetable.step_done",
        obj=run,
        at=now,
        data={"kind": kind.value, "due_at": due_at, "late": run.late, "outcome": run.outcome},
    )
    if run.late and issued:
        brokers_tell_late(run=run, what=WHAT[kind], url=url, now=now)
    return run


def _close_returns_due(*, by: dt.datetime, now: dt.datetime) -> list[TimetableRun]:
    closed = []
    for batching_list in batching_list_due_to_close(now=by):
        if batching_list_close(batching_list=batching_list, now=now):
            closed.append(
                TimetableRun.objects.get(
                    kind=StepKind.BATCHING_CLOSE.value, due_at=batching_list.closes_at
                )
            )
    return closed


def timetable_catch_up(*, after: dt.datetime, now: dt.datetime) -> list[TimetableRun]:
    """Perform every step due in (after, now], earliest first; steps already done are skipped.

    Returns close in their place in the order: a list issued late in this catch-up whose
    returns are also past due closes after it, in the same catch-up.
    """
    done: list[TimetableRun] = []
    for step in steps_due(sourcing_rules(), after=after, until=now):
        done += _close_returns_due(by=step.due_at, now=now)
        run = timetable_step_perform(kind=step.kind, due_at=step.due_at, now=now)
        if run is not None:
            done.append(run)
    done += _close_returns_due(by=now, now=now)
    offers_lapse_due(now=now)
    heartbeat_record(name=TIMETABLE, now=now)
    return done


def timetable_tick(*, now: dt.datetime) -> list[TimetableRun]:
    """The every-minute job: everything due since the last tick (or the last minute, at first)."""
    last = timetable_last_tick()
    return timetable_catch_up(after=last if last is not None else now - TICK, now=now)


def timetable_issue_now(*, actor: User | None, kind: str, now: dt.datetime) -> TimetableRun:
    """A broker issues the Batching List or the Available Packages list now, off the timetable."""
    if actor is None or not actor.has_perm("sourcing.issue_lists"):
        raise NotPermitted(NOT_BROKER)
    step = next((k for k in ISSUABLE if k.value == kind), None)
    if step is None:
        raise ValidationFailed(
            {"kind": ["Choose the Batching List or the Available Packages list."]}
        )
    run = timetable_step_perform(kind=step, due_at=now, now=now, actor=actor)
    if run is None:
        raise ValidationFailed(f"The {WHAT[step]} was issued at this very moment already.")
    return run
