from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from caremarket.sourcing.engine.calendar import LONDON
from caremarket.sourcing.engine.timetable import LOOK_BACK
from caremarket.sourcing.services.timetable import timetable_catch_up


def _instant(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--since “{text}” is not a date and time such as 2026-11-19T15:59."
        ) from None
    # A time without an offset is the council's wall clock, as a broker would give it.
    return value if value.tzinfo else value.replace(tzinfo=LONDON)


class Command(BaseCommand):
    help = (
        "After an outage, perform every timetable step (Batching List issue and close, "
        "Available Packages list, offer lapses) due since --since, once each, late. "
        "Steps already done are left alone, so running it twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", required=True, type=_instant, help="e.g. 2026-11-19T15:59")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        since: dt.datetime = options["since"]
        if since >= now:
            raise CommandError("--since must be in the past.")
        if now - since > LOOK_BACK:
            raise CommandError(f"--since can be at most {LOOK_BACK.days} days ago.")
        runs = timetable_catch_up(after=since, now=now)
        for run in runs:
            due = timezone.localtime(run.due_at)
            late = " (late)" if run.late else ""
            self.stdout.write(
                f"  {run.get_kind_display()} due {due:%a %d %b %H:%M}: "
                f"{run.get_outcome_display().lower()}{late}"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(runs)} step(s) performed."))
