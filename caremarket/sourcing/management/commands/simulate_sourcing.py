from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from caremarket.sourcing.engine.calendar import LONDON
from caremarket.sourcing.engine.rules import CONTINUOUS_BATCHING, COUNCIL_TIMETABLE
from caremarket.sourcing.engine.simulation import Scenario, format_reports, simulate

TIMETABLES = {"council": COUNCIL_TIMETABLE, "continuous": CONTINUOUS_BATCHING}


class Command(BaseCommand):
    help = (
        "Replay generated referrals, with provider behaviour, through the sourcing engine and"
        " report time to source and how packages were placed. --compare runs a second"
        " timetable side by side."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--weeks", type=int, default=4)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--timetable", choices=sorted(TIMETABLES), default="council")
        parser.add_argument("--compare", choices=sorted(TIMETABLES), default=None)
        parser.add_argument("--packages-per-week", type=float, default=200.0)
        parser.add_argument(
            "--start",
            type=dt.date.fromisoformat,
            default=dt.date(2026, 1, 5),
            help="First day simulated (YYYY-MM-DD)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["weeks"] < 1:
            self.stderr.write("--weeks must be at least 1.")
            return
        scenario = Scenario(
            weeks=options["weeks"],
            seed=options["seed"],
            packages_per_week=options["packages_per_week"],
            start=dt.datetime.combine(options["start"], dt.time(9), tzinfo=LONDON),
        )
        names = [options["timetable"]] + ([options["compare"]] if options["compare"] else [])
        reports = [simulate(scenario, TIMETABLES[name], label=name) for name in names]
        self.stdout.write(
            f"{options['weeks']} weeks from {options['start']:%d %B %Y}, seed {options['seed']}:\n"
        )
        self.stdout.write(format_reports(reports))
