from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from caremarket.sourcing.engine.calendar import LONDON
from caremarket.sourcing.engine.rules import CONTINUOUS_BATCHING, COUNCIL_TIMETABLE
from caremarket.sourcing.engine.simulation import (
    Policy,
    Scenario,
    describe_models,
    format_reports,
    simulate,
)

TIMETABLES = {"council": COUNCIL_TIMETABLE, "continuous": CONTINUOUS_BATCHING}


class Command(BaseCommand):
    help = (
        "Replay generated referrals, with provider behaviour, through the sourcing engine and"
        " report time to source and how packages were placed. --compare runs a second"
        " timetable side by side; --policies compares the ranked list alone, round fit shown"
        " to providers and strategic partners, with the scatter of each provider's work."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--weeks", type=int, default=4)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--timetable", choices=sorted(TIMETABLES), default="council")
        parser.add_argument("--compare", choices=sorted(TIMETABLES), default=None)
        parser.add_argument("--packages-per-week", type=float, default=200.0)
        parser.add_argument(
            "--policies",
            default=Policy.RANKED.value,
            help=f"Comma-separated, from {', '.join(p.value for p in Policy)}; or 'all'",
        )
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
        wanted = options["policies"].strip().lower()
        chosen = [p.value for p in Policy] if wanted == "all" else wanted.split(",")
        unknown = [p for p in chosen if p not in {q.value for q in Policy}]
        if unknown:
            self.stderr.write(
                f"--policies: {', '.join(unknown)} is not a policy; choose from "
                f"{', '.join(p.value for p in Policy)} or all."
            )
            return
        names = [options["timetable"]] + ([options["compare"]] if options["compare"] else [])
        reports = [
            simulate(
                scenario,
                TIMETABLES[name],
                label=name if len(chosen) == 1 else f"{name}, {policy}",
                policy=Policy(policy),
            )
            for name in names
            for policy in chosen
        ]
        self.stdout.write(
            f"{options['weeks']} weeks from {options['start']:%d %B %Y}, seed {options['seed']}:\n"
        )
        self.stdout.write(format_reports(reports))
        if chosen != [Policy.RANKED.value]:
            self.stdout.write("\n" + describe_models(scenario))
