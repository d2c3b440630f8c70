"""Recording a timed step once, and telling brokers when one ran late (decision 0071)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from caremarket.accounts.models import OrganisationKind, Role, User
from caremarket.notifications.services import notification_send
from caremarket.sourcing.engine.timetable import StepKind, is_late
from caremarket.sourcing.models import TimetableRun


def timetable_run_claim(
    *, kind: StepKind, due_at: dt.datetime, now: dt.datetime, actor: User | None = None
) -> TimetableRun | None:
    """The step's record, or None when it was done already (by this worker or another).

    Call inside the step's transaction: the row and the step's work commit together, and a
    second worker doing the same step waits on the unique index, then finds it taken.
    """
    try:
        with transaction.atomic():
            return TimetableRun.objects.create(
                kind=kind.value,
                due_at=due_at,
                done_at=now,
                late=actor is None and is_late(due_at=due_at, done_at=now),
                outcome=TimetableRun.Outcome.DONE,
                requested_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError:
        return None


def brokers() -> Any:
    return User.objects.filter(
        is_active=True, role=Role.BROKER, organisation__kind=OrganisationKind.COUNCIL
    )


def brokers_tell_late(*, run: TimetableRun, what: str, url: str, now: dt.datetime) -> None:
    """Brokers hear of exceptions only: a list that went out after its time is one."""
    due, done = timezone.localtime(run.due_at), timezone.localtime(run.done_at)
    notification_send(
        recipients=brokers(),
        event="sourcing.list_late",
        subject=f"{what} went out late: due {due:%H:%M}, issued {done:%H:%M}",
        body=(
            f"The {what} due at {due:%H:%M on %A %d %B} was issued at "
            f"{done:%H:%M on %A %d %B}, when the task worker caught up. Its deadlines are "
            "those of the list due then."
        ),
        url=url or reverse("sourcing:batching"),
        now=now,
    )
